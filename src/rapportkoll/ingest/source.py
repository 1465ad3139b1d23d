"""Reading a source file safely: size limits, encodings, line splitting, report ids."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from rapportkoll.model.errors import UserError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_LINES = 500_000
MAX_LINE_CHARS = 100_000


@dataclass(frozen=True)
class Limits:
    """Files beyond these are refused with a clear message rather than read."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_lines: int = DEFAULT_MAX_LINES


@dataclass(frozen=True)
class Source:
    """A text source: its display path, report id and lines (no line endings)."""

    path: str
    report: str
    lines: list[str]
    encoding: str

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def decode(data: bytes, where: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not), UTF-16 with BOM, else cp1252/latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def split_lines(text: str) -> list[str]:
    """Lines as grep and CI annotations number them: only \\n ends a line (a \\r
    before it is dropped). ``str.splitlines`` also ends one at \\r, a form feed,
    \\x1c-\\x1e, \\x85 and \\u2028, which PDF-extracted text holds: every later
    line number would be off."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def report_id(path: Path, root: Path | None) -> str:
    """A stable report id: the path relative to the root given, without suffix."""
    try:
        rel = path.relative_to(root) if root is not None and root != path else path
    except ValueError:
        rel = path
    rel = Path(rel.name) if rel == Path(".") else rel
    return rel.with_suffix("").as_posix()


def read_source(path: Path, display: str, report: str, limits: Limits) -> Source:
    """Read a text file into a Source, or raise UserError naming the file (and line)."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise UserError(
                f"file is {size} bytes, over the limit of {limits.max_bytes} bytes "
                "(raise it with --max-bytes)",
                where=display,
            )
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(
            f"cannot read file: {exc.strerror or exc}", where=display
        ) from None
    text, encoding = decode(data, display)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise UserError(
            "file contains NUL bytes: not a text report", where=f"{display}:{line}"
        )
    lines = split_lines(text)
    if len(lines) > limits.max_lines:
        raise UserError(
            f"file has {len(lines)} lines, over the limit of {limits.max_lines} "
            "(raise it with --max-lines)",
            where=display,
        )
    for number, text_line in enumerate(lines, start=1):
        if len(text_line) > MAX_LINE_CHARS:
            raise UserError(
                f"line is {len(text_line)} characters long, over {MAX_LINE_CHARS}: "
                "not a report text",
                where=f"{display}:{number}",
            )
    return Source(path=display, report=report, lines=lines, encoding=encoding)
