"""Adding canonical rows for one source, with its report and file filled in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rapportkoll.model.bundle import TableBuilder


class SourceRows:
    """Mixin for a reader's state: ``add`` rows and ``issue`` unreadable values.

    The class using it provides ``builder`` and ``provenance()`` (report id and the
    file path as displayed), so every row a reader writes carries both.
    """

    builder: TableBuilder

    def provenance(self) -> tuple[str, str]:
        raise NotImplementedError

    def add(self, table: str, line: int, /, **row: Any) -> None:
        row["report"], row["file"] = self.provenance()
        row["line"] = line
        self.builder.add_row(table, row)

    def issue(
        self,
        line: int,
        issue: str,
        table: str,
        text: str,
        message: str,
        candidates: str | Sequence[str] | None = None,
    ) -> None:
        """Report a value that could not be read with confidence (never guessed)."""
        if candidates is not None and not isinstance(candidates, str):
            candidates = " | ".join(candidates) or None
        self.add(
            "extraction_issues",
            line,
            issue=issue,
            table=table,
            text=text.strip(),
            message=message,
            candidates=candidates or None,
        )
