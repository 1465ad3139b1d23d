"""PDF input: text per page with pypdf, then the best text reader, pages kept.

The pages' text is joined into one line list (a form feed never splits a line),
read by the reader that fits it best, and every row learns its page: rows whose
``sheet`` is empty get "page N" from the line they were read from.
"""

from __future__ import annotations

import logging
import warnings
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rapportkoll.ingest.source import MAX_LINE_CHARS, Source
from rapportkoll.model.bundle import Bundle
from rapportkoll.model.errors import UserError
from rapportkoll.model.tables import TABLES, Row

if TYPE_CHECKING:
    from rapportkoll.ingest.discover import ReadOptions


def pdf_pages(path: Path, display: str, max_bytes: int) -> list[list[str]]:
    """The text lines of each page (UserError for a file that is not a PDF)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UserError(
                f"file is {size} bytes, over the limit of {max_bytes} bytes",
                where=display,
            )
        with warnings.catch_warnings(), _quiet("pypdf"):
            warnings.simplefilter("ignore")  # pypdf warns on every repaired flaw
            reader = PdfReader(str(path))
            pages = [(page.extract_text() or "").splitlines() for page in reader.pages]
    except UserError:
        raise
    except (OSError, PdfReadError, ValueError) as exc:
        raise UserError(f"cannot read PDF: {_first_line(exc)}", where=display) from None
    except Exception as exc:  # a damaged PDF breaks pypdf in many ways
        raise UserError(
            f"cannot read PDF: {type(exc).__name__}: {_first_line(exc)}", where=display
        ) from None
    for number, page in enumerate(pages, start=1):
        if any(len(line) > MAX_LINE_CHARS for line in page):
            raise UserError("a line is too long: not a report text", where=f"{display}")
        pages[number - 1] = [line.replace("\x00", "") for line in page]
    return pages


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Silence a library's logger: pypdf logs each flaw it repairs, and Python
    prints unhandled log records to stderr (our stderr is one line per error)."""
    logger = logging.getLogger(name)
    before = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = before


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [""])[0][:200]


def read_pdf(path: Path, display: str, report: str, options: ReadOptions) -> Bundle:
    """Read a PDF report: its text through the best text reader, pages kept."""
    from rapportkoll.ingest.discover import read_text_source

    pages = pdf_pages(path, display, options.limits.max_bytes)
    lines: list[str] = []
    starts: list[int] = []
    for page in pages:
        starts.append(len(lines) + 1)
        lines.extend(page)
    if len(lines) > options.limits.max_lines:
        raise UserError(
            f"the PDF's text has {len(lines)} lines, over the limit of "
            f"{options.limits.max_lines} (raise it with --max-lines)",
            where=display,
        )
    if not any(line.strip() for line in lines):
        raise UserError(
            "the PDF has no text layer (scanned?): run OCR first", where=display
        )
    source = Source(path=display, report=report, lines=lines, encoding="pdf")
    bundle = read_text_source(source, options)
    return with_pages(bundle, starts)


def page_of(line: int, starts: list[int]) -> int:
    """The 1-based page of a 1-based line, given each page's first line."""
    return max(1, bisect_right(starts, line))


def with_pages(bundle: Bundle, starts: list[int]) -> Bundle:
    """Fill empty ``sheet`` cells with "page N" from each row's line."""
    for name in bundle.names():
        spec = TABLES[name]
        sheet, line = spec.position("sheet"), spec.position("line")
        rows = bundle.rows(name)
        bundle.set_rows(name, [_paged(row, sheet, line, starts) for row in rows])
    return bundle


def _paged(row: Row, sheet: int, line: int, starts: list[int]) -> Row:
    if not _empty(row[sheet]):
        return row
    cells = list(row)
    cells[sheet] = f"page {page_of(int(row[line]), starts)}"
    return tuple(cells)


def _empty(cell: object) -> bool:
    return cell is None or (isinstance(cell, float) and cell != cell)


__all__ = ["page_of", "pdf_pages", "read_pdf", "with_pages"]
