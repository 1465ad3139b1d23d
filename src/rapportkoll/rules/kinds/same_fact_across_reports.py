"""XRP01 cross-report.same-fact-across-reports: a year's figure must not change between reports.

What it checks:
    Facts that name the same thing in two reports of the same organisation are
    compared: by default an indicator's utfall for a given year (``column`` utfall_2023
    in the August 2024 report and in the April 2025 report). Reports are ordered by
    period end; each report is compared with the nearest earlier one that has the
    same fact. Names are matched after folding case and diacritics and, for OCR'd
    names, by close spelling. Values are compared as intervals of their printed
    precision. A restated figure is a finding that cites both lines.

Why it matters:
    A closed year's outcome does not change. When it does between two reports, one
    of them is wrong, or a restatement went unexplained — either way the reader of
    the trend is misled.

Example rule:
    - id: indikatorutfall-andras-inte-mellan-rapporter
      kind: XRP01
      table: indicators
      where: "startswith(column, 'utfall_2')"
      title: Ett års utfall är detsamma i på varandra följande rapporter

Example finding:
    «Budgetföljsamhet … per nämnd» utfall_2023 är 11,7 % här men 6,4 % i
    002_905efd7e8d1a0751 (rad 269) — rad 232
"""  # noqa: E501 - printed verbatim by `explain` and in docs/rules.md

from __future__ import annotations

import pandas as pd
from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process

from rapportkoll.findings import Severity
from rapportkoll.model.interval import Interval, compare
from rapportkoll.model.text import fold
from rapportkoll.rules import fmt
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.kinds._common import as_int, severity_for, uncertain, verdicts
from rapportkoll.rules.registry import RuleKind


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = "indicator"
    column: str = "column"
    min_similarity: float = 90.0
    rounding: str = "ignore"


def _canonical_names(names: list[str], threshold: float) -> dict[str, str]:
    """Map each folded name to the first close-enough one seen (stable order)."""
    canon: dict[str, str] = {}
    keys: list[str] = []
    for name in names:
        folded = fold(name)
        if folded in canon:
            continue
        match = (
            process.extractOne(
                folded, keys, scorer=fuzz.token_sort_ratio, score_cutoff=threshold
            )
            if keys
            else None
        )
        canon[folded] = match[0] if match else folded
        if not match:
            keys.append(folded)
    return canon


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    rows = ctx.rows()
    rows = rows[
        rows["value"].notna()
        & rows["period_end"].notna()
        & ~uncertain(ctx.bundle, rows)
    ]
    if rows.empty or rows["report"].nunique() < 2:
        return ctx.result
    canon = _canonical_names(
        sorted(rows[p.name].astype(str).unique()), p.min_similarity
    )
    rows = rows.assign(
        _key=rows[p.name].astype(str).map(lambda n: canon[fold(n)]),
        _org=rows["organisation"].fillna("").map(fold),
    )
    rows = rows.sort_values(["period_end", "report", "line"])
    rows = rows.drop_duplicates(["report", "_key", p.column])
    prev = rows.groupby(["_org", "_key", p.column], sort=False).shift(1)
    paired = rows.assign(
        **{
            f"prev_{c}": prev[c]
            for c in ("report", "file", "line", "value", "decimals", "printed")
        }
    )
    paired = paired[paired["prev_report"].notna()]
    if paired.empty:
        return ctx.result
    now = Interval.printed(paired["value"], paired["decimals"].fillna(0))
    before = Interval.printed(
        paired["prev_value"].astype(float),
        paired["prev_decimals"].fillna(0).astype(float),
    )
    cmp = compare(now, before)
    ctx.count(paired["report"])
    for i, verdict in enumerate(verdicts(cmp, p.rounding)):
        if verdict is not None:
            _report(
                ctx, p, paired.iloc[i], cmp.difference[i], cmp.tolerance[i], verdict
            )
    return ctx.result


def _report(
    ctx: RuleContext,
    p: Params,
    row: pd.Series,
    diff: float,
    tol: float,
    verdict: Severity,
) -> None:
    dec = as_int(row.get("decimals"))
    unit = " %" if str(row.get("unit")) == "%" else ""
    now = fmt.number(row["value"], dec, ctx.lang) + unit
    before = fmt.number(float(row["prev_value"]), dec, ctx.lang) + unit
    other = f"{row['prev_report']} ({row['prev_file']}:{int(row['prev_line'])})"
    ctx.add(
        message=ctx.t(
            f"«{row[p.name]}» {row[p.column]} är {now} här men var {before} i {other} "
            f"— rad {row['line']}",
            f"«{row[p.name]}» {row[p.column]} is {now} here but was {before} in "
            f"{other} — line {row['line']}",
        ),
        report=str(row["report"]),
        file=str(row["file"]),
        lines=[row["line"]],
        labels=[row["_key"], row[p.column]],
        expected=float(row["prev_value"]),
        reported=float(row["value"]),
        difference=float(diff),
        tolerance=float(tol),
        severity=severity_for(verdict, ctx.spec.severity),
    )


KIND = RuleKind(
    "XRP01", "cross-report.same-fact-across-reports", Params, run, __doc__ or ""
)
