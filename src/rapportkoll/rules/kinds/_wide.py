"""Long canonical rows to one wide row per entity, keeping cells' lines and decimals."""

from __future__ import annotations

import pandas as pd


def widen(
    rows: pd.DataFrame, key: list[str], column_field: str, columns: set[str]
) -> pd.DataFrame:
    """One row per ``key``; per wanted column ``c``: ``c``, ``c__dec``, ``c__line``.

    Duplicated cells (same key and column) keep the first one printed.
    """
    wanted = rows[rows[column_field].isin(columns)]
    if wanted.empty:
        return pd.DataFrame(columns=[*key, "file"])
    wanted = wanted.drop_duplicates([*key, column_field], keep="first")
    pivot = wanted.pivot(
        index=key, columns=column_field, values=["value", "decimals", "line"]
    )
    out = pd.DataFrame(index=pivot.index)
    for c in columns:
        if ("value", c) in pivot.columns:
            out[c] = pd.to_numeric(pivot[("value", c)], errors="coerce")
            out[f"{c}__dec"] = pd.to_numeric(pivot[("decimals", c)], errors="coerce")
            out[f"{c}__line"] = pivot[("line", c)]
        else:
            out[c] = float("nan")
            out[f"{c}__dec"] = float("nan")
            out[f"{c}__line"] = pd.NA
    files = wanted.drop_duplicates(key).set_index(key)["file"]
    out["file"] = files
    return out.reset_index()
