"""CLM01 prose.claim-matches-fact: a number stated in prose must agree with the tables.

What it checks:
    Each claim selected by ``claims`` (an amount, percentage or count found in a
    sentence, with its unit and direction words) is bound to a fact: a table cell
    selected by ``fact`` (optionally matched to the claim's subject, e.g. the unit a
    comment header speaks of), or the number of rows selected by ``count``. Amounts are
    converted between kr, tkr and mnkr and compared as intervals: "14,9 mnkr" stands
    for 14,85–14,95 mnkr. Direction words (överskott/underskott, positiv/negativ) give
    the sign when ``use_direction`` is on. Ratio claims ("12 av 13 inriktningsmål")
    check both numbers, the second against ``total``. A count's ``scope`` limits it
    to reports that list such rows at all (a tjänsteskrivelse that only summarises
    is not compared with an empty listing).

Why it matters:
    Politicians read the prose, not the tables. A sentence that says 15,9 mnkr when
    the table says 15 899 tkr is fine; one that says -303 tkr when the table says
    -305 tkr is not, and nobody checks prose against tables by hand.

Example rule:
    - id: nettoavvikelse-i-text
      kind: CLM01
      table: claims
      params:
        claims: "measure == 'netto_avvikelse_period'"
        fact: {table: finance, where: "table == 'driftredovisning' and row_kind ==
               'total' and column == 'avvikelse_period'"}
      title: Nettoavvikelsen i texten stämmer med driftredovisningen

Example finding:
    Texten anger 15,9 mnkr («positiv nettoavvikelse om 15,9 mnkr») men tabellen har
    14 931 tkr (skillnad 969 tkr, tolerans 50,5 tkr) — rad 1694, 1689
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from rapportkoll.findings import Severity
from rapportkoll.model.interval import Interval, compare
from rapportkoll.model.text import fold
from rapportkoll.rules import fmt
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.kinds._common import (
    as_int,
    first_str,
    records,
    severity_for,
    verdicts,
)
from rapportkoll.rules.kinds._goals import claim_goals
from rapportkoll.rules.registry import RuleKind

UNIT_FACTORS = {"kr": 1.0, "tkr": 1e3, "mnkr": 1e6, "mdkr": 1e9}


class FactSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    table: str
    where: str | None = None
    subject_column: str | None = None
    label: str = "row"


class CountSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    table: str
    where: str | None = None
    scope: str | None = None  # only reports with rows like this list what is counted


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claims: str
    fact: FactSpec | None = None
    count: CountSpec | None = None
    total: CountSpec | None = None
    use_direction: bool = True
    rounding: str = "ignore"  # prose rounds by design: "14,9 mnkr" for 14 931 tkr
    # False: leave out claims in an inriktningsmål's analysis ("två uppdrag är
    # genomförda" counts that goal's uppdrag, not the report's; GOL02 checks those)
    in_goal_analyses: bool = True


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    if (p.fact is None) == (p.count is None):
        raise ValueError("give exactly one of params.fact and params.count")
    claims = ctx.rows(where=p.claims)
    if not p.in_goal_analyses and not claims.empty:
        claims = claims[claim_goals(ctx.bundle, claims).isna()]
    if claims.empty:
        return ctx.result
    if p.fact is not None:
        _against_facts(ctx, p, p.fact, claims)
    else:
        assert p.count is not None
        _against_count(ctx, p, p.count, claims, "value")
        if p.total is not None:
            ratios = claims[claims["of_total"].notna()]
            _against_count(ctx, p, p.total, ratios, "of_total")
    return ctx.result


def _claim_interval(
    claims: pd.DataFrame, fact_unit: pd.Series, use_direction: bool
) -> Interval:
    value = pd.to_numeric(claims["value"], errors="coerce").to_numpy(float)
    decimals = (
        pd.to_numeric(claims["decimals"], errors="coerce").fillna(0).to_numpy(float)
    )
    if use_direction:
        direction = pd.to_numeric(claims["direction"], errors="coerce").to_numpy(float)
        value = np.where(np.isnan(direction), value, np.abs(value) * np.sign(direction))
    factor = np.array(
        [
            UNIT_FACTORS.get(str(cu), 1.0) / UNIT_FACTORS.get(str(fu), 1.0)
            if str(cu) in UNIT_FACTORS and str(fu) in UNIT_FACTORS
            else 1.0
            for cu, fu in zip(claims["unit"], fact_unit, strict=True)
        ]
    )
    return Interval.printed(value, decimals).scaled(1.0) * factor


def subject_key(text: str) -> str:
    tokens = fold(text).replace("-", " ").split()
    return tokens[0] if tokens else ""


def match_subject(subject: str, candidates: list[str]) -> str | None:
    """The candidate naming the same unit.

    Shared first word (prefix), else close spelling.
    """
    return _match_key(subject_key(subject), [(c, subject_key(c)) for c in candidates])


def _match_key(key: str, candidates: list[tuple[str, str]]) -> str | None:
    """``match_subject`` with the keys given: (candidate, its subject_key)."""
    if not key:
        return None
    scored = []
    for cand, other in candidates:
        if not other:
            continue
        if key == other or (
            min(len(key), len(other)) >= 4
            and (key.startswith(other) or other.startswith(key))
        ):
            scored.append((100.0, cand))
        else:
            score = fuzz.ratio(key, other)
            if score >= 85:
                scored.append((score, cand))
    scored.sort(key=lambda t: -t[0])
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


def _against_facts(
    ctx: RuleContext, p: Params, spec: FactSpec, claims: pd.DataFrame
) -> None:
    facts = ctx.rows(spec.table, spec.where)
    facts = facts[facts["value"].notna()]
    pairs = _fact_pairs(claims, facts, spec.subject_column)
    if not pairs:
        return
    claim_df = _frame_of(claims, [c for c, _ in pairs])
    fact_df = _frame_of(facts, [f for _, f in pairs])
    fact_unit = (
        fact_df["unit"].fillna(fact_df.get("report_unit", "tkr"))
        if "unit" in fact_df
        else fact_df.get("report_unit", pd.Series(["tkr"] * len(fact_df)))
    )
    reported = _claim_interval(claim_df, fact_unit, p.use_direction)
    dec = pd.to_numeric(fact_df["decimals"], errors="coerce").fillna(0).to_numpy(float)
    expected = Interval.printed(fact_df["value"].to_numpy(float), dec)
    cmp = compare(reported, expected)
    ctx.count(claim_df["report"])
    for i, verdict in enumerate(verdicts(cmp, p.rounding)):
        if verdict is None:
            continue
        _report(
            ctx,
            claim_df.iloc[i],
            fact_df.iloc[i],
            spec.label,
            str(fact_unit.iloc[i]),
            cmp.difference[i],
            cmp.tolerance[i],
            verdict,
        )


def _fact_pairs(
    claims: pd.DataFrame, facts: pd.DataFrame, subject_column: str | None
) -> list[tuple[Any, Any]]:
    """(claim position, fact position) for each claim with exactly one fact of its
    report (and subject). The facts are split by report once, so the cost grows
    with the number of claims and facts, not with their product."""
    subjects = (
        facts[subject_column].astype(str).to_numpy()
        if subject_column
        else np.array([""] * len(facts), dtype=object)
    )
    by_report: dict[Any, list[tuple[Any, str]]] = {}
    for index, report, subject in zip(
        range(len(facts)), facts["report"], subjects, strict=True
    ):
        by_report.setdefault(report, []).append((index, subject))
    pairs: list[tuple[Any, Any]] = []
    keyed: dict[Any, list[tuple[str, str]]] = {}  # a report's names and their keys
    named: dict[tuple[Any, str], str | None] = {}  # a report's name for a subject
    for index, report, said in zip(
        range(len(claims)), claims["report"], claims["subject"], strict=True
    ):
        mine = by_report.get(report, [])
        if subject_column:
            if report not in keyed:
                names = dict.fromkeys(s for _, s in mine)
                keyed[report] = [(n, subject_key(n)) for n in names]
            key = subject_key(first_str(said))
            if (report, key) not in named:
                named[(report, key)] = _match_key(key, keyed[report])
            name = named[(report, key)]
            if name is None:
                continue
            mine = [m for m in mine if m[1] == name]
        if len(mine) == 1:
            pairs.append((index, mine[0][0]))
    return pairs


def _frame_of(frame: pd.DataFrame, positions: list[int]) -> pd.DataFrame:
    """The rows at ``positions`` (repeats allowed), numbered 0…n-1."""
    return frame.take(positions).reset_index(drop=True)


def _report(
    ctx: RuleContext,
    claim: pd.Series,
    fact: pd.Series,
    label: str,
    unit: str,
    diff: float,
    tol: float,
    verdict: Severity,
) -> None:
    lang = ctx.lang
    fdec = as_int(fact.get("decimals"))
    printed, unit_said = first_str(claim.get("printed")), first_str(claim.get("unit"))
    # amounts are printed with their unit ("21,0 mnkr"), unit headers without
    said = printed if printed.endswith(unit_said) else f"{printed} {unit_said}".strip()
    quoted = quote(claim)
    name = " · ".join(
        x
        for x in (
            first_str(fact.get("table")),
            first_str(fact.get(label)),
            first_str(fact.get("column")),
        )
        if x
    )
    fact_txt = f"{fmt.number(fact['value'], fdec, lang)} {unit}"
    d, t = fmt.number(diff, fdec, lang), fmt.number(tol, max(fdec, 1), lang)
    lines = [claim["line"], fact["line"]]
    if verdict is Severity.INFO:
        msg = ctx.t(
            f"Texten anger {said}{quoted}, {name} är {fact_txt} — skillnaden {d} "
            f"{unit} ligger inom avrundningen",
            f"The text says {said}{quoted}, {name} is {fact_txt} — the difference "
            f"{d} {unit} is within rounding",
        )
    else:
        msg = ctx.t(
            f"Texten anger {said}{quoted} men {name} är {fact_txt} (skillnad {d} "
            f"{unit}, tolerans {t} {unit}) — {fmt.line_range(lines, lang)}",
            f"The text says {said}{quoted} but {name} is {fact_txt} (difference "
            f"{d} {unit}, tolerance {t} {unit}) — {fmt.line_range(lines, lang)}",
        )
    ctx.add(
        message=msg,
        report=str(claim["report"]),
        file=str(claim["file"]),
        lines=lines,
        labels=[
            first_str(claim.get("measure")),
            first_str(claim.get("subject")),
            first_str(fact.get(label)),
        ],
        expected=float(fact["value"]),
        reported=first_str(claim.get("printed")),
        difference=float(diff),
        tolerance=float(tol),
        severity=severity_for(verdict, ctx.spec.severity),
    )


def quote(claim: Mapping[str, Any] | pd.Series) -> str:
    """' («the sentence»)', cut to 90 characters; empty without a sentence."""
    sentence = first_str(claim.get("sentence")).strip()
    if not sentence:
        return ""
    return f" («{sentence if len(sentence) <= 90 else sentence[:87] + '…'}»)"


def _against_count(
    ctx: RuleContext, p: Params, spec: CountSpec, claims: pd.DataFrame, column: str
) -> None:
    listed = ctx.rows(spec.table, spec.where)
    lines_of: dict[Any, list[Any]] = {}
    for report, line in zip(listed["report"], listed["line"], strict=True):
        if isinstance(report, str):
            lines_of.setdefault(report, []).append(line)
    in_scope = set(ctx.rows(spec.table, spec.scope)["report"]) if spec.scope else None
    counted = []
    used = [column, "report", "line", "file", "measure", "subject", "sentence"]
    for claim in records(claims, used):
        said = claim[column]
        if pd.isna(said) or (in_scope is not None and claim["report"] not in in_scope):
            continue
        counted.append(claim["report"])
        lines = lines_of.get(claim["report"], [])
        n = len(lines)
        if round(float(said)) == n:
            continue
        where = fmt.capped([str(x) for x in lines], 6, ctx.lang)
        table = ctx.spec.title.get(ctx.lang)
        ctx.add(
            message=ctx.t(
                f"Texten anger {int(said)}{quote(claim)} men {spec.table} har {n} "
                f"({table}) — rad {claim['line']}"
                + (f"; listade på rad {where}" if lines else ""),
                f"The text says {int(said)}{quote(claim)} but {spec.table} has {n} "
                f"({table}) — line {claim['line']}"
                + (f"; listed at lines {where}" if lines else ""),
            ),
            report=str(claim["report"]),
            file=str(claim["file"]),
            lines=[claim["line"], *lines[:50]],
            labels=[
                first_str(claim.get("measure")),
                first_str(claim.get("subject")),
                column,
                first_str(claim.get("sentence"))[:80],
            ],
            expected=float(n),
            reported=float(said),
            difference=float(said) - n,
            tolerance=0.0,
        )
    ctx.count(counted)


KIND = RuleKind("CLM01", "prose.claim-matches-fact", Params, run, __doc__ or "")
