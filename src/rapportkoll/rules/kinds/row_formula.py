"""ROW01 arithmetic.row-formula: a computed column must follow from the others in its row.

What it checks:
    For every row of a table (e.g. a unit in the per-unit table), the left-hand column
    of ``formula`` must equal the right-hand expression of the other columns, with
    interval arithmetic so printed rounding is tolerated exactly. ``formula`` may list
    alternative sign conventions (utfall − budget or budget − utfall); the convention
    that holds for most rows of each table is taken and the other rows are flagged.
    Percentages work the same way: ``avvikelse_procent = (budget - prognos) / budget * 100``.

Why it matters:
    A difference column that is not utfall − budget misleads every reader of the
    deviation and every sentence written from it.

Example rule:
    - id: avvikelse-ar-utfall-minus-budget
      kind: ROW01
      table: finance
      where: "table in ['driftredovisning', 'per_verksamhet']"
      params: {formula: "avvikelse_period = utfall_period - budget_period"}
      title: Avvikelsen är utfall minus budget

Example finding:
    per_verksamhet, Ekonomiavdelning: avvikelse_period är −305 men utfall_period −
    budget_period ger −306 (skillnad 1, tolerans 1,0) — rad 1423
"""  # noqa: E501 - printed verbatim by `explain` and in docs/rules.md

from __future__ import annotations

from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.findings import Severity
from rapportkoll.model.formula import Formula
from rapportkoll.model.interval import Comparison, Interval, compare
from rapportkoll.rules import fmt
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.kinds._common import (
    as_int,
    certain_rows,
    severity_for,
    verdicts,
)
from rapportkoll.rules.kinds._wide import widen_all
from rapportkoll.rules.registry import RuleKind


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    formula: str | list[str]
    row_key: list[str] = ["report", "table", "position", "row"]
    column_field: str = "column"
    label: str = "row"
    convention_group: list[str] = ["report", "table"]
    rounding: Literal["info", "ignore"] = "info"


class _Outcome(NamedTuple):
    """One formula evaluated on every wide row."""

    formula: Formula
    applicable: npt.NDArray[np.bool_]
    reported: Interval
    expected: Interval
    cmp: Comparison


def _evaluate(wide: pd.DataFrame, formula: Formula) -> tuple[Interval, Interval]:
    def lookup(name: str) -> Interval:
        if name not in wide.columns:
            raise ValueError(f"unknown column {name!r} in formula")
        return Interval.printed(wide[name], wide[f"{name}__dec"].fillna(0))

    expected = formula.evaluate(lookup)
    if expected.value.ndim == 0:  # a formula of constants only
        expected = Interval.exact(np.full(len(wide), float(expected.value)))
    return lookup(formula.target), expected


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    formulas = [
        Formula.parse(f)
        for f in ([p.formula] if isinstance(p.formula, str) else p.formula)
    ]
    names = {n for formula in formulas for n in formula.columns}
    rows = ctx.rows()
    if rows.empty:
        return ctx.result
    rows = certain_rows(ctx)
    wide = widen_all(ctx, rows, p.row_key, p.column_field, names)
    if wide.empty:
        return ctx.result
    outcomes = []
    for formula in formulas:
        needed = [formula.target, *sorted(formula.operands)]
        applicable = wide[needed].notna().all(axis=1).to_numpy()
        reported, expected = _evaluate(wide, formula)
        outcomes.append(
            _Outcome(
                formula, applicable, reported, expected, compare(reported, expected)
            )
        )
    choice = _choose_convention(wide, p.convention_group, outcomes)
    # One verdict list per formula, not per row (that was quadratic in the rows).
    judged = [verdicts(o.cmp, p.rounding) for o in outcomes]
    reports = wide["report"].tolist()
    for idx in range(len(wide)):
        k = choice[idx]
        formula, applicable, reported, expected, cmp = outcomes[k]
        if not applicable[idx]:
            continue
        ctx.count([reports[idx]])
        verdict = judged[k][idx]
        if verdict is not None:
            _report(
                ctx,
                p,
                wide.iloc[idx],
                formula,
                reported,
                expected,
                cmp,
                idx,
                verdict,
            )
    return ctx.result


def _choose_convention(
    wide: pd.DataFrame, group: list[str], outcomes: list[_Outcome]
) -> list[int]:
    """Per group, the formula that holds for most applicable rows (first on ties)."""
    if len(outcomes) == 1:
        return [0] * len(wide)
    scores = np.stack([(o.cmp.agrees & o.applicable).astype(int) for o in outcomes])
    keys = [tuple(r) for r in wide[group].astype(str).itertuples(index=False)]
    totals: dict[tuple[Any, ...], np.ndarray] = {}
    for i, k in enumerate(keys):
        totals[k] = totals.get(k, np.zeros(len(outcomes))) + scores[:, i]
    return [int(np.argmax(totals[k])) for k in keys]


def _report(
    ctx: RuleContext,
    p: Params,
    row: pd.Series,
    formula: Formula,
    reported: Interval,
    expected: Interval,
    cmp: Comparison,
    i: int,
    verdict: Severity,
) -> None:
    lang = ctx.lang
    left, right = formula.target, formula.expression_text
    dec = as_int(row.get(f"{left}__dec"))
    names = [left, *sorted(formula.operands)]
    lines = [row[f"{n}__line"] for n in names if pd.notna(row[f"{n}__line"])]
    r, e = (
        fmt.number(reported.value[i], dec, lang),
        fmt.number(expected.value[i], dec, lang),
    )
    d = fmt.number(cmp.difference[i], dec, lang)
    t = fmt.number(cmp.tolerance[i], max(dec, 1), lang)
    where = f"{row.get('table', '')}, {row[p.label]}".strip(", ")
    if verdict is Severity.INFO:
        message = ctx.t(
            f"{where}: {left} är {r}, {right} ger {e} — skillnaden {d} ligger inom "
            f"avrundningen (tolerans {t})",
            f"{where}: {left} is {r}, {right} gives {e} — the difference {d} is within "
            f"rounding (tolerance {t})",
        )
    else:
        message = ctx.t(
            f"{where}: {left} är {r} men {right} ger {e} (skillnad {d}, tolerans {t}) "
            f"— {fmt.line_range(lines, lang)}",
            f"{where}: {left} is {r} but {right} gives {e} (difference {d}, tolerance "
            f"{t}) — {fmt.line_range(lines, lang)}",
        )
    ctx.add(
        message=message,
        report=str(row["report"]),
        file=str(row["file"]),
        lines=lines,
        labels=[row.get("table", ""), row[p.label], left],
        expected=float(expected.value[i]),
        reported=float(reported.value[i]),
        difference=float(cmp.difference[i]),
        tolerance=float(cmp.tolerance[i]),
        severity=severity_for(verdict, ctx.spec.severity),
    )


KIND = RuleKind("ROW01", "arithmetic.row-formula", Params, run, __doc__ or "")
