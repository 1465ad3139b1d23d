"""The canonical tables: column contracts and their pandera schemas.

Every table is long and keyed by ``report`` so that a rule runs once, vectorised,
over every report of a run. Every row carries its provenance (``file``, ``line``,
optional ``sheet``). Numeric cells keep ``printed`` and ``decimals`` so rules can
derive tolerance from the precision printed instead of a fixed epsilon.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import pandas as pd

# pandas and numpy are imported where frames are built, not here: readers fill
# tables with plain rows, so a worker process that only reads never imports pandas
# (half a second of a one-report run, spent while the main process loads rules).

PROVENANCE: Final = {"report": "str", "file": "str", "line": "int", "sheet": "str?"}

Row = tuple[Any, ...]
"""One row of a canonical table: its values in the contract's column order."""
NUMERIC: Final = {"value": "float?", "printed": "str?", "decimals": "int?"}

ISO_DATE: Final = r"^\d{4}-\d{2}-\d{2}$"
"""What every value of a 'date' column looks like (an ISO 8601 calendar date)."""
VALUE_RANGES: Final[dict[str, tuple[int, int | None]]] = {
    "line": (0, None),
    "position": (0, None),
    "decimals": (0, 12),
}
"""Columns whose values lie in a range in every table: (lowest, highest or None)."""


@dataclass(frozen=True)
class TableSpec:
    """A canonical table and its columns.

    Column types: 'str', 'int', 'float', 'date'; '?' = may be empty.
    """

    name: str
    description: str
    columns: dict[str, str]

    def empty(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            {c: pd.Series(dtype=_dtype(t)) for c, t in self.columns.items()}
        )

    def dtypes(self) -> dict[str, Any]:
        """The pandas dtype of each column (those of ``empty()``)."""
        found = _DTYPES.get(self.name)
        if found is None:
            from pandas.api.types import pandas_dtype

            found = _DTYPES[self.name] = {
                c: pandas_dtype(_dtype(t)) for c, t in self.columns.items()
            }
        return found

    def position(self, column: str) -> int:
        """Where ``column`` is in a row (the contract's column order)."""
        return list(self.columns).index(column)

    def frame(self, rows: Sequence[Row]) -> pd.DataFrame:
        """The rows as one frame with the contract's dtypes."""
        return self.join([self.arrays(rows)]) if rows else self.empty()

    def arrays(self, rows: Sequence[Row]) -> list[pd.Series]:
        """The rows' columns, each built with its dtype directly (no inference, no
        cast). Empty cells (``None``) become ``NaN`` in text columns and ``<NA>`` in
        integer columns, as they always were in the canonical tables."""
        import pandas as pd

        columns = zip(*rows, strict=True)
        index = pd.RangeIndex(len(rows))  # one index object: no alignment in join
        return [
            pd.Series(_array(values, dtype), index=index, dtype=dtype, copy=False)
            for dtype, values in zip(self.dtypes().values(), columns, strict=True)
        ]

    def join(self, chunks: list[list[pd.Series]]) -> pd.DataFrame:
        """One frame of the column chunks given by ``arrays`` (emptied as it goes).

        The frame holds one block per dtype: rules select rows (a take per block)
        many times over, and a block per column makes each take several times slower
        (``pd.concat`` of frames would split the blocks again).
        """
        import pandas as pd

        columns = [list(parts) for parts in zip(*chunks, strict=True)]
        chunks.clear()
        data: dict[str, pd.Series] = {}
        for name, parts in zip(self.columns, columns, strict=True):
            data[name] = (
                pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
            )
            parts.clear()
        index = next(iter(data.values())).index
        return pd.DataFrame(data, index=index, copy=True)


_DTYPES: dict[str, dict[str, Any]] = {}


def _array(values: tuple[Any, ...], dtype: Any) -> Any:
    """One column's cells as an array of ``dtype`` (object, float64 or Int64)."""
    import numpy as np
    import pandas as pd

    if dtype == np.dtype(object):
        # Equal texts share one object: units, column names, statuses and the like
        # repeat on every row, so a large batch holds far fewer strings.
        shared: dict[Any, Any] = {}
        unique = map(shared.setdefault, values, values)
        cells = np.fromiter(unique, dtype=object, count=len(values))
        cells[pd.isna(cells)] = np.nan
        return cells
    if dtype == np.float64:
        return np.array(values, dtype=dtype)  # None is NaN
    cells = np.fromiter(values, dtype=object, count=len(values))
    empty = pd.isna(cells)
    cells[empty] = 0
    return pd.arrays.IntegerArray(cells.astype(np.int64), empty)


