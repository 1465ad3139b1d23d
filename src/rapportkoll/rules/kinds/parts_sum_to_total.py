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

from collections.abc import Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.findings import Severity
from rapportkoll.model.interval import Interval, compare
from rapportkoll.rules import fmt
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.expr import frame_mask, on_distinct
from rapportkoll.rules.kinds._common import (
    as_int,
    interval_of,
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
    rows = rows.assign(
        _part=frame_mask(rows, p.parts), _total=frame_mask(rows, p.total)
    )
    rows = rows.assign(_uncertain=uncertain(ctx.bundle, rows))
    rows = rows[~_ratio_groups(rows, p.group_by)]
    if rows.empty:
        return ctx.result
    rows = rows.assign(
        _uncertain=rows["_uncertain"] | _unread_within(ctx, rows, p.group_by)
    )
    if p.empty_as_zero:
        rows.loc[rows["_part"], "value"] = rows.loc[rows["_part"], "value"].fillna(0.0)
    parts = rows[rows["_part"] & rows["value"].notna()]
    totals = rows[rows["_total"] & rows["value"].notna()]
    # A group with a cell the reader could not place is reported by EXT01 instead.
    doubtful = rows[rows["_uncertain"]].groupby(p.group_by, dropna=False).size()
    if len(doubtful):
        keys = (
            set(doubtful.index)
            if len(p.group_by) > 1
            else {(k,) for k in doubtful.index}
        )
        keep = [
            tuple(r) not in keys for r in totals[p.group_by].itertuples(index=False)
        ]
        totals = totals[keep]
    if totals.empty:
        return ctx.result
    iv = _exact(interval_of(parts), p.exact)
    parts = parts.assign(_v=iv.value, _lo=iv.low, _hi=iv.high)
    groups = parts.groupby(p.group_by, dropna=False, sort=False)
    sums = groups[["_v", "_lo", "_hi"]].sum().rename(columns={"_v": "_v_sum"})
    merged = totals.merge(sums.reset_index(), on=p.group_by, how="inner")
    if merged.empty:
        return ctx.result
    reported = _exact(interval_of(merged), p.exact)
    expected = Interval(
        merged["_v_sum"].to_numpy(float),
        merged["_lo"].to_numpy(float),
        merged["_hi"].to_numpy(float),
    )
    cmp = compare(reported, expected)
    ctx.count(merged["report"])
    found = [(i, v) for i, v in enumerate(verdicts(cmp, p.rounding)) if v is not None]
    if not found:
        return ctx.result
    listed = _listed(parts, merged.iloc[[i for i, _ in found]], p)
    for i, verdict in found:
        row = merged.iloc[i]
        lines, labels = listed[_key(row[g] for g in p.group_by)]
        _report(
            ctx, p, row, (lines, labels), cmp.difference[i], cmp.tolerance[i], verdict
        )
    return ctx.result


def _key(values: Iterable[Any]) -> tuple[Any, ...]:
    """A group's key as a dict key (empty cells as None: NaN never equals NaN)."""
    return tuple(None if pd.isna(v) else v for v in values)


def _listed(
    parts: pd.DataFrame, groups: pd.DataFrame, p: Params
) -> dict[tuple[Any, ...], tuple[list[Any], list[Any]]]:
    """The parts of ``groups`` (rows holding their keys): each group's lines and
    labels, in the order they are printed."""
    wanted = groups[p.group_by].drop_duplicates()
    mine = parts[[*p.group_by, "line", p.label]].merge(wanted, on=p.group_by)
    out: dict[tuple[Any, ...], tuple[list[Any], list[Any]]] = {}
    keys = zip(*(mine[g] for g in p.group_by), strict=True)
    for key, line, label in zip(keys, mine["line"], mine[p.label], strict=True):
        lines, labels = out.setdefault(_key(key), ([], []))
        lines.append(line)
        labels.append(label)
    return out


def _exact(interval: Interval, exact: bool) -> Interval:
    return Interval.exact(interval.value) if exact else interval


def _ratio_groups(rows: pd.DataFrame, group_by: list[str]) -> pd.Series:
    """Rows of a group holding a percentage: shares and ratios are not additive."""
    if "unit" not in rows.columns:
        return pd.Series(False, index=rows.index)
    is_pct = on_distinct(
        rows["unit"], lambda v: v.astype("string").fillna("").str.strip().eq("%")
    ).astype(bool)
    return is_pct.groupby([rows[g] for g in group_by], dropna=False).transform("any")


def _unread_within(
    ctx: RuleContext, rows: pd.DataFrame, group_by: list[str]
) -> pd.Series:
    """Rows of a group whose line span holds a line the reader could not read.

    A row the reader gave up on adds no part to the sum, so the parts it did read
    fall short of the total by exactly that row: the sum says nothing then.
    """
    keys = [rows[g] for g in group_by]
    first = rows["line"].groupby(keys, dropna=False).transform("min")
    last = rows["line"].groupby(keys, dropna=False).transform("max")
    spans = pd.DataFrame(
        {"file": rows["file"].to_numpy(), "first": first, "last": last},
        index=rows.index,
    )
    # A group's rows share its span: look each distinct span up once.
    number = spans.groupby(list(spans.columns), dropna=False, sort=False).ngroup()
    distinct = spans.drop_duplicates()
    flags = np.array(
        issues_within(
            ctx.bundle,
            "file",
            zip(distinct["file"], distinct["first"], distinct["last"], strict=True),
        ),
        dtype=bool,
    )
    return pd.Series(flags[number.to_numpy()], index=rows.index, dtype=bool)


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
