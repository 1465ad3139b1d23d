"""A bundle of reports: the canonical tables of every report in a run, plus source lines."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from rapportkoll.model.tables import TABLES


@dataclass
class Bundle:
    """Canonical tables keyed by table name; ``sources`` maps a file to its lines.

    Readers build one bundle per source file; ``Bundle.merge`` concatenates them so
    every rule runs once over all reports.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: dict[str, list[str]] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """The named table; an empty frame with the contract's columns if absent."""
        if name not in TABLES:
            raise KeyError(f"unknown canonical table {name!r}")
        frame = self.tables.get(name)
        return TABLES[name].empty() if frame is None else frame

    @property
    def reports(self) -> pd.DataFrame:
        return self.table("reports")

    @classmethod
    def merge(cls, bundles: Iterable[Bundle]) -> Bundle:
        parts: dict[str, list[pd.DataFrame]] = {}
        sources: dict[str, list[str]] = {}
        for bundle in bundles:
            for name, frame in bundle.tables.items():
                if len(frame):
                    parts.setdefault(name, []).append(frame)
            sources.update(bundle.sources)
        tables = {
            name: pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
            for name, frames in parts.items()
        }
        return cls(tables=tables, sources=sources)


class TableBuilder:
    """Collects rows for canonical tables and turns them into frames with the contract's
    columns (missing columns filled with empty values)."""

    def __init__(self) -> None:
        self._rows: dict[str, list[dict[str, Any]]] = {}

    def add(self, table: str, /, **row: Any) -> None:
        if table not in TABLES:
            raise KeyError(f"unknown canonical table {table!r}")
        unknown = set(row) - set(TABLES[table].columns)
        if unknown:
            raise KeyError(f"table {table!r} has no column(s) {sorted(unknown)}")
        self._rows.setdefault(table, []).append(row)

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self._rows.get(table, [])

    def build(self, sources: Mapping[str, list[str]] | None = None) -> Bundle:
        tables: dict[str, pd.DataFrame] = {}
        for name, rows in self._rows.items():
            spec = TABLES[name]
            frame = pd.DataFrame.from_records(rows, columns=list(spec.columns))
            casts = {c: t for c, t in spec.dtypes().items() if frame[c].dtype != t}
            tables[name] = frame.astype(casts) if casts else frame
        return Bundle(tables=tables, sources=dict(sources or {}))
