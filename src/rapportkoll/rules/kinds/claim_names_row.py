"""CLM02 prose.claim-about-named-row: an amount said of a named object, against its row.

What it checks:
    A claim selected by ``claims`` states an amount of an object it names
    ("Senaste prognos för höjdfordonet är 11,6 mnkr"; the reader puts the object in
    the claim's ``subject``). The object is looked up among the row labels of the
    rows ``fact`` selects in the same report: a label names it when one of its words
    starts with the object's stem ('höjdfordon') or is spelled nearly like it (OCR).
    The amount is converted to the table's unit and compared as an interval with
    each matching row's ``column`` value; with ``absolute`` the magnitudes are
    compared (investment tables print spending as negative numbers). When several
    rows name the object ('Höjdfordon 2025', 'Höjdfordon B'), the claim is reported
    only if it agrees with none of them; more than ``max_rows`` matches, or a
    matching row on a line the reader could not read, and the claim is skipped.

Why it matters:
    Investment prose is written from an earlier version of the table; the sentence
    the nämnd reads ("prognos 11,6 mnkr") must be the table's figure.

Example rule:
    - id: investering-prognos-i-text
      kind: CLM02
      table: claims
      params:
        claims: "claim_kind == 'amount' and measure == 'objekt_prognos'"
        fact: {table: finance, where: "startswith(table, 'investeringar')",
               column: total_prognos}
        absolute: true
      title: Investeringens prognos i texten stämmer med investeringstabellen

Example finding:
    Texten anger 12,6 mnkr för «höjdfordonet» («Senaste prognos för höjdfordonet är
    12,6 mnkr.») men investeringar_raddningstjanst · 25000 - Höjdfordon 2025 ·
    total_prognos är −11 600 tkr (skillnad 1 000 tkr, tolerans 50 tkr) — rad 1870, 1907
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.model.interval import Interval, compare
from rapportkoll.rules import fmt
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.kinds._common import as_int, first_str, uncertain
from rapportkoll.rules.kinds._names import names_object
from rapportkoll.rules.registry import RuleKind

UNIT_FACTORS = {"kr": 1.0, "tkr": 1e3, "mnkr": 1e6, "mdkr": 1e9}


class RowSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    table: str
    where: str | None = None
    column: str | None = None
    # the column of the period's last month: month_columns[period_end.month - 1]
    month_columns: list[str] = []
    # rows whose label names a year: keep those naming the period's year
    period_year: bool = False
    label: str = "row"


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    claims: str
    fact: RowSpec
    absolute: bool = False
    max_rows: int = 3
    match: str = "object"  # or "none": every selected row of the report is a candidate


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    claims = ctx.rows(where=p.claims)
    if claims.empty:
        return ctx.result
    facts = _facts(ctx, p.fact)
    # Split once by report: filtering all facts per claim was quadratic in a batch.
    at: dict[Any, list[int]] = {}
    for i, report in enumerate(facts["report"].tolist()):
        at.setdefault(report, []).append(i)
    by_report: dict[Any, pd.DataFrame] = {}
    nothing = facts.iloc[0:0]
    for _, claim in claims.iterrows():
        word = first_str(claim.get("subject")).split() or [""]
        report = claim["report"]
        if report in at and report not in by_report:
            by_report[report] = facts.iloc[at[report]]
        mine = by_report.get(report, nothing)
        if mine.empty or (p.match == "object" and not word[0]):
            continue
        named = (
            mine[[names_object(str(x), word[-1]) for x in mine[p.fact.label]]]
            if p.match == "object"
            else mine
        )
        if named.empty or len(named) > p.max_rows or named["unsure"].any():
            continue
        ctx.count([claim["report"]])
        _compare(ctx, p, claim, named)
    return ctx.result


def _facts(ctx: RuleContext, spec: RowSpec) -> pd.DataFrame:
    """The candidate cells: the rows ``spec`` selects, in its column."""
    facts = ctx.rows(spec.table, spec.where)
    keep = facts["value"].notna().to_numpy(copy=True)
    if spec.column:
        keep &= (facts["column"] == spec.column).to_numpy()
    facts = facts[keep]
    if spec.month_columns:
        ends = pd.to_datetime(facts["period_end"], errors="coerce")
        want = [
            spec.month_columns[d.month - 1]
            if pd.notna(d) and len(spec.month_columns) >= d.month
            else None
            for d in ends
        ]
        facts = facts[facts["column"].to_numpy() == pd.Series(want).to_numpy()]
    if spec.period_year:
        facts = facts[_of_period_year(facts, spec.label)]
    return facts.assign(unsure=uncertain(ctx.bundle, facts))


def _of_period_year(facts: pd.DataFrame, label: str) -> npt.NDArray[np.bool_]:
    """Rows naming the period's year, in reports whose row labels name years."""
    years = pd.to_datetime(facts["period_end"], errors="coerce").dt.year
    labels = facts[label].astype(str)
    named = labels.str.contains(r"\b(?:19|20)\d\d\b", regex=True)
    dated = set(facts.loc[named, "report"])
    # An array, not a list: indexing a frame with an empty list selects columns.
    return np.array(
        [
            report not in dated or str(int(year)) in text
            for report, year, text in zip(facts["report"], years, labels, strict=True)
        ],
        dtype=bool,
    )


