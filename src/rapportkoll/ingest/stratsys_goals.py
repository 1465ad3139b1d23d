"""Inriktningsmål with assessment, analysis and indicator tables (Stratsys PDF text)."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rapportkoll.ingest.cells import (
    CellRun,
    cell_run,
    choose,
    numeric_tail_start,
    readings,
    tokens_of,
)
from rapportkoll.ingest.profile import MAX_PROFILES
from rapportkoll.ingest.stratsys_items import (
    StopTest,
    continues_comment,
    item_kind,
    match_comment,
    parse_item_table,
)
from rapportkoll.ingest.stratsys_text import (
    Block,
    Context,
    Span,
    Vocabulary,
    fold_same_length,
    folded,
)

MAX_ROW_BLOCKS = 24


def goal_heading(ctx: Context, block: Block) -> re.Match[str] | None:
    pattern = ctx.vocab.setting_regex("stratsys", "goal_heading")
    return pattern.match(block.text.strip()) if pattern else None


def is_indicator_header(ctx: Context, block: Block) -> bool:
    return block.key.startswith(ctx.vocab.heading("indicator_table_header"))


def parse_goals(ctx: Context, start: int, end: int) -> None:
    """Walk the blocks of the goals section: goal headings, assessment, analysis,
    indicator tables and item tables, each attributed to the goal above it."""

    def stop(block: Block) -> bool:
        return (
            goal_heading(ctx, block) is not None
            or is_indicator_header(ctx, block)
            or item_kind(ctx, block) is not None
            or block.first >= ctx.blocks[end - 1].last + 1
        )

    goal: str | None = None
    i = start
    while i < end:
        block = ctx.blocks[i]
        if (m := goal_heading(ctx, block)) is not None:
            goal = m.group("number")
            i = _parse_goal(ctx, i, m, stop)
        elif is_indicator_header(ctx, block):
            i = parse_indicator_table(ctx, i, goal, stop)
        elif item_kind(ctx, block) is not None:
            i = parse_item_table(ctx, i, goal, stop)
        else:
            i += 1


def _parse_goal(ctx: Context, i: int, m: re.Match[str], stop: StopTest) -> int:
    """The goal's heading block, then 'Bedömning Trend', the assessment and analysis."""
    heading = ctx.blocks[i]
    ctx.consume(heading)
    j = i + 1
    while j < len(ctx.blocks) and j < i + 6 and not stop(ctx.blocks[j]):
        if ctx.vocab.is_heading("goal_assessment_header", ctx.blocks[j].text):
            break
        j += 1
    bedomning = trend = analysis = None
    analysis_line = None
    if j + 1 < len(ctx.blocks) and ctx.vocab.is_heading(
        "goal_assessment_header", ctx.blocks[j].text
    ):
        ctx.consume(ctx.blocks[j])
        assessed = split_assessment(ctx, ctx.blocks[j + 1].text)
        if assessed is not None:
            bedomning, trend = assessed
            ctx.consume(ctx.blocks[j + 1])
            j += 2
            if j < len(ctx.blocks) and not stop(ctx.blocks[j]):
                analysis, analysis_line = (
                    ctx.blocks[j].text.strip(),
                    ctx.blocks[j].first,
                )
                j += 1
        else:
            ctx.issue(
                ctx.blocks[j + 1].first,
                "unreadable",
                "goals",
                ctx.blocks[j + 1].text,
                "bedömning och trend kan inte läsas",
            )
            j += 1
    ctx.add(
        "goals",
        heading.first,
        goal=m.group("number"),
        title=" ".join(heading.text.strip()[m.start("title") :].split()),
        bedomning=bedomning,
        trend=trend,
        analysis=analysis,
        analysis_line=analysis_line,
    )
    return j


def split_assessment(ctx: Context, text: str) -> tuple[str, str | None] | None:
    """'Uppfyllt Ej utvärderad' -> ('Uppfyllt', 'Ej utvärderad')."""
    v = ctx.vocab
    m = _assessment_pattern(v).fullmatch(fold_same_length(text))
    if m is None:
        return None
    bed = v.canonical("bedomning", text[m.start("bed") : m.end("bed")])
    trend = m.group("trend") and v.canonical(
        "trend", text[m.start("trend") : m.end("trend")]
    )
    return (bed or m.group("bed")), trend or None


@functools.lru_cache(maxsize=MAX_PROFILES)
def _assessment_pattern(v: Vocabulary) -> re.Pattern[str]:
    return re.compile(
        rf"\s*(?P<bed>{v.alternation('bedomning')})(?:\s+(?P<trend>{v.alternation('trend')}))?\s*"
    )


# --- indicator tables --------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorHeader:
    """What an indicator table's header says: level, ansvarig column, value columns."""

    level: str | None
    has_ansvarig: bool
    columns: tuple[tuple[str, int | None], ...]


