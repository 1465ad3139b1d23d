"""Where a value was printed: file and 1-based line (sheet and row for spreadsheets)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source: ``file`` as given on the command line, ``line`` 1-based.

    For a spreadsheet ``sheet`` names the sheet and ``line`` is the 1-based row;
    for a PDF ``page`` is the 1-based page the line came from.
    """

    file: str
    line: int
    sheet: str | None = None
    page: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where} [{self.sheet}]" if self.sheet else where