def _said(claim: pd.Series, rows: pd.DataFrame, absolute: bool) -> Interval:
    units = [
        first_str(u) or first_str(r)
        for u, r in zip(rows["unit"], rows["report_unit"], strict=True)
    ]
    factor = np.array(
        [
            UNIT_FACTORS.get(first_str(claim["unit"]), 1.0) / UNIT_FACTORS.get(u, 1.0)
            for u in units
        ]
    )
    value = float(claim["value"])
    value = abs(value) if absolute else value
    n = len(rows)
    return (
        Interval.printed(np.full(n, value), np.full(n, as_int(claim.get("decimals"))))
        * factor
    )


def _compare(ctx: RuleContext, p: Params, claim: pd.Series, rows: pd.DataFrame) -> None:
    reported = _said(claim, rows, p.absolute)
    values = rows["value"].to_numpy(float)
    dec = pd.to_numeric(rows["decimals"], errors="coerce").fillna(0).to_numpy(float)
    expected = Interval.printed(np.abs(values) if p.absolute else values, dec)
    cmp = compare(reported, expected)
    if bool(np.any(cmp.agrees)):
        return
    best = int(np.argmin(np.abs(cmp.difference)))
    _report(
        ctx,
        p,
        claim,
        rows,
        best,
        float(cmp.difference[best]),
        float(cmp.tolerance[best]),
    )


def _report(
    ctx: RuleContext,
    p: Params,
    claim: pd.Series,
    rows: pd.DataFrame,
    best: int,
    diff: float,
    tol: float,
) -> None:
    row = rows.iloc[best]
    unit = first_str(row.get("unit")) or first_str(row.get("report_unit"))
    dec = as_int(row.get("decimals"))
    lang = ctx.lang
    said = first_str(claim.get("printed"))
    obj = first_str(claim.get("subject"))
    name = f"{row['table']} · {row[p.fact.label]} · {row['column']}"
    fact = f"{fmt.number(float(row['value']), dec, lang)} {unit}"
    d, t = fmt.number(diff, dec, lang), fmt.number(tol, max(dec, 1), lang)
    others = len(rows) - 1
    more = (
        ctx.t(
            f" (och {others} {'rad' if others == 1 else 'rader'} till med samma namn)",
            f" (and {others} more rows of that name)",
        )
        if others
        else ""
    )
    lines = [int(claim["line"]), *[int(x) for x in rows["line"]]]
    quote = first_str(claim.get("sentence"))
    quote = quote if len(quote) <= 90 else quote[:87] + "…"
    where = fmt.line_range(lines, lang)
    ctx.add(
        message=ctx.t(
            f"Texten anger {said} för «{obj}» («{quote}») men {name} är {fact}{more} "
            f"(skillnad {d} {unit}, tolerans {t} {unit}) — {where}",
            f"The text says {said} for «{obj}» («{quote}») but {name} is {fact}{more} "
            f"(difference {d} {unit}, tolerance {t} {unit}) — {where}",
        ),
        report=str(claim["report"]),
        file=str(claim["file"]),
        lines=lines,
        labels=[first_str(claim.get("measure")), obj, first_str(row[p.fact.label])],
        expected=float(row["value"]),
        reported=said,
        difference=diff,
        tolerance=tol,
    )


KIND = RuleKind("CLM02", "prose.claim-about-named-row", Params, run, __doc__ or "")
