"""A bundle of reports: every report's canonical tables in a run, plus source lines."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rapportkoll.model.tables import TABLES, Row

if TYPE_CHECKING:  # frames are built in the process that merges, not in readers
    import pandas as pd


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


class Bundle:
    """Canonical tables keyed by table name; ``sources`` maps a file to its lines.

    A reader's bundle holds plain rows (tuples in the contract's column order):
    cheap to build, and cheap to pickle from a worker process. ``Bundle.merge``
    concatenates a run's rows and builds each table's frame once, so every rule runs
    once over all reports. ``tables`` and ``table()`` give frames (rows become frames
    on first use); ``rows()`` and ``set_rows()`` give and replace plain rows.
    """

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame] | None = None,
        sources: Mapping[str, SourceLines] | None = None,
        rows: Mapping[str, list[Row]] | None = None,
    ) -> None:
        self._frames: dict[str, pd.DataFrame] = dict(tables or {})
        self._rows: dict[str, list[Row]] = {k: v for k, v in (rows or {}).items() if v}
        self.sources: dict[str, SourceLines] = dict(sources or {})

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table that has rows, as frames (assign to replace one)."""
        for name in list(self._rows):
            self._frames[name] = TABLES[name].frame(self._rows.pop(name))
        return self._frames

    def table(self, name: str) -> pd.DataFrame:
        """The named table; an empty frame with the contract's columns if absent."""
        if name not in TABLES:
            raise KeyError(f"unknown canonical table {name!r}")
        frame = self.tables.get(name)
        return TABLES[name].empty() if frame is None else frame

    def names(self) -> list[str]:
        """The tables that have rows."""
        return [*(n for n, f in self._frames.items() if len(f)), *self._rows]

    def rows(self, name: str) -> list[Row]:
        """The named table's rows (a table held as a frame is turned into rows)."""
        if name in self._rows:
            return self._rows[name]
        frame = self._frames.get(name)
        if frame is None:
            return []
        return list(frame.itertuples(index=False, name=None))

    def set_rows(self, name: str, rows: list[Row]) -> None:
        """Replace the named table's rows (none: the table is dropped)."""
        self._frames.pop(name, None)
        if rows:
            self._rows[name] = rows
        else:
            self._rows.pop(name, None)

    @property
    def reports(self) -> pd.DataFrame:
        return self.table("reports")

    @classmethod
    def merge(cls, bundles: Iterable[Bundle]) -> Bundle:
        """One bundle of all reports, in the order given.

        Bundles are consumed as they come (pass a generator to free each report's
        rows once merged): every ``MERGE_CHUNK`` reports their rows become typed
        column arrays, so a national batch never holds all its rows as Python
        tuples (several times the size of the columns), and each table's frame is
        built once at the end, its pieces dropped as it is built.
        """
        done: dict[str, list[list[pd.Series]]] = {}
        pending: dict[str, list[Row]] = {}
        sources: dict[str, SourceLines] = {}
        for count, bundle in enumerate(bundles, 1):
            for name in bundle.names():
                pending.setdefault(name, []).extend(bundle.rows(name))
            sources.update(bundle.sources)
            if count % MERGE_CHUNK == 0:
                _flush(pending, done)
        _flush(pending, done)
        tables = {name: TABLES[name].join(done.pop(name)) for name in list(done)}
        return cls(tables=tables, sources=sources)


MERGE_CHUNK = 64


def _flush(
    pending: dict[str, list[Row]], done: dict[str, list[list[pd.Series]]]
) -> None:
    """Turn the pending rows into typed column arrays (far smaller than tuples)."""
    for name in list(pending):
        done.setdefault(name, []).append(TABLES[name].arrays(pending.pop(name)))


class TableBuilder:
    """Collects a reader's rows for canonical tables, each a tuple in the contract's
    column order (columns not given are empty)."""

    def __init__(self) -> None:
        self._rows: dict[str, list[Row]] = {}

    def add(self, table: str, /, **row: Any) -> None:
        self.add_row(table, row)

    def add_row(self, table: str, row: Mapping[str, Any]) -> None:
        """``add`` of a row given as a mapping (column -> value)."""
        spec = TABLES.get(table)
        if spec is None:
            raise KeyError(f"unknown canonical table {table!r}")
        columns = spec.columns
        if not row.keys() <= columns.keys():
            unknown = sorted(set(row) - set(columns))
            raise KeyError(f"table {table!r} has no column(s) {unknown}")
        self._rows.setdefault(table, []).append(tuple(map(row.get, columns)))

    def build(self, sources: Mapping[str, list[str]] | None = None) -> Bundle:
        kept = {path: SourceLines(lines) for path, lines in (sources or {}).items()}
        return Bundle(rows=self._rows, sources=kept)
