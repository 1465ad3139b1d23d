"""Uppdrag and nämndinitiativ tables and their summary matrix (Stratsys PDF text)."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapportkoll.ingest.cells import (
    Choice,
    Relation,
    SumGroup,
    cell_run,
    choose,
    readings,
    resolve_by_sums,
    tokens_of,
)
from rapportkoll.ingest.profile import MAX_PROFILES
from rapportkoll.ingest.stratsys_text import (
    Block,
    Context,
    Span,
    Vocabulary,
    fold_same_length,
    folded,
)

StopTest = Callable[[Block], bool]
"""Which blocks end a table inside the goals section (given by the goals parser)."""


@dataclass(frozen=True)
class StatusLine:
    """The cells of an item's status line: [ansvarig] prognos slutdatum status."""

    ansvarig: str
    prognos: str
    slutdatum: str
    status: str
    line: int


@functools.lru_cache(maxsize=MAX_PROFILES)
def status_pattern(v: Vocabulary) -> re.Pattern[str]:
    """The status line: [ansvarig] prognos date status, on folded text."""
    return re.compile(
        rf"^(?P<pre>.*?)\s*(?<!\S)(?P<prognos>{v.alternation('prognos')})\s+"
        rf"(?P<date>\d{{4}}-\d{{2}}-\d{{2}})\s+(?P<status>{v.alternation('status')})\s*$"
    )


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def match_status(ctx: Context, block: Block) -> StatusLine | None:
    text = block.text
    folded = block.folded
    if "-" not in folded or _DATE.search(folded) is None:  # no slutdatum
        return None
    m = status_pattern(ctx.vocab).match(folded)
    if m is None:
        return None
    prognos = ctx.vocab.canonical(
        "prognos", text[m.start("prognos") : m.end("prognos")]
    )
    status = ctx.vocab.canonical("status", text[m.start("status") : m.end("status")])
    return StatusLine(
        ansvarig=text[: m.end("pre")].strip(),
        prognos=prognos or text[m.start("prognos") : m.end("prognos")],
        slutdatum=m.group("date"),
        status=status or text[m.start("status") : m.end("status")],
        line=block.span.line_at(m.start("date")),
    )


def item_kind(ctx: Context, block: Block) -> str | None:
    """The kind of an item table whose header is ``block`` ('Uppdrag Ansvarig …')."""
    text = block.key
    if not any(h in text for h in ctx.vocab.heading("item_table_header")):
        return None
    for canonical, spelling in ctx.vocab.spellings("kind"):
        if text.startswith(spelling + " "):
            return canonical
    return None


def collect_known_ansvarig(ctx: Context) -> None:
    """Learn the report's ansvarig names from item status lines (printed alone or
    before the prognos), so rows printing name and ansvarig on one line can be split."""
    for i, block in enumerate(ctx.blocks):
        status = match_status(ctx, block)
        if status is None:
            continue
        if status.ansvarig:
            ctx.known_ansvarig.add(status.ansvarig)
        elif i > 0 and len(ctx.blocks[i - 1].text) < 60:
            ctx.known_ansvarig.add(ctx.blocks[i - 1].text.strip())


@dataclass(frozen=True)
class Comment:
    text: str
    date: str | None
    line: int


def match_comment(ctx: Context, block: Block) -> Comment | None:
    """'Senaste kommentar (2025-04-30):' and the text below it, if ``block`` is one."""
    first = block.bodies[0]
    if not any(folded(first).startswith(h) for h in ctx.vocab.heading("comment")):
        return None
    pattern = ctx.vocab.setting_regex("stratsys", "comment_date")
    m = pattern.search(first) if pattern else None
    head = first.split(":", 1)
    rest_of_first = head[1].strip() if len(head) > 1 else ""
    body = block.span.slice(len(first), len(block.text)).text.strip()
    text = " ".join(t for t in (rest_of_first, body) if t)
    return Comment(text, m.group("date") if m else None, block.first)


def continues_comment(block: Block) -> bool:
    """A new page's first block that starts in lower case continues the comment."""
    return block.page_start and block.text[:1].islower()


def parse_item_table(ctx: Context, start: int, goal: str | None, stop: StopTest) -> int:
    """Read the item table whose header block is ``ctx.blocks[start]``; returns the
    index of the first block after it."""
    blocks = ctx.blocks
    kind = item_kind(ctx, blocks[start]) or ""
    j = _skip_header(ctx, start)
    pending: list[Block] = []
    while j < len(blocks) and not stop(blocks[j]):
        block = blocks[j]
        status = match_status(ctx, block)
        j += 1
        if status is None:
            pending.append(block)
            continue
        comment: Comment | None = None
        if j < len(blocks) and (comment := match_comment(ctx, blocks[j])) is not None:
            ctx.consumed.add(blocks[j].first)
            while j + 1 < len(blocks) and continues_comment(blocks[j + 1]):
                j += 1
                comment = Comment(
                    f"{comment.text} {blocks[j].text}", comment.date, comment.line
                )
            j += 1
        _emit_item(ctx, kind, goal, pending, block, status, comment)
        pending = []
    for block in pending:
        ctx.issue(
            block.first,
            "unreadable",
            "items",
            block.text,
            "text i uppdragstabellen utan statusrad (prognos, slutdatum, status)",
        )
    return j


