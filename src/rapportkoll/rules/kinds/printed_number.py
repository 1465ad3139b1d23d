"""FMT01 format.printed-number: numbers in one table printed in different styles.

What it checks:
    How each number was printed (the ``printed`` column), per group of rows
    (``group_by``, e.g. report × table). With ``check: decimal_separator`` a group
    whose values use both decimal comma and decimal point ("1,5" and "1.5") is
    flagged once, at the lines of the less used style. With ``check: percent_sign``
    a group where at least ``share`` of the values carry a per cent sign (or whose
    ``name_column`` matches ``name_pattern``, e.g. a column called avvikelse_procent)
    is flagged at each value printed without %. A value counts as carrying % when its
    printed text or its unit says so (an OCR reader may find the sign on the next
    line). Values on lines the reader flagged as uncertain are left to EXT01.

Why it matters:
    Mixed separators and missing per cent signs are the marks of figures pasted from
    different sources or typed by hand; readers misread "1.500" and "1,500", and a
    bare 26,9 in a column of percentages may be a different measure.

Example rule:
    - id: blandade-decimaltecken
      kind: FMT01
      severity: warning
      table: indicators
      params: {check: decimal_separator, group_by: [report]}
      title: Blandade decimaltecken i samma tabell

Example finding:
    indicators: decimalkomma i 49 värden men decimalpunkt i 31 («296.0%»,
    «295.0%», «157.9%» …) — rad 239, 254, 269 … +9 till
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.rules import fmt
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.expr import on_distinct
from rapportkoll.rules.kinds._common import certain_rows, first_str, group_codes
from rapportkoll.rules.registry import RuleKind

_DECIMAL = re.compile(r"\d([.,])\d+\s*%?\s*$")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    check: Literal["decimal_separator", "percent_sign"]
    group_by: list[str] = ["report", "table"]
    share: float = 0.5
    name_column: str | None = None
    name_pattern: str | None = None
    label: str | None = None


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    rows = ctx.rows()
    if rows.empty or "printed" not in rows.columns:
        return ctx.result
    rows = certain_rows(ctx)
    rows = rows[on_distinct(rows["printed"], _filled)]
    if rows.empty:
        return ctx.result
    if p.check == "percent_sign":
        _percent_signs(ctx, p, rows)
        return ctx.result
    seps = _separators_of(rows)
    groups, count = group_codes([rows[g] for g in p.group_by])
    _count_groups(ctx, rows, groups)
    commas = np.bincount(groups[(seps == ",").to_numpy()], minlength=count) > 0
    points = np.bincount(groups[(seps == ".").to_numpy()], minlength=count) > 0
    mixed = (commas & points)[groups]
    for _, group in rows[mixed].groupby(p.group_by, dropna=False, sort=True):
        _separators(ctx, p, group, seps[group.index])
    return ctx.result


def _separator(printed: object, decimals: object) -> str:
    """',' or '.' when the value prints decimals, else ''."""
    try:
        has_decimals = decimals is not None and not pd.isna(decimals)  # type: ignore[call-overload]
        if has_decimals and int(decimals) <= 0:  # type: ignore[call-overload]
            return ""
    except (TypeError, ValueError):
        return ""
    found = _DECIMAL.search(str(printed))
    return found.group(1) if found else ""


def _separators_of(rows: pd.DataFrame) -> pd.Series:
    """Each row's decimal separator (``_separator``), for all rows at once."""
    decimals = rows["decimals"]
    if not pd.api.types.is_integer_dtype(decimals.dtype):
        return pd.Series(
            [_separator(t, d) for t, d in zip(rows["printed"], decimals, strict=True)],
            index=rows.index,
            dtype=object,
        )
    found = rows["printed"].map(str).str.extract(_DECIMAL, expand=False)
    seps = found.astype(object).where(found.notna(), "")
    return seps.where(~(decimals.notna() & (decimals <= 0)).to_numpy(bool), "")


