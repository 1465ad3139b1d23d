"""Prose lines of an OCR'd report (every line no table took), with their section."""

from __future__ import annotations

import re

from rapportkoll.ingest.ocr_context import OcrContext
from rapportkoll.ingest.ocr_layout import Layout
from rapportkoll.ingest.ocr_text import goal_heading, is_blank

_HEADING_MAX = 60
_DIGITS = re.compile(r"\d")


def is_heading_like(ctx: OcrContext, n: int) -> bool:
    """A short standalone line that starts with a capital and ends no sentence
    (after a blank line, or right under another such line: 'Ekonomiskt utfall och
    prognos' / 'Periodens utfall mot budget')."""
    if not _title_shaped(ctx.text(n)):
        return False
    previous = ctx.text(n - 1) if n > 1 else ""
    return (
        n == 1
        or is_blank(previous)
        or (_title_shaped(previous) and (n == 2 or is_blank(ctx.text(n - 2))))
    )


def _title_shaped(line: str) -> bool:
    text = line.strip().strip("*").strip()
    if not text or len(text) > _HEADING_MAX or _DIGITS.search(text):
        return False
    return text[0].isupper() and text[-1] not in ".,:;-|)"


def read_prose(ctx: OcrContext, layout: Layout) -> None:
    section: str | None = None
    for n, text in enumerate(ctx.lines, start=1):
        goal = goal_heading(text)
        if goal is not None:
            section = f"{goal[0]} {goal[1]}"
        elif n not in ctx.used and is_heading_like(ctx, n):
            section = text.strip().strip("*").strip()
        if n in ctx.used or is_blank(text):
            continue
        ctx.add("text_lines", n, text=text.strip(), section=section)
