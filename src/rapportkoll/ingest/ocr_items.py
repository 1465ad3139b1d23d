"""Uppdrag and nämndinitiativ tables in OCR text, inline or printed column by column.

A row is anchored on its slutdatum: the line with the ISO date, with the prognos
phrase just before it (same line, or the previous cell printed on its own line)
and the status just after. The title is what precedes the ansvarig cell on the
anchor line plus the lines below it, or, when the anchor line starts with the
ansvarig cell, the block of lines right above. The comment runs from its header
('Senaste kommentar (date):', the date sometimes split over lines) to the start of
the next row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapportkoll.ingest.normalize import fold
from rapportkoll.ingest.ocr_context import OcrContext
from rapportkoll.ingest.ocr_layout import ITEM_HEADER_WORDS, Layout
from rapportkoll.ingest.ocr_text import (
    DATE_RE,
    CommentHeader,
    comment_header,
    is_blank,
)
from rapportkoll.ingest.vocabulary import VocabularyMatch


@dataclass
class _Row:
    anchor: int
    first: int
    date: str
    prognos: VocabularyMatch | None
    status: VocabularyMatch | None
    status_text: str
    title: list[tuple[int, str]] = field(default_factory=list)
    ansvarig: str = ""
    header: CommentHeader | None = None
    comment: list[str] = field(default_factory=list)


def read_items(ctx: OcrContext, layout: Layout) -> None:
    for start in layout.of("items"):
        kind = layout.item_kind[start]
        end = min(layout.next_start(start), len(ctx.lines) + 1)
        _read_table(ctx, kind, start, end)


def _read_table(ctx: OcrContext, kind: str, start: int, end: int) -> None:
    ctx.used.add(start)
    line = start + 1
    while line < end and (is_blank(ctx.text(line)) or _header_words(ctx.text(line))):
        ctx.used.add(line)
        line += 1
    headers = _comment_headers(ctx, line, end)
    consumed = {n for h in headers for n in h.consumed}
    rows = [
        row
        for n in range(line, end)
        if n not in consumed
        for row in [_anchor(ctx, n, line)]
        if row is not None
    ]
    for i, row in enumerate(rows):
        nxt = rows[i + 1].first if i + 1 < len(rows) else end
        _complete(ctx, row, headers, nxt)
        _emit(ctx, kind, row)


def _header_words(text: str) -> bool:
    folded = fold(text)
    return any(folded.startswith(w) for w in ITEM_HEADER_WORDS) and len(folded) < 40


def _comment_headers(ctx: OcrContext, start: int, end: int) -> list[CommentHeader]:
    found: list[CommentHeader] = []
    for n in range(start, end):
        header = comment_header(ctx, n)
        if header is not None:
            found.append(header)
            ctx.used.update(header.consumed)
    return found


def _anchor(ctx: OcrContext, n: int, top: int) -> _Row | None:
    text = ctx.text(n)
    m = DATE_RE.search(text)
    if m is None:
        return None
    left, right = text[: m.start()], text[m.end() :]
    status_text = right.replace("|", " ").strip()
    if left.strip(" |"):
        return _inline(ctx, n, m.group(0), left, status_text)
    return _columnwise(ctx, n, m.group(0), top)


def _inline(
    ctx: OcrContext, n: int, date: str, left: str, status_text: str
) -> _Row | None:
    words = left.replace("|", " | ").split()
    plain = [w for w in words if w != "|"]
    found = ctx.vocab.match_suffix("prognos", plain)
    if found is None:
        return None
    prognos, used_words = found
    rest = _drop_last_words(left, used_words)
    title_part, ansvarig = _split_ansvarig(ctx, rest)
    row = _Row(n, n, date, prognos, ctx.vocab.match("status", status_text), status_text)
    row.ansvarig = ansvarig
    if title_part:
        row.title.append((n, title_part))
    else:
        block = _block_above(ctx, n - 1)
        row.title = [(b, ctx.text(b).strip()) for b in block]
        row.first = block[0] if block else n
    ctx.used.add(n)
    return row


def _columnwise(ctx: OcrContext, n: int, date: str, top: int) -> _Row | None:
    """Cells on their own lines: title block, ansvarig block, prognos, date, status."""
    above = [b for b in range(n - 1, top - 1, -1) if not is_blank(ctx.text(b))]
    below = [b for b in range(n + 1, min(n + 4, len(ctx.lines) + 1))]
    below = [b for b in below if not is_blank(ctx.text(b))]
    if not above:
        return None
    prognos = ctx.vocab.match("prognos", ctx.text(above[0]))
    if prognos is None:
        return None
    status_line = below[0] if below else n
    status_text = ctx.text(status_line).strip() if below else ""
    row = _Row(n, n, date, prognos, ctx.vocab.match("status", status_text), status_text)
    ansvarig_block = _block_above(ctx, above[0] - 1)
    title_block = _block_above(ctx, ansvarig_block[0] - 1) if ansvarig_block else []
    row.ansvarig = " ".join(ctx.text(b).strip() for b in ansvarig_block)
    row.title = [(b, ctx.text(b).strip()) for b in title_block]
    row.first = title_block[0] if title_block else (ansvarig_block or [above[0]])[0]
    ctx.used.update([n, above[0], status_line, *ansvarig_block, *title_block])
    return row


def _block_above(ctx: OcrContext, line: int) -> list[int]:
    """The contiguous block of non-blank lines ending at or above ``line``."""
    while line > 0 and is_blank(ctx.text(line)):
        line -= 1
    block: list[int] = []
    while line > 0 and not is_blank(ctx.text(line)) and line not in ctx.used:
        block.insert(0, line)
        line -= 1
    return block


def _drop_last_words(text: str, count: int) -> str:
    words = text.replace("|", " | ").split()
    kept = 0
    out = list(words)
    while out and kept < count:
        if out.pop() != "|":
            kept += 1
    return " ".join(out)


def complete_unit(ctx: OcrContext, name: str) -> bool:
    return fold(name).endswith(ctx.unit_suffixes)


def _split_ansvarig(ctx: OcrContext, text: str) -> tuple[str, str]:
    """Split 'title words | Ansvarig' (or without the bar, by the unit name's shape)."""
    if "|" in text:
        title, _, unit = text.rpartition("|")
        return title.strip(" |"), unit.strip(" |")
    words = text.split()
    if words and complete_unit(ctx, words[-1]):
        return " ".join(words[:-1]), words[-1]
    if len(words) >= 2 and fold(words[-1]) == "och" and words[-2].endswith("-"):
        return " ".join(words[:-2]), " ".join(words[-2:])
    if len(words) == 1:
        return "", words[0]
    return text.strip(), ""


def _complete(
    ctx: OcrContext, row: _Row, headers: list[CommentHeader], nxt: int
) -> None:
    own = [h for h in headers if row.anchor < h.line < nxt]
    row.header = own[0] if own else None
    stop = row.header.line if row.header else nxt
    for n in range(row.anchor + 1, stop):
        text = ctx.text(n).strip()
        if not text or n in ctx.used:
            continue
        ctx.used.add(n)
        row.title.append((n, _take_unit_part(ctx, row, text)))
    row.title = [(n, t) for n, t in row.title if t]
    if row.header is None:
        return
    skip = set(row.header.consumed)
    for n in range(row.header.line + 1, nxt):
        text = ctx.text(n).strip()
        if text and n not in skip:
            row.comment.append(text)


def _take_unit_part(ctx: OcrContext, row: _Row, text: str) -> str:
    """Move a continuation of an unfinished ansvarig cell out of a title line."""
    if complete_unit(ctx, row.ansvarig) or not row.ansvarig:
        return text
    if "|" in text:
        title, _, unit = text.rpartition("|")
        row.ansvarig = f"{row.ansvarig} {unit.strip()}".strip()
        return title.strip()
    words = text.split()
    if words and complete_unit(ctx, words[-1]):
        row.ansvarig = f"{row.ansvarig} {words[-1]}"
        return " ".join(words[:-1])
    return text


def _emit(ctx: OcrContext, kind: str, row: _Row) -> None:
    for found in (row.prognos, row.status):
        if found is not None:
            ctx.record(found, row.anchor)
    title = " ".join(t for _, t in row.title)
    if row.status is None:
        ctx.issue(
            row.anchor,
            "unreadable",
            "items",
            row.status_text or ctx.text(row.anchor),
            f"status för '{title[:40]}' kunde inte läsas",
        )
    if not title:
        ctx.issue(
            row.anchor,
            "unreadable",
            "items",
            ctx.text(row.anchor),
            "uppdragets titel kunde inte läsas",
        )
    ctx.add(
        "items",
        row.anchor,
        goal=ctx.goal_for(row.anchor),
        kind=kind,
        title=title,
        ansvarig=row.ansvarig or None,
        prognos=row.prognos.canonical if row.prognos else None,
        slutdatum=row.date,
        status=row.status.canonical if row.status else None,
        comment=" ".join(row.comment) or None,
        comment_date=row.header.date if row.header else None,
        title_line=row.title[0][0] if row.title else None,
        comment_line=row.header.line if row.header else None,
    )