def _separators(
    ctx: RuleContext, p: Params, group: pd.DataFrame, seps: pd.Series
) -> None:
    """A finding for a group printing decimals with both separators."""
    commas, points = int((seps == ",").sum()), int((seps == ".").sum())
    minority = "." if points < commas or (points == commas) else ","
    odd = group[seps == minority].sort_values("line")
    examples = fmt.capped([f"«{x}»" for x in odd["printed"].astype(str)], 3, ctx.lang)
    lines = [int(x) for x in odd["line"]]
    where = _where(ctx, group, p)
    ctx.add(
        message=ctx.t(
            f"{where}: decimalkomma i {commas} värden men decimalpunkt i {points} "
            f"({examples}) — {fmt.line_range(lines, 'sv')}",
            f"{where}: decimal comma in {commas} values but decimal point in {points} "
            f"({examples}) — {fmt.line_range(lines, 'en')}",
        ),
        report=str(group["report"].iloc[0]),
        file=str(odd["file"].iloc[0]),
        lines=lines,
        labels=[*_keys(group, p), "decimal_separator"],
        expected="," if minority == "." else ".",
        reported=minority,
    )


def _percent_signs(ctx: RuleContext, p: Params, rows: pd.DataFrame) -> None:
    """Values without % in groups whose values (or name) say per cent."""
    signed = on_distinct(rows["printed"], _has_percent)
    if "unit" in rows.columns:
        signed |= on_distinct(rows["unit"], _is_percent)
    groups, count = group_codes([rows[g] for g in p.group_by])
    flags = signed.to_numpy(dtype=bool)
    share = np.bincount(groups, weights=flags, minlength=count) / np.bincount(
        groups, minlength=count
    )
    percent = share[groups] >= p.share
    if p.name_column and p.name_pattern:
        pattern = p.name_pattern
        named = on_distinct(
            rows[p.name_column],
            lambda v: _text(v).str.contains(pattern, case=False, regex=True),
        ).to_numpy(dtype=bool)
        percent |= (np.bincount(groups[named], minlength=count) > 0)[groups]
    _count_groups(ctx, rows, groups)
    for _, row in rows[percent & ~flags].iterrows():
        _missing_percent(ctx, p, row)


def _count_groups(
    ctx: RuleContext, rows: pd.DataFrame, groups: npt.NDArray[np.int64]
) -> None:
    """Each group checked counts once for its (first row's) report."""
    _, first = np.unique(groups, return_index=True)
    ctx.count(rows["report"].to_numpy()[first])


def _text(values: pd.Series) -> pd.Series:
    """Values as text, empty cells as ''."""
    return values.astype("string").fillna("")


def _filled(values: pd.Series) -> pd.Series:
    """Values printed with more than blanks."""
    return _text(values).str.strip() != ""


def _has_percent(values: pd.Series) -> pd.Series:
    return _text(values).str.contains("%", regex=False).astype(bool)


def _is_percent(values: pd.Series) -> pd.Series:
    return _text(values).str.strip().eq("%").astype(bool)


def _missing_percent(ctx: RuleContext, p: Params, row: pd.Series) -> None:
    keys = [first_str(row.get(g)) for g in p.group_by if g != "report"]
    short = [k if len(k) <= 60 else k[:57].rstrip() + "…" for k in keys]
    label = first_str(row.get(p.label)) if p.label else ""
    what = " · ".join([ctx.spec.table or "", *short]).strip(" ·")
    what += f", {label}" if label else ""
    ctx.add(
        message=ctx.t(
            f"{what}: «{row['printed']}» saknar procenttecken fast övriga värden "
            f"är i procent — rad {row['line']}",
            f"{what}: «{row['printed']}» has no per cent sign although the other "
            f"values are percentages — line {row['line']}",
        ),
        report=str(row["report"]),
        file=str(row["file"]),
        lines=[row["line"]],
        labels=[*keys, label, "percent_sign"],
        expected="%",
        reported=str(row["printed"]),
    )


def _keys(group: pd.DataFrame, p: Params) -> list[str]:
    return [first_str(group[g].iloc[0]) for g in p.group_by if g != "report"]


def _where(ctx: RuleContext, group: pd.DataFrame, p: Params) -> str:
    short = [k if len(k) <= 60 else k[:57].rstrip() + "…" for k in _keys(group, p)]
    return " · ".join([ctx.spec.table or "", *short]).strip(" ·")


KIND = RuleKind("FMT01", "format.printed-number", Params, run, __doc__ or "")
