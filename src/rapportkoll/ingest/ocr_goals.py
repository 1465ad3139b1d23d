"""Inriktningsmål in OCR text: heading, bedömning and trend, and the analysis."""

from __future__ import annotations

from rapportkoll.ingest.ocr_context import OcrContext
from rapportkoll.ingest.ocr_layout import Layout
from rapportkoll.ingest.ocr_text import goal_heading, is_blank, matches_any, tokens

_MAX_TITLE_LINES = 4


def read_goals(ctx: OcrContext, layout: Layout) -> None:
    for start in layout.of("goal"):
        _read_goal(ctx, layout, start)


def _is_assessment_header(ctx: OcrContext, text: str) -> bool:
    phrases = ctx.profile.headings.get("goal_assessment_header", ["Bedömning Trend"])
    first = [p.split()[0] for p in phrases]
    return matches_any(text, first, 0.7) and len(text.split()) <= 3


def _read_goal(ctx: OcrContext, layout: Layout, start: int) -> None:
    heading = goal_heading(ctx.text(start))
    if heading is None:
        return
    number, title = heading
    end = layout.next_start(start)
    ctx.used.add(start)
    line = start + 1
    parts = [title]
    while line < end and not _is_assessment_header(ctx, ctx.text(line)):
        text = ctx.text(line).strip()
        if text and len(parts) < _MAX_TITLE_LINES:
            parts.append(text.strip("* "))
            ctx.used.add(line)
        line += 1
    if line >= end:
        ctx.issue(start, "unreadable", "goals", ctx.text(start), "bedömning saknas")
        _add_goal(ctx, start, number, parts, None, None, None)
        return
    ctx.used.add(line)
    value_line, last_line, words = _assessment_words(ctx, line, end)
    pair = ctx.vocab.split_pair("bedomning", "trend", words) if words else None
    bedomning = trend = None
    if pair is None:
        ctx.issue(
            value_line or line,
            "unreadable",
            "goals",
            " ".join(words),
            f"bedömning och trend för mål {number} kunde inte läsas",
        )
    else:
        for found in pair:
            ctx.record(found, value_line or line)
        bedomning, trend = pair[0].canonical, pair[1].canonical
    analysis = _analysis(ctx, last_line + 1, end)
    _add_goal(ctx, start, number, parts, bedomning, trend, analysis)


def _assessment_words(
    ctx: OcrContext, header: int, end: int
) -> tuple[int | None, int, list[str]]:
    """Words of the bedömning/trend values (on one line or split over two)."""
    words: list[str] = []
    first: int | None = None
    last = header
    line = header + 1
    while line < end and len(words) < 6:
        text = ctx.text(line)
        if is_blank(text):
            line += 1
            continue
        if matches_any(text, ["Trend"], 0.8) and len(text.split()) == 1 and not words:
            ctx.used.add(line)
            line += 1
            continue
        if matches_any(text, ctx.profile.headings.get("goal_analysis", []), 0.8):
            break
        first = first or line
        last = line
        words.extend(w for w in tokens(text) if w != "|")
        ctx.used.add(line)
        if ctx.vocab.split_pair("bedomning", "trend", words) is not None:
            break
        line += 1
    return first, last, words


def _analysis(ctx: OcrContext, line: int, end: int) -> tuple[int, str] | None:
    """The analysis paragraph(s) after the header, or the first prose if none."""
    heading = ctx.profile.headings.get("goal_analysis", [])
    stop = end
    out: list[str] = []
    first: int | None = None
    for number in range(line, stop):
        text = ctx.text(number)
        if matches_any(text, heading, 0.8):
            ctx.used.add(number)
            continue
        if is_blank(text):
            continue
        first = first or number
        out.append(text.strip())
    return None if first is None else (first, " ".join(out))


def _add_goal(
    ctx: OcrContext,
    start: int,
    number: str,
    parts: list[str],
    bedomning: str | None,
    trend: str | None,
    analysis: tuple[int, str] | None,
) -> None:
    ctx.add(
        "goals",
        start,
        goal=number,
        title=" ".join(parts),
        bedomning=bedomning,
        trend=trend,
        analysis=None if analysis is None else analysis[1],
        analysis_line=None if analysis is None else analysis[0],
    )
