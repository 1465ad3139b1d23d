"""A bundle of reports: every report's canonical tables in a run, plus source lines."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from rapportkoll.model.tables import TABLES


class SourceLines:
    """A file's lines, kept as one UTF-8 byte string and decoded only when asked for.

    A run over thousands of reports keeps every file's text for the excerpts around
    findings; one Python string per line costs ~50 bytes of overhead per line (more
    than the text) and a list slot, so a national batch would hold gigabytes of line
    objects. Lines never contain ``\n`` (only ``\n`` ends a line), so joining with it
    and splitting again gives the same lines; ``surrogatepass`` keeps any undecodable
    characters a reader let through exactly as they were.
    """

    __slots__ = ("_count", "_data")

    def __init__(self, lines: Sequence[str]) -> None:
        self._data = "\n".join(lines).encode("utf-8", "surrogatepass")
        self._count = len(lines)

    def __len__(self) -> int:
        return self._count

    def lines(self) -> list[str]:
        """Every line, decoded (one list per call: callers keep it only briefly)."""
        if self._count == 0:
            return []
        return [b.decode("utf-8", "surrogatepass") for b in self._data.split(b"\n")]


@dataclass
class Bundle:
    """Canonical tables keyed by table name; ``sources`` maps a file to its lines.

    Readers build one bundle per source file; ``Bundle.merge`` concatenates them so
    every rule runs once over all reports.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: dict[str, SourceLines] = field(default_factory=dict)

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
        """One bundle of all reports, in the order given.

        Bundles are consumed as they come (pass a generator to free each report's
        frames once merged): every ``MERGE_CHUNK`` reports their frames are
        concatenated into one, so the many small per-report frames (each with its own
        fixed overhead) do not all live until the end, and the final concatenation
        drops each table's pieces as soon as that table is built.
        """
        done: dict[str, list[pd.DataFrame]] = {}
        pending: dict[str, list[pd.DataFrame]] = {}
        sources: dict[str, SourceLines] = {}
        for count, bundle in enumerate(bundles, 1):
            for name, frame in bundle.tables.items():
                if len(frame):
                    pending.setdefault(name, []).append(frame)
            sources.update(bundle.sources)
            if count % MERGE_CHUNK == 0:
                _flush(pending, done)
        _flush(pending, done)
        tables = {name: _concat(done.pop(name)) for name in list(done)}
        return cls(tables=tables, sources=sources)


MERGE_CHUNK = 64


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _flush(
    pending: dict[str, list[pd.DataFrame]], done: dict[str, list[pd.DataFrame]]
) -> None:
    for name in list(pending):
        done.setdefault(name, []).append(_concat(pending.pop(name)))


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
        kept = {path: SourceLines(lines) for path, lines in (sources or {}).items()}
        return Bundle(tables=tables, sources=kept)
