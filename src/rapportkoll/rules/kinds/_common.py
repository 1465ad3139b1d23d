"""Shared helpers of the rule kinds: doubtful rows, group numbers, rounding severity."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.extensions import ExtensionArray

from rapportkoll.findings import Severity
from rapportkoll.model.bundle import Bundle
from rapportkoll.model.interval import Comparison
from rapportkoll.rules.context import RuleContext

# Each row's group number and the number of groups (see ``group_codes``).
Codes = tuple[npt.NDArray[np.int64], int]
ArrayLike = pd.Series | ExtensionArray | npt.NDArray[Any]


def verdicts(cmp: Comparison, rounding: str) -> list[Severity | None]:
    """None if values agree exactly; info for rounding (unless ignored); else error."""
    out: list[Severity | None] = []
    for agrees, exact in zip(cmp.agrees, cmp.exact, strict=True):
        if exact:
            out.append(None)
        elif agrees:
            out.append(Severity.INFO if rounding == "info" else None)
        else:
            out.append(Severity.ERROR)
    return out


def severity_for(verdict: Severity, rule_severity: Severity) -> Severity:
    """A real discrepancy takes the rule's severity; rounding stays info."""
    return rule_severity if verdict is Severity.ERROR else verdict


def first_str(value: object) -> str:
    return (
        ""
        if value is None or (isinstance(value, float) and value != value)
        else str(value)
    )


def as_int(value: object, default: int = 0) -> int:
    """An integer from a possibly empty cell (None, NaN, pd.NA → default)."""
    try:
        if value is None or pd.isna(value):  # type: ignore[call-overload]
            return default
        return int(value)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError):
        return default


def uncertain(bundle: Bundle, rows: pd.DataFrame) -> pd.Series:
    """Rows printed on a line where the reader could not read a value with confidence.

    Arithmetic or comparisons on such a row would report the reading, not the
    report: the extraction finding (EXT01) already points at the line, so rules
    leave these rows out (or skip the sums that involve them) instead of reporting
    the same line twice with a guessed number.
    """
    issues = bundle.table("extraction_issues")
    if issues.empty or rows.empty:
        return pd.Series(False, index=rows.index)
    at_issues = zip(issues["file"].tolist(), issues["line"].tolist(), strict=True)
    lines = {(str(f), int(n)) for f, n in at_issues}
    # Only rows of a file with issues can be flagged: look those up one by one.
    files = {f for f, _ in lines}
    flags = np.zeros(len(rows), dtype=bool)
    maybe = np.flatnonzero(rows["file"].isin(files).to_numpy())
    if len(maybe):
        at = zip(
            rows["file"].to_numpy()[maybe], rows["line"].to_numpy()[maybe], strict=True
        )
        flags[maybe] = [(str(f), int(n)) in lines for f, n in at]
    return pd.Series(flags, index=rows.index, dtype=bool)


def certain(bundle: Bundle, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` without the ``uncertain`` ones (the same frame when none is)."""
    doubt = uncertain(bundle, rows).to_numpy()
    return rows[~doubt] if doubt.any() else rows


def certain_rows(ctx: RuleContext) -> pd.DataFrame:
    """The rule's selection (``ctx.rows()``) without its ``uncertain`` rows, made
    once per run and selection: rules of several kinds check the same rows."""
    key = ("certain", ctx.spec.table, ctx.spec.where)
    rows = ctx.once(key, lambda: certain(ctx.bundle, ctx.rows()))
    # A new object, as ctx.rows() gives: a rule that adds a column keeps it.
    return rows.copy(deep=False)


def group_codes(keys: Sequence[ArrayLike], sort: bool = False) -> Codes:
    """Each row's group number, as ``groupby(keys, sort=sort, dropna=False)
    .ngroup()`` numbers it (empty cells form groups of their own), and the number
    of groups.

    The keys are factorized one by one and combined: a groupby costs a few
    milliseconds however small the table, and several kinds need only the numbers.
    """
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    count = 1
    for key in keys:
        # (pandas-stubs list factorize's overloads one by one: no union)
        codes, distinct = pd.factorize(
            key,  # type: ignore[arg-type]
            sort=sort,
            use_na_sentinel=False,
        )
        combined = combined * len(distinct) + codes
        count *= len(distinct)
        if count > 2**31:
            combined, count = _compact(combined, sorted_order=True)
    return _compact(combined, sorted_order=sort)


def values_of(column: pd.Series) -> ArrayLike:
    """A column's values without its index: the extension array of a nullable
    column (an integer column with empty cells stays one), else a numpy array."""
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
        array: ExtensionArray = column.array
        return array
    values: npt.NDArray[Any] = column.to_numpy()
    return values


def _compact(
    combined: npt.NDArray[np.int64], sorted_order: bool
) -> tuple[npt.NDArray[np.int64], int]:
    """Combined codes renumbered 0..n-1: in sorted order, or in order of appearance."""
    distinct, first, inverse = np.unique(
        combined, return_index=True, return_inverse=True
    )
    if sorted_order:
        return inverse.astype(np.int64).reshape(-1), len(distinct)
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(distinct))
    return rank[inverse.reshape(-1)], len(distinct)


def issues_within(
    bundle: Bundle, by: str, spans: Iterable[tuple[object, int, int]]
) -> list[bool]:
    """For each (owner, first, last) span: does the reader report an extraction issue
    of that owner (its ``by`` column: file or report) on a line first..last?

    A row the reader gave up on is missing from the tables, so sums or counts over
    the span would report the reading; the extraction finding points at the line.
    """
    issues = bundle.table("extraction_issues")
    found: dict[str, list[int]] = {}
    for owner, line in zip(issues[by], issues["line"], strict=True):
        found.setdefault(str(owner), []).append(int(line))
    lines_of = {k: np.sort(np.asarray(v)) for k, v in found.items()}
    flags = []
    for owner, first, last in spans:
        lines = lines_of.get(str(owner))
        i = 0 if lines is None else int(np.searchsorted(lines, int(first)))
        flags.append(lines is not None and i < len(lines) and lines[i] <= int(last))
    return flags


def reports_with_issues(bundle: Bundle, table: str) -> set[str]:
    """Reports where the reader flagged an unreadable or ambiguous cell of ``table``."""
    issues = bundle.table("extraction_issues")
    if issues.empty:
        return set()
    return set(issues.loc[issues["table"] == table, "report"].astype(str))


def records(
    rows: pd.DataFrame, columns: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The rows as dicts (``to_dict('records')`` without its per-cell boxing), of
    every column or only of ``columns``."""
    names = list(rows.columns if columns is None else dict.fromkeys(columns))
    cells = [_plain_values(rows[c]) for c in names]
    return [
        dict(zip(names, values, strict=True)) for values in zip(*cells, strict=True)
    ]


def _plain_values(column: pd.Series) -> list[Any]:
    """Python values of a column; an empty cell of a nullable integer is None."""
    values = column.tolist()
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
        return [None if v is pd.NA else v for v in values]
    return values