def parse_indicator_header(ctx: Context, start: int) -> tuple[IndicatorHeader, int]:
    """Join the header's broken cells ('Utfal' 'l', 'Progno' 's 2025') and read it."""
    header = _header_patterns(ctx.vocab)
    parts: list[str] = []
    j = start
    while j < len(ctx.blocks) and j < start + 30:
        parts.append(ctx.blocks[j].text)
        ctx.consume(ctx.blocks[j])
        j += 1
        if header.ends and folded(" ".join(parts)).endswith(header.ends):
            break
    text = folded(" ".join(parts))
    level = next((c for c, p in header.levels if p.search(text)), None)
    has_ansvarig = any(s in text for s in header.ansvarig)
    return IndicatorHeader(level, has_ansvarig, _value_columns(header, text)), j


@dataclass(frozen=True)
class _HeaderPatterns:
    """What an indicator table header is read with, folded and compiled once."""

    ends: tuple[str, ...]
    levels: tuple[tuple[str, re.Pattern[str]], ...]
    ansvarig: tuple[str, ...]
    columns: tuple[tuple[str, re.Pattern[str]], ...]


@functools.lru_cache(maxsize=MAX_PROFILES)
def _header_patterns(v: Vocabulary) -> _HeaderPatterns:
    def spellings(name: str) -> list[str]:
        return [folded(s) for s in v.profile.indicator_columns.get(name, [])]

    columns = []
    for name in ["utfall_period", "utfall_year", "mal", "prognos"]:
        alts = "|".join(re.escape(s) for s in spellings(name))
        if not alts:
            continue
        year_re = (
            r"\s+(?P<year>\d{4})"
            if name == "utfall_year"
            else r"(?:\s+(?P<year>\d{4}))?"
        )
        columns.append((name, re.compile(rf"(?<!\w)(?:{alts})(?!\w){year_re}")))
    return _HeaderPatterns(
        ends=tuple(spellings("trend")),
        levels=tuple(
            (canonical, re.compile(rf"\(\s*{re.escape(spelling)}\s*\)"))
            for canonical, spelling in v.spellings("level")
        ),
        ansvarig=tuple(spellings("ansvarig")),
        columns=tuple(columns),
    )


def _value_columns(
    header: _HeaderPatterns, text: str
) -> tuple[tuple[str, int | None], ...]:
    patterns = header.columns
    columns: list[tuple[str, int | None]] = []
    pos = 0
    while True:
        found = [
            (m.start(), k, name, m)
            for k, (name, p) in enumerate(patterns)
            if (m := p.search(text, pos))
        ]
        if not found:
            return tuple(columns)
        _, _, name, m = min(found, key=lambda f: (f[0], f[1]))
        year = int(m.group("year")) if m.group("year") else None
        columns.append((f"utfall_{year}" if name == "utfall_year" else name, year))
        pos = m.end()


def parse_indicator_table(
    ctx: Context, start: int, goal: str | None, stop: StopTest
) -> int:
    header, j = parse_indicator_header(ctx, start)
    if not header.columns:
        ctx.issue(
            ctx.blocks[start].first,
            "unreadable",
            "indicators",
            ctx.blocks[start].text,
            "indikatortabellens kolumner kan inte läsas",
        )
        return j
    pending: list[Block] = []
    while j < len(ctx.blocks) and not stop(ctx.blocks[j]):
        block = ctx.blocks[j]
        pending.append(block)
        j += 1
        tail = _tail(ctx, Span.join([b.span for b in pending]), pending)
        if tail is None:
            if len(pending) >= MAX_ROW_BLOCKS:
                break
            continue
        trend_block = None
        if tail[2] is None and j < len(ctx.blocks):
            trend = ctx.vocab.canonical("trend", ctx.blocks[j].text)
            if trend is not None:
                trend_block = ctx.blocks[j]
                tail = (tail[0], tail[1], trend)
                j += 1
        comment = None
        if j < len(ctx.blocks) and (comment := match_comment(ctx, ctx.blocks[j])):
            ctx.consumed.add(ctx.blocks[j].first)
            j += 1
            while j < len(ctx.blocks) and continues_comment(ctx.blocks[j]):
                comment = replace(comment, text=f"{comment.text} {ctx.blocks[j].text}")
                j += 1
        _emit_row(ctx, header, goal, pending, tail, comment)
        for b in pending:
            ctx.consume(b)
        if trend_block is not None:
            ctx.consume(trend_block)
        pending = []
    for block in pending:
        ctx.issue(
            block.first,
            "unreadable",
            "indicators",
            block.text,
            "indikatorrad utan bedömning kan inte läsas",
        )
    return j


@functools.lru_cache(maxsize=MAX_PROFILES)
def _tail_pattern(v: Vocabulary) -> re.Pattern[str]:
    return re.compile(
        rf"(?:^|\s)(?P<bed>{v.alternation('bedomning')})"
        rf"(?:\s+(?P<trend>{v.alternation('trend')}))?\s*$"
    )