def _dtype(kind: str) -> str:
    base = kind.rstrip("?")
    return {"str": "object", "int": "Int64", "float": "float64", "date": "object"}[base]


TABLES: Final[dict[str, TableSpec]] = {
    spec.name: spec
    for spec in [
        TableSpec(
            "reports",
            "One row per report: organisation, document type, period and amount unit.",
            {
                **PROVENANCE,
                "organisation": "str?",
                "doc_type": "str?",
                "title": "str?",
                "period_start": "date?",
                "period_end": "date?",
                "unit": "str?",
                "profile": "str?",
            },
        ),
        TableSpec(
            "goals",
            "One row per inriktningsmål with its bedömning, trend and analysis text.",
            {
                **PROVENANCE,
                "goal": "str",
                "title": "str?",
                "bedomning": "str?",
                "trend": "str?",
                "analysis": "str?",
                "analysis_line": "int?",
            },
        ),
        TableSpec(
            "indicators",
            "One row per indicator x value column (utfall_<year>, utfall_period, mal, "
            "prognos); the indicator's bedömning and trend repeat on each row.",
            {
                **PROVENANCE,
                "goal": "str?",
                "level": "str?",
                "indicator": "str",
                "ansvarig": "str?",
                "column": "str",
                "year": "int?",
                **NUMERIC,
                "unit": "str?",
                "bedomning": "str?",
                "trend": "str?",
                "comment": "str?",
                "comment_date": "date?",
                "name_line": "int?",
                "bedomning_line": "int?",
            },
        ),
        TableSpec(
            "items",
            "One row per uppdrag or nämndinitiativ listed under a goal.",
            {
                **PROVENANCE,
                "goal": "str?",
                "kind": "str",
                "title": "str",
                "ansvarig": "str?",
                "prognos": "str?",
                "slutdatum": "date?",
                "status": "str?",
                "comment": "str?",
                "comment_date": "date?",
                "title_line": "int?",
                "comment_line": "int?",
            },
        ),
        TableSpec(
            "item_matrix",
            "One row per cell of the summary matrix of uppdrag and nämndinitiativ "
            "(kind x status x column enligt_plan | avvikelse | total); the total row "
            "has kind 'total'.",
            {**PROVENANCE, "kind": "str", "status": "str", "column": "str", **NUMERIC},
        ),
        TableSpec(
            "finance",
            "One row per numeric cell of a financial table (operating statement, per-"
            "unit table, investments, sick leave, tables found without a profile).",
            {
                **PROVENANCE,
                "table": "str",
                "row": "str",
                "row_kind": "str",
                "position": "int",
                "column": "str",
                **NUMERIC,
                "unit": "str?",
            },
        ),
        TableSpec(
            "claims",
            "One row per number stated in prose, with the words around it.",
            {
                **PROVENANCE,
                "section": "str?",
                "subject": "str?",
                "measure": "str?",
                "sentence": "str",
                **NUMERIC,
                "unit": "str?",
                "direction": "int?",
                "of_total": "float?",
                "claim_kind": "str",
            },
        ),
        TableSpec(
            "text_lines",
            "Every source line of prose kept for format checks (draft markers, cut-off "
            "sentences).",
            {**PROVENANCE, "text": "str", "section": "str?"},
        ),
        TableSpec(
            "extraction_issues",
            "Values that could not be read with confidence: unreadable or ambiguous "
            "cells, unreadable files. Never silently guessed or dropped.",
            {
                **PROVENANCE,
                "issue": "str",
                "table": "str?",
                "text": "str?",
                "message": "str",
                "candidates": "str?",
            },
        ),
        TableSpec(
            "repairs",
            "Tokens repaired against a profile vocabulary (OCR damage), original kept.",
            {
                **PROVENANCE,
                "field": "str",
                "original": "str",
                "repaired": "str",
                "score": "float",
            },
        ),
    ]
}

ROW_KINDS: Final = ("part", "total", "subtotal", "varav", "other")
