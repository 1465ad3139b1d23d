"""SUM01 arithmetic.parts-sum-to-total: detail rows must add up to their total row.

What it checks:
    Within each group (by default report × table × column), the values of the rows
    selected by ``parts`` are summed with interval arithmetic and compared with each
    row selected by ``total``. Each printed value stands for ± half a unit of its last
    printed digit, so the sum agrees when the intervals meet. Groups holding a cell
    the reader could not read with confidence — a row it read with doubt, or a
    line between the group's first and last row it could not read at all — are
    left to EXT01. Percentages do not add up: a group with a value in % is not
    summed. With ``empty_as_zero`` empty part cells count as 0 (an empty total is
    REQ01's). With ``exact`` the values are counts and carry no rounding.

Why it matters:
    A unit table whose rows do not add up to the printed total means a row was
    changed, dropped or mistyped after the total was computed; readers trust the
    total and never notice.

Example rule:
    - id: drift-verksamheter-summerar
      kind: SUM01
      table: finance
      where: "table == 'per_verksamhet'"
      params: {group_by: [report, table, column]}
      title: Verksamheterna summerar till totalen

Example finding:
    per_verksamhet, kolumn budget_period: raderna Kommundirektör … IT summerar till
    −108 433 men totalen Kommunstyrelsekontoret är −108 420 (skillnad 13, tolerans
    3,5) — rad 1737–1751
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.findings import Severity
from rapportkoll.model.interval import Interval, compare
from rapportkoll.rules import fmt
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.expr import frame_mask, on_distinct
from rapportkoll.rules.kinds._common import (
    as_int,
    group_codes,
    issues_within,
    severity_for,
    uncertain,
    verdicts,
)
from rapportkoll.rules.registry import RuleKind


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    group_by: list[str] = ["report", "table", "column"]
    parts: str = "row_kind == 'part'"
    total: str = "row_kind == 'total'"
    label: str = "row"
    empty_as_zero: bool = False
    # Counts (the summary matrix) are exact: a printed 19 is 19, not 18.5–19.5.
    exact: bool = False
    rounding: Literal["info", "ignore"] = "info"


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    rows = ctx.rows()
    if rows.empty:
        return ctx.result
    groups, count = group_codes([rows[g] for g in p.group_by])
    kept = ~_ratio_groups(rows, groups, count)
    # A group with a cell the reader could not place is reported by EXT01 instead.
    unread = _unread_within(ctx, rows, groups, count)
    doubt = (uncertain(ctx.bundle, rows).to_numpy() | unread) & kept
    doubtful = np.bincount(groups[doubt], minlength=count) > 0
    values = rows["value"].to_numpy(dtype=float, na_value=np.nan)
    part = frame_mask(rows, p.parts).to_numpy() & kept
    if p.empty_as_zero:
        values = np.where(part & np.isnan(values), 0.0, values)
    part &= ~np.isnan(values)
    total = frame_mask(rows, p.total).to_numpy() & kept & ~np.isnan(values)
    total &= ~doubtful[groups]
    if not total.any():
        return ctx.result
    iv = _exact(_printed(rows, values), p.exact)
    sums = _sums(iv, groups, part, count)
    # Totals whose group has parts, in the order the totals are printed.
    totals = np.flatnonzero(total & sums.has[groups])
    if len(totals) == 0:
        return ctx.result
    reported = Interval(iv.value[totals], iv.low[totals], iv.high[totals])
    at = groups[totals]
    expected = Interval(sums.value[at], sums.low[at], sums.high[at])
    cmp = compare(reported, expected)
    ctx.count(rows["report"].to_numpy()[totals])
    found = [(i, v) for i, v in enumerate(verdicts(cmp, p.rounding)) if v is not None]
    if not found:
        return ctx.result
    listed = _listed(rows, p.label, part, groups, {int(at[i]) for i, _ in found})
    for i, verdict in found:
        row = rows.iloc[totals[i]].copy()
        row["value"], row["_v_sum"] = values[totals[i]], sums.value[at[i]]
        diff, tol = cmp.difference[i], cmp.tolerance[i]
        _report(ctx, p, row, listed[int(at[i])], diff, tol, verdict)
    return ctx.result


def _listed(
    rows: pd.DataFrame,
    label: str,
    part: npt.NDArray[np.bool_],
    groups: npt.NDArray[np.int64],
    wanted: set[int],
) -> dict[int, tuple[list[Any], list[Any]]]:
    """The parts of the ``wanted`` groups: each group's lines and labels, in the
    order they are printed."""
    mine = np.flatnonzero(part)
    mine = mine[np.isin(groups[mine], list(wanted))]
    mine = mine[np.argsort(groups[mine], kind="stable")]
    lines = rows["line"].to_numpy(dtype=object)[mine]
    labels = rows[label].to_numpy()[mine]
    out: dict[int, tuple[list[Any], list[Any]]] = {g: ([], []) for g in wanted}
    for g, line, name in zip(groups[mine].tolist(), lines, labels, strict=True):
        out[g][0].append(line)
        out[g][1].append(name)
    return out


@dataclass(frozen=True)
class _Sums:
    """Per group: the sums of its parts' values and bounds, and whether it has any."""

    value: npt.NDArray[np.float64]
    low: npt.NDArray[np.float64]
    high: npt.NDArray[np.float64]
    has: npt.NDArray[np.bool_]