def _tail(
    ctx: Context, span: Span, blocks: Sequence[Block]
) -> tuple[int, str, str | None] | None:
    """Where the bedömning (and trend) ending a row starts, and their values.
    ``span`` joins ``blocks`` with spaces (so its fold joins theirs)."""
    v = ctx.vocab
    m = _tail_pattern(v).search(" ".join(b.folded for b in blocks))
    if m is None:
        return None
    text = span.text
    bed = v.canonical("bedomning", text[m.start("bed") : m.end("bed")]) or m.group(
        "bed"
    )
    trend = None
    if m.group("trend"):
        trend = v.canonical("trend", text[m.start("trend") : m.end("trend")])
    return m.start("bed"), bed, trend


def _segments(blocks: Sequence[Block], span: Span, end: int) -> list[str]:
    """The text before ``end`` split where the row's blocks meet."""
    out: list[str] = []
    pos = 0
    for block in blocks:
        piece = span.text[pos : min(pos + len(block.text), end)].strip()
        if piece:
            out.append(" ".join(piece.split()))
        pos += len(block.text) + 1
        if pos >= end:
            break
    return out


def _split_name(ctx: Context, text: str) -> tuple[str, str | None]:
    """A name and ansvarig printed on one line: split at a known ansvarig, else
    after the name's last full stop."""
    for known in sorted(ctx.known_ansvarig, key=len, reverse=True):
        if folded(text).endswith(" " + folded(known)):
            return text[: len(text) - len(known)].strip(), text[
                len(text) - len(known) :
            ]
    head, dot, rest = text.rpartition(". ")
    if dot and rest.strip():
        return head + ".", rest.strip()
    return text, None


def _emit_row(
    ctx: Context,
    header: IndicatorHeader,
    goal: str | None,
    blocks: Sequence[Block],
    tail: tuple[int, str, str | None],
    comment: object,
) -> None:
    span = Span.join([b.span for b in blocks])
    bed_at, bedomning, trend = tail
    tokens = tokens_of(span.text, 0, bed_at)
    first_value = numeric_tail_start(tokens)
    prefix_end = tokens[first_value - 1].end if first_value else 0
    segments = _segments(blocks, span, prefix_end)
    starts, pos = [], 0
    for block in blocks:
        starts.append(pos)
        pos += len(block.text) + 1
    run = cell_run(
        span.text,
        tokens[first_value:],
        (prefix_end, bed_at),
        open_start=prefix_end == 0,
        open_end=False,
        breaks=starts[1:],
    )
    name, ansvarig, run = _name_and_ansvarig(ctx, header, segments, run)
    columns = [c for c, _ in header.columns]
    choice = choose(readings(run, len(columns)), columns, [])
    value_line = span.line_at(tokens[first_value].start if run.groups else bed_at)
    if not choice.resolved:
        issue = "ambiguous" if choice.candidates else "unreadable"
        ctx.issue(
            value_line,
            issue,
            "indicators",
            span.text[prefix_end:bed_at].strip(),
            f"indikatorn {name!r}: värdena kan inte läsas entydigt "
            f"({len(columns)} kolumner): {choice.message()}",
            " | ".join(c.describe() for c in choice.candidates[:3]),
        )
    if choice.reading is None:
        return
    for (column, year), cell in zip(header.columns, choice.reading.cells, strict=True):
        ctx.add(
            "indicators",
            value_line if cell is None else span.line_at(cell.start),
            goal=goal,
            level=header.level,
            indicator=name,
            ansvarig=ansvarig,
            column=column,
            year=year,
            value=math.nan if cell is None else cell.number.value,
            printed="" if cell is None else cell.number.printed,
            decimals=None if cell is None else cell.number.decimals,
            unit=None if cell is None else cell.number.unit,
            bedomning=bedomning,
            trend=trend,
            comment=getattr(comment, "text", None),
            comment_date=getattr(comment, "date", None),
            name_line=blocks[0].first,
            bedomning_line=span.line_at(bed_at),
        )


def _name_and_ansvarig(
    ctx: Context, header: IndicatorHeader, segments: list[str], run: CellRun
) -> tuple[str, str | None, CellRun]:
    """Name, ansvarig and the value run (an empty ansvarig cell taken off its front)."""
    if not header.has_ansvarig:
        return " ".join(segments), None, run
    if len(segments) >= 2:
        ctx.known_ansvarig.add(segments[-1])
        return " ".join(segments[:-1]), segments[-1], run
    text = segments[0] if segments else ""
    name, ansvarig = _split_name(ctx, text)
    if ansvarig is not None and folded(ansvarig) in {
        folded(k) for k in ctx.known_ansvarig
    }:
        return name, ansvarig, run
    if run.empties[0] >= 1:
        return text, None, CellRun(run.groups, (run.empties[0] - 1, *run.empties[1:]))
    return name, ansvarig, run
