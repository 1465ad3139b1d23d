"""CLM03 prose.claims-agree: the same figure stated twice in one report must agree.

What it checks:
    Claims selected by ``claims`` are grouped by ``group_by`` (by default report ×
    measure × subject: "52 beslutade uppdrag" in the summary and "Av de 52 uppdrag"
    in the analysis). Amounts are converted between kr, tkr and mnkr, take their
    sign from direction words (överskott/underskott, positiv/negativ) and stand for
    the interval of their printed precision, so "60,0 mnkr" and "60 046 tkr" agree
    (``exact`` for counts, which carry no rounding).
    Every claim is compared with the value most statements give (or, when no value
    is given more often than the others, the first one stated); one that disagrees
    is reported at its line, naming the statement it was compared with. Claims in
    an inriktningsmål's analysis count that goal's parts, not the report's, and are
    left out unless ``in_goal_analyses`` is on. This is the check for documents
    with no table to compare prose with (a tjänsteskrivelse summarising a
    verksamhetsberättelse).

Why it matters:
    A figure edited in one paragraph and not in the other is the commonest error in
    a summary written by several people; with no table next to it, the second
    statement is the only thing to check it against.

Example rule:
    - id: samma-belopp-i-texten
      kind: CLM03
      table: claims
      where: "claim_kind == 'amount' and notnull(measure)"
      params: {group_by: [report, measure]}
      title: Samma belopp anges lika i hela texten

Example finding:
    Texten anger 61 046 tkr («…positiv avvikelse om 61 046 tkr…») men 60,0 mnkr på
    rad 27 (netto_avvikelse_year; skillnad 1 046 tkr, tolerans 50,5 tkr) — rad 33, 27
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.model.interval import Interval, compare
from rapportkoll.rules import fmt
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.kinds._common import as_int, first_str, group_codes, uncertain
from rapportkoll.rules.kinds._goals import claim_goals
from rapportkoll.rules.kinds.claim_matches_fact import UNIT_FACTORS, quote
from rapportkoll.rules.registry import RuleKind


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    group_by: list[str] = ["report", "measure", "subject"]
    use_direction: bool = True
    in_goal_analyses: bool = False
    exact: bool = False  # counts carry no rounding: 52 and 53 uppdrag differ


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    claims = ctx.rows()
    if claims.empty:
        return ctx.result
    claims = claims[claims["value"].notna() & ~uncertain(ctx.bundle, claims)]
    if not p.in_goal_analyses and not claims.empty:
        claims = claims[claim_goals(ctx.bundle, claims).isna()]
    keys = [c for c in p.group_by if c in claims.columns]
    claims = claims.dropna(subset=keys)
    if claims.empty:
        return ctx.result
    claims = _in_base_unit(claims, p.use_direction, p.exact)
    # What the others must match: the value most statements give, or the first
    # statement (by line) when no value is given more often than the others.
    claims = claims.sort_values(["report", "line"], kind="stable")
    groups, count = group_codes([claims[k] for k in keys])
    values = claims["_v"].to_numpy(float)
    ref = _references(groups, count, values)[groups]
    lines = claims["line"].to_numpy(dtype=float, na_value=np.nan)
    ctx.count(claims["report"])
    others = np.flatnonzero(lines != lines[ref])
    if len(others) == 0:
        return ctx.result
    low, high = claims["_lo"].to_numpy(float), claims["_hi"].to_numpy(float)
    stated = Interval(values[others], low[others], high[others])
    at = ref[others]
    earlier = Interval(values[at], low[at], high[at])
    cmp = compare(stated, earlier)
    for j in np.flatnonzero(~cmp.agrees):
        row, first = claims.iloc[others[j]], claims.iloc[at[j]]
        _report(ctx, row, first, cmp.difference[j], cmp.tolerance[j], keys)
    return ctx.result


def _references(
    groups: npt.NDArray[np.int64], count: int, values: npt.NDArray[np.float64]
) -> npt.NDArray[np.intp]:
    """Per group, the position of the statement the others must match: the first
    giving the most common value when that value is given more often than any
    other, else the first statement."""
    pairs, n_pairs = group_codes([groups, values])
    votes = np.bincount(pairs)[pairs]
    top = np.zeros(count, dtype=np.int64)
    np.maximum.at(top, groups, votes)
    leader = votes == top[groups]
    # A group is decided when its leading statements all give one value.
    led = np.unique(pairs[leader])
    group_of = np.zeros(n_pairs, dtype=np.int64)
    group_of[pairs] = groups
    decided = np.bincount(group_of[led], minlength=count) == 1
    _, first = np.unique(groups, return_index=True)
    chosen = np.flatnonzero(leader & decided[groups])
    _, one = np.unique(groups[chosen], return_index=True)
    out = first.copy()
    out[groups[chosen[one]]] = chosen[one]
    return out


def _in_base_unit(
    claims: pd.DataFrame, use_direction: bool, exact: bool
) -> pd.DataFrame:
    """Value and interval in kr (amounts) or as printed (counts, percentages)."""
    unit = claims["unit"].astype("string").fillna("")
    factor = unit.map(lambda u: UNIT_FACTORS.get(str(u), 1.0)).astype(float)
    sign = pd.Series(1.0, index=claims.index)
    if use_direction and "direction" in claims.columns:
        direction = pd.to_numeric(claims["direction"], errors="coerce")
        sign = direction.where(direction.isin([-1, 1]), 1.0).astype(float)
    dec = pd.to_numeric(claims["decimals"], errors="coerce").fillna(0)
    magnitude = claims["value"].astype(float).abs()
    half = 0.0 * dec if exact else 0.5 * 10.0 ** (-dec)
    # Direction words give the sign when there are any; a printed sign otherwise.
    signed = sign * magnitude if use_direction else claims["value"].astype(float)
    low = (signed - half * sign) * factor
    high = (signed + half * sign) * factor
    return claims.assign(
        _v=signed * factor,
        _lo=pd.concat([low, high], axis=1).min(axis=1),
        _hi=pd.concat([low, high], axis=1).max(axis=1),
        _unit_factor=factor,
    )


def _report(
    ctx: RuleContext,
    row: pd.Series,
    first: pd.Series,
    diff: float,
    tol: float,
    keys: list[str],
) -> None:
    lang = ctx.lang
    factor = float(row["_unit_factor"])
    unit = first_str(row["unit"])
    dec = as_int(row.get("decimals"))
    said = f"{row['printed']}"
    other = f"{first['printed']}"
    what = " · ".join(first_str(row[k]) for k in keys if k != "report")
    d = fmt.number(diff / factor, dec, lang)
    t = fmt.number(tol / factor, max(dec, 1), lang)
    suffix = f" {unit}" if unit else ""
    ctx.add(
        message=ctx.t(
            f"Texten anger {said}{quote(row)} men "
            f"{other} på rad {first['line']} ({what}; skillnad {d}{suffix}, "
            f"tolerans {t}{suffix}) — rad {row['line']}, {first['line']}",
            f"The text says {said}{quote(row)} but "
            f"{other} on line {first['line']} ({what}; difference {d}{suffix}, "
            f"tolerance {t}{suffix}) — lines {row['line']}, {first['line']}",
        ),
        report=str(row["report"]),
        file=str(row["file"]),
        lines=[int(row["line"]), int(first["line"])],
        labels=[*(row[k] for k in keys if k != "report"), "restated"],
        expected=float(first["_v"]) / factor,
        reported=float(row["_v"]) / factor,
        difference=float(diff) / factor,
        tolerance=float(tol) / factor,
    )


KIND = RuleKind("CLM03", "prose.claims-agree", Params, run, __doc__ or "")