def _sums(
    iv: Interval, groups: npt.NDArray[np.int64], part: npt.NDArray[np.bool_], count: int
) -> _Sums:
    """The parts' intervals summed per group (pandas' compensated sum, one groupby
    over the group numbers)."""
    columns = {"v": iv.value[part], "lo": iv.low[part], "hi": iv.high[part]}
    summed = pd.DataFrame(columns).groupby(groups[part], sort=True).sum()
    out = {k: np.zeros(count) for k in columns}
    for k in columns:
        out[k][summed.index.to_numpy()] = summed[k].to_numpy(float)
    has = np.zeros(count, dtype=bool)
    has[groups[part]] = True
    return _Sums(out["v"], out["lo"], out["hi"], has)


def _printed(rows: pd.DataFrame, values: npt.NDArray[np.float64]) -> Interval:
    """The interval each value stands for, printed with the row's decimals."""
    dec = pd.to_numeric(rows["decimals"], errors="coerce").fillna(0).to_numpy(float)
    return Interval.printed(values, dec)


def _exact(interval: Interval, exact: bool) -> Interval:
    return Interval.exact(interval.value) if exact else interval


def _ratio_groups(
    rows: pd.DataFrame, groups: npt.NDArray[np.int64], count: int
) -> npt.NDArray[np.bool_]:
    """Rows of a group holding a percentage: shares and ratios are not additive."""
    if "unit" not in rows.columns:
        return np.zeros(len(rows), dtype=bool)
    is_pct = on_distinct(
        rows["unit"], lambda v: v.astype("string").fillna("").str.strip().eq("%")
    ).to_numpy(dtype=bool)
    return (np.bincount(groups[is_pct], minlength=count) > 0)[groups]


def _unread_within(
    ctx: RuleContext, rows: pd.DataFrame, groups: npt.NDArray[np.int64], count: int
) -> npt.NDArray[np.bool_]:
    """Rows of a group whose line span holds a line the reader could not read.

    A row the reader gave up on adds no part to the sum, so the parts it did read
    fall short of the total by exactly that row: the sum says nothing then.
    """
    if ctx.bundle.table("extraction_issues").empty:
        return np.zeros(len(rows), dtype=bool)
    lines = rows["line"].to_numpy(dtype=float, na_value=np.nan)
    first, last = np.full(count, np.inf), np.full(count, -np.inf)
    np.fmin.at(first, groups, lines)
    np.fmax.at(last, groups, lines)
    # A group's rows share its span: look each distinct (group, file) up once.
    files = rows["file"].to_numpy()
    spans, _ = group_codes([groups, files])
    _, one = np.unique(spans, return_index=True)
    at = groups[one]
    owners = zip(files[one], first[at], last[at], strict=True)
    flags = np.array(issues_within(ctx.bundle, "file", owners), dtype=bool)
    return flags[spans]


def _report(
    ctx: RuleContext,
    p: Params,
    row: pd.Series,
    listed: tuple[list[Any], list[Any]],
    diff: float,
    tol: float,
    verdict: Severity,
) -> None:
    lang = ctx.lang
    dec = as_int(row.get("decimals"))
    labels = [str(x) for x in listed[1]]
    span = (
        fmt.capped(labels, 3, lang)
        if len(labels) <= 3
        else (f"{labels[0]} … {labels[-1]}")
    )
    where = " ".join(str(row[g]) for g in p.group_by if g not in {"report"})
    total_sum = fmt.number(row["_v_sum"], dec, lang)
    total = fmt.number(row["value"], dec, lang)
    d, t = fmt.number(diff, dec, lang), fmt.number(tol, max(dec, 1), lang)
    lines = [*listed[0], row["line"]]
    if verdict is Severity.INFO:
        message = ctx.t(
            f"{where}: raderna summerar till {total_sum}, totalen {row[p.label]} är "
            f"{total} — skillnaden {d} ligger inom avrundningen (tolerans {t})",
            f"{where}: the rows sum to {total_sum}, the total {row[p.label]} is "
            f"{total} — the difference {d} is within rounding (tolerance {t})",
        )
    else:
        message = ctx.t(
            f"{where}: raderna {span} summerar till {total_sum} men totalen "
            f"{row[p.label]} är {total} (skillnad {d}, tolerans {t}) — "
            f"{fmt.line_range(lines, lang)}",
            f"{where}: the rows {span} sum to {total_sum} but the total "
            f"{row[p.label]} is {total} (difference {d}, tolerance {t}) — "
            f"{fmt.line_range(lines, lang)}",
        )
    ctx.add(
        message=message,
        report=str(row["report"]),
        file=str(row["file"]),
        lines=lines,
        labels=[row[g] for g in p.group_by if g != "report"] + [row[p.label]],
        expected=float(row["_v_sum"]),
        reported=float(row["value"]),
        difference=float(diff),
        tolerance=float(tol),
        severity=severity_for(verdict, ctx.spec.severity),
    )


KIND = RuleKind("SUM01", "arithmetic.parts-sum-to-total", Params, run, __doc__ or "")