def _skip_header(ctx: Context, start: int) -> int:
    ends = ctx.vocab.heading("item_table_header_end")
    j = start
    while j < len(ctx.blocks) and j < start + 4:
        ctx.consume(ctx.blocks[j])
        if any(folded(ctx.blocks[j].text).endswith(e) for e in ends):
            return j + 1
        j += 1
    return start + 1


def _emit_item(
    ctx: Context,
    kind: str,
    goal: str | None,
    pending: Sequence[Block],
    block: Block,
    status: StatusLine,
    comment: Comment | None,
) -> None:
    texts = [b for b in pending if b.text.strip()]
    ansvarig: str | None = status.ansvarig or None
    if ansvarig is None and len(texts) >= 2:
        ansvarig, texts = texts[-1].text.strip(), texts[:-1]
    for b in (*pending, block):
        ctx.consume(b)
    if not texts:
        ctx.issue(
            status.line,
            "unreadable",
            "items",
            block.text,
            "statusrad utan titel på uppdraget/initiativet",
        )
        return
    ctx.add(
        "items",
        status.line,
        goal=goal,
        kind=kind,
        title=" ".join(b.text.strip() for b in texts),
        ansvarig=ansvarig,
        prognos=status.prognos,
        slutdatum=status.slutdatum,
        status=status.status,
        comment=comment.text if comment else None,
        comment_date=comment.date if comment else None,
        title_line=texts[0].first,
        comment_line=comment.line if comment else None,
    )


# --- the summary matrix ------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    kind: str
    status: str
    span: Span
    choice: Choice


@functools.lru_cache(maxsize=MAX_PROFILES)
def _matrix_label_pattern(v: Vocabulary) -> re.Pattern[str]:
    return re.compile(
        rf"(?P<kind>{v.alternation('kind')})\s+(?P<status>{v.alternation('status')})"
        r"(?=\s|$)"
    )


def _matrix_label(ctx: Context, text: str) -> tuple[str, str, int] | None:
    v = ctx.vocab
    f = fold_same_length(text)
    m = _matrix_label_pattern(v).match(f)
    if m:
        kind = v.canonical("kind", text[m.start("kind") : m.end("kind")]) or m.group(
            "kind"
        )
        status = v.canonical("status", text[m.start("status") : m.end("status")])
        return kind, status or m.group("status"), m.end()
    for total in ctx.vocab.setting_list("stratsys", "matrix_total_row"):
        t = fold_same_length(total)
        if f.startswith(t) and f[len(t) : len(t) + 1] in ("", " "):
            return "total", "total", len(t)
    return None


def parse_matrix(ctx: Context, start: int) -> int:
    """Read the matrix after its heading block ``start``; returns the next index."""
    columns = ctx.vocab.setting_list("stratsys", "matrix_columns")
    relations = [
        Relation.parse(r)
        for r in ctx.vocab.setting_list("stratsys", "matrix_relations")
    ]
    rows: list[MatrixRow] = []
    j = start + 1
    ctx.consume(ctx.blocks[start])
    while j < len(ctx.blocks) and j < start + 40:
        block = ctx.blocks[j]
        label = _matrix_label(ctx, block.text)
        if label is None and rows:
            break
        j += 1
        if label is None:
            ctx.consume(block)
            continue
        text = block.text
        run = cell_run(
            text,
            tokens_of(text, label[2]),
            (label[2], len(text)),
            open_start=False,
            open_end=True,
        )
        ctx.consume(block)
        if not run.groups and not any(run.empties):
            continue
        choice = choose(readings(run, len(columns)), columns, relations)
        rows.append(MatrixRow(label[0], label[1], block.span, choice))
    _emit_matrix(ctx, rows, columns)
    return j


def _emit_matrix(
    ctx: Context, rows: Sequence[MatrixRow], columns: Sequence[str]
) -> None:
    totals = [i for i, r in enumerate(rows) if r.kind == "total"]
    parts = tuple(i for i, r in enumerate(rows) if r.kind != "total")
    groups = [SumGroup(parts, t, tuple(range(len(columns)))) for t in totals]
    choices = resolve_by_sums([r.choice for r in rows], groups)
    for row, choice in zip(rows, choices, strict=True):
        line = row.span.line_at(0)
        if not choice.resolved:
            issue = "ambiguous" if choice.candidates else "unreadable"
            ctx.issue(
                line,
                issue,
                "item_matrix",
                row.span.text,
                f"matrisraden kan inte läsas entydigt: {choice.message()}",
                " | ".join(c.describe() for c in choice.candidates[:3]),
            )
        if choice.reading is None:
            continue
        for column, cell in zip(columns, choice.reading.cells, strict=True):
            ctx.add(
                "item_matrix",
                line if cell is None else row.span.line_at(cell.start),
                kind=row.kind,
                status=row.status,
                column=column,
                value=math.nan if cell is None else cell.number.value,
                printed="" if cell is None else cell.number.printed,
                decimals=None if cell is None else cell.number.decimals,
            )
