"""Long canonical rows to one wide row per entity, keeping cells' lines and decimals."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from rapportkoll.rules.context import RuleContext
from rapportkoll.rules.kinds._common import group_codes, values_of


def widen_all(
    ctx: RuleContext,
    rows: pd.DataFrame,
    key: list[str],
    column_field: str,
    names: set[str],
    variant: Hashable = (),
) -> pd.DataFrame:
    """``widen`` of every column ``rows`` hold (and of ``names``), made once per run
    for the rule's selection, ``key``, ``column_field`` and ``variant`` (what else
    ``rows`` depend on): the rules of the wide kinds on one selection share it.

    A wide row lacking one of a rule's ``names`` is one the rule does not check,
    so the rows that only other columns give change nothing for it. The frame is
    shared: callers must not change it.
    """
    columns = {c for c in rows[column_field].unique() if isinstance(c, str)} | names
    spec, wanted = ctx.spec, frozenset(columns)
    made = ("wide", spec.table, spec.where, variant, tuple(key), column_field, wanted)
    return ctx.once(made, lambda: widen(rows, key, column_field, columns))


def widen(
    rows: pd.DataFrame, key: list[str], column_field: str, columns: set[str]
) -> pd.DataFrame:
    """One row per ``key``, sorted by key; per wanted column ``c``: ``c``,
    ``c__dec`` (empty: NaN), ``c__line`` (whole numbers; empty: NaN).

    Duplicated cells (same key and column) keep the first one printed. Cells are
    placed by their key's group number, and only the columns used are taken from
    ``rows``: a pivot (or a take of every column) cost milliseconds however small
    the table, and every rule of the wide kinds made one.
    """
    pos = np.flatnonzero(rows[column_field].isin(columns).to_numpy())
    if len(pos) == 0:
        return pd.DataFrame(columns=[*key, "file"])
    keys = {k: rows[k] for k in key}
    groups, count = group_codes([values_of(c)[pos] for c in keys.values()], sort=True)
    field = rows[column_field].to_numpy()[pos]
    fields, names = pd.factorize(field)
    # The first cell printed of each (key, column): later duplicates are dropped.
    _, kept = np.unique(groups * len(names) + fields, return_index=True)
    _, leaders = np.unique(groups, return_index=True)
    first = pos[leaders]
    out: dict[str, Any] = {
        k: pd.Series(values_of(c)[first], dtype=c.dtype) for k, c in keys.items()
    }
    values = pd.to_numeric(rows["value"], errors="coerce").to_numpy(float)[pos]
    decimals = pd.to_numeric(rows["decimals"], errors="coerce").to_numpy(float)[pos]
    lines = rows["line"].take(pos).astype(object).to_numpy()
    for c in columns:
        at = kept[field[kept] == c]
        out[c] = _placed(values, groups, at, count, float)
        out[f"{c}__dec"] = _placed(decimals, groups, at, count, float)
        out[f"{c}__line"] = _placed(lines, groups, at, count, object)
    out["file"] = rows["file"].to_numpy()[first]
    return pd.DataFrame(out)


def _placed(
    values: npt.NDArray[np.generic],
    groups: npt.NDArray[np.integer[Any]],
    at: npt.NDArray[np.intp],
    count: int,
    dtype: type,
) -> npt.NDArray[np.generic]:
    """``values`` at positions ``at``, each at its group's row; NaN elsewhere."""
    out: npt.NDArray[np.generic] = np.full(count, np.nan, dtype=dtype)
    out[groups[at]] = values[at]
    return out
