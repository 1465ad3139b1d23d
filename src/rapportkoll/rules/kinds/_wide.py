"""Long canonical rows to one wide row per entity, keeping cells' lines and decimals."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd


def widen(
    rows: pd.DataFrame, key: list[str], column_field: str, columns: set[str]
) -> pd.DataFrame:
    """One row per ``key``, sorted by key; per wanted column ``c``: ``c``,
    ``c__dec`` (empty: NaN), ``c__line`` (whole numbers; empty: NaN).

    Duplicated cells (same key and column) keep the first one printed. Cells are
    placed by their key's group number: a pivot cost tens of milliseconds however
    small the table, and every rule of the wide kinds made one.
    """
    wanted = rows[rows[column_field].isin(columns)]
    if wanted.empty:
        return pd.DataFrame(columns=[*key, "file"])
    wanted = wanted.drop_duplicates([*key, column_field], keep="first")
    groups = wanted.groupby(key, sort=True, dropna=False).ngroup().to_numpy()
    leaders = ~wanted.duplicated(key).to_numpy()
    order = np.argsort(groups[leaders], kind="stable")
    first = wanted[leaders].iloc[order]
    out = first[key].reset_index(drop=True)
    field = wanted[column_field].to_numpy()
    values = pd.to_numeric(wanted["value"], errors="coerce").to_numpy(float)
    decimals = pd.to_numeric(wanted["decimals"], errors="coerce").to_numpy(float)
    lines = wanted["line"].astype(object).to_numpy()
    for c in columns:
        at = field == c
        out[c] = _placed(values, groups, at, len(out), float)
        out[f"{c}__dec"] = _placed(decimals, groups, at, len(out), float)
        out[f"{c}__line"] = _placed(lines, groups, at, len(out), object)
    out["file"] = first["file"].to_numpy()
    return out


def _placed(
    values: npt.NDArray[np.generic],
    groups: npt.NDArray[np.integer[Any]],
    at: npt.NDArray[np.bool_],
    count: int,
    dtype: type,
) -> npt.NDArray[np.generic]:
    """``values`` where ``at``, each at its group's row; NaN in the other rows."""
    out: npt.NDArray[np.generic] = np.full(count, np.nan, dtype=dtype)
    out[groups[at]] = values[at]
    return out
