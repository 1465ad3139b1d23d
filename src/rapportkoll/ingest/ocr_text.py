"""Line helpers for OCR'd report text: tokens, dates, comment headers, headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from rapportkoll.ingest.ocr_context import OcrContext
from rapportkoll.ingest.vocabulary import ocr_fold
from rapportkoll.model.numbers import is_number_token

DATE_RE = re.compile(r"(?<![\d-])(20\d\d)-(0[1-9]|1[0-2])-([0-2]\d|3[01])(?![\d-])")
GOAL_RE = re.compile(r"^[\s*]*(\d{1,2})\.(\d{1,2})\.?\s+(\S.*?)[\s*]*$")
_COMMENT_TAIL = re.compile(r"^\s*(\d{0,4})-?(\d\d)-(\d\d)\)?:?\s*$")
_COMMENT_HEAD = re.compile(r"\((\d{0,4})(?:-(\d\d)-(\d\d))?\)?:?\s*$")
PIPE = "|"


def tokens(line: str) -> list[str]:
    """Whitespace tokens with every '|' its own token ('6,0%|' → '6,0%', '|')."""
    return line.replace("|", " | ").split()


def is_value_token(token: str) -> bool:
    """A token that can be (part of) a printed number in a table cell."""
    return is_number_token(token.replace("−", "-"))


def words_key(text: str) -> str:
    return ocr_fold(text)


def similar(text: str, phrase: str, threshold: float = 0.85) -> bool:
    """True when ``text`` starts with something close to ``phrase`` (OCR-tolerant)."""
    a, b = words_key(text), words_key(phrase)
    if not a or not b:
        return False
    return fuzz.ratio(a[: len(b)], b) / 100 >= threshold


def matches_any(text: str, phrases: list[str], threshold: float = 0.85) -> bool:
    return any(similar(text, p, threshold) for p in phrases)


def is_blank(line: str) -> bool:
    return not line.strip()


@dataclass(frozen=True)
class CommentHeader:
    """'Senaste kommentar (2024-08-31):', possibly with its date split over lines."""

    line: int
    date: str | None
    consumed: tuple[int, ...]


def comment_header(ctx: OcrContext, line: int) -> CommentHeader | None:
    """Read a comment header at ``line`` (1-based); the date may end a few lines on."""
    text = ctx.text(line)
    if not matches_any(
        text, ctx.profile.headings.get("comment", ["Senaste kommentar"])
    ):
        return None
    found = DATE_RE.search(text)
    if found:
        return CommentHeader(line, found.group(0), (line,))
    head = _COMMENT_HEAD.search(text)
    prefix = head.group(1) if head else ""
    for later in range(line + 1, min(line + 7, len(ctx.lines) + 1)):
        tail = _COMMENT_TAIL.match(ctx.text(later))
        if tail is None:
            continue
        date = f"{prefix}{tail.group(1)}-{tail.group(2)}-{tail.group(3)}"
        if DATE_RE.fullmatch(date):
            return CommentHeader(line, date, (line, later))
        break
    return CommentHeader(line, None, (line,))


def goal_heading(text: str) -> tuple[str, str] | None:
    """'1.1. En ekonomi i balans' → ('1.1', 'En ekonomi i balans')."""
    m = GOAL_RE.match(text)
    if m is None or DATE_RE.search(text):
        return None
    title = m.group(3)
    if not title[:1].isalpha() or not title[:1].isupper():
        return None
    return f"{m.group(1)}.{m.group(2)}", title


def nonblank_after(ctx: OcrContext, line: int, limit: int = 6) -> list[int]:
    """The next non-blank line numbers after ``line`` (at most ``limit``)."""
    out: list[int] = []
    for later in range(line + 1, len(ctx.lines) + 1):
        if not is_blank(ctx.text(later)):
            out.append(later)
            if len(out) >= limit:
                break
    return out


def short_line(text: str, width: int = 32) -> bool:
    return 0 < len(text.strip()) <= width
