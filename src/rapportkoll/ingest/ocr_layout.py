"""Where the structures of an OCR'd report start: goal headings and table headers."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from rapportkoll.ingest.normalize import fold
from rapportkoll.ingest.ocr_context import OcrContext
from rapportkoll.ingest.ocr_text import (
    goal_heading,
    matches_any,
    nonblank_after,
    tokens,
    words_key,
)

ITEM_HEADER_WORDS = ("ansvarig", "prognos", "slutdatum", "status", "slutforande")


@dataclass
class Layout:
    """Start lines (1-based) of each structure, by kind."""

    starts: dict[str, list[int]] = field(default_factory=dict)
    item_kind: dict[int, str] = field(default_factory=dict)
    # One past the last line: where the last structure ends (every caller loops to
    # next_start(), so an open end would be a loop over a billion empty lines).
    end: int = 10**9

    def add(self, kind: str, line: int) -> None:
        self.starts.setdefault(kind, []).append(line)

    def of(self, kind: str) -> list[int]:
        return self.starts.get(kind, [])

    def next_start(self, line: int, ignore: tuple[str, ...] = ("analysis",)) -> int:
        """The first structure start after ``line`` (the end of the text if none)."""
        later = [
            s
            for kind, starts in self.starts.items()
            if kind not in ignore
            for s in starts
            if s > line
        ]
        return min(later) if later else self.end


def find_layout(ctx: OcrContext) -> Layout:
    layout = Layout(end=len(ctx.lines) + 1)
    headings = ctx.profile.headings
    for number, text in enumerate(ctx.lines, start=1):
        if not text.strip():
            continue
        goal = goal_heading(text)
        if goal is not None:
            layout.add("goal", number)
            ctx.goal_at[number] = goal[0]
            continue
        kind = item_header_kind(ctx, number)
        if kind is not None:
            layout.add("items", number)
            layout.item_kind[number] = kind
        elif is_indicator_header(ctx, number):
            layout.add("indicators", number)
        elif matches_any(text, headings.get("matrix", []), 0.8):
            layout.add("matrix", number)
        elif matches_any(text, headings.get("goal_analysis", []), 0.8):
            layout.add("analysis", number)
        else:
            _finance_starts(ctx, layout, number, text)
    return layout


def _finance_starts(ctx: OcrContext, layout: Layout, number: int, text: str) -> None:
    stripped = text.strip()
    for table in ctx.profile.finance_tables:
        if any(fold(stripped).startswith(fold(h)) for h in table.heading) and (
            len(stripped.split()) <= 6
        ):
            layout.add(f"finance:{table.name}", number)
            return
    for kind in ("unit_comments", "investments", "sick_leave", "finance_section"):
        phrases = ctx.profile.headings.get(kind, [])
        if any(_whole_match(stripped, p) for p in phrases):
            layout.add(kind, number)
            return


def _whole_match(text: str, phrase: str) -> bool:
    """The whole line is the heading (OCR-tolerant), not just its start."""
    return fuzz.ratio(words_key(text), words_key(phrase)) >= 85


def item_header_kind(ctx: OcrContext, line: int) -> str | None:
    """'Uppdrag Ansvarig avdelning Prognos för …' (or the same printed column-wise)."""
    words = tokens(ctx.text(line))
    if not words or "/" in words[0]:
        return None
    found = ctx.vocab.match("kind", words[0], 0.85)
    if found is None:
        return None
    rest = fold(" ".join(words[1:]))
    if rest.startswith("ansvarig"):
        return found.canonical
    if rest:
        return None
    following = nonblank_after(ctx, line, 1)
    if following and fold(ctx.text(following[0])).startswith("ansvarig"):
        return found.canonical
    return None


def is_indicator_header(ctx: OcrContext, line: int) -> bool:
    phrases = ctx.profile.headings.get("indicator_table_header", ["Indikator"])
    text = ctx.text(line).strip()
    if any(fold(text).startswith(fold(p)) for p in phrases) and "ansvarig" in fold(
        text
    ):
        return True
    # Printed column by column: 'Utfall' / '2021' / 'Indikator' / '(KF)' …
    if fold(text) in ("utfall", "utfal"):
        nearby = [fold(ctx.text(n)) for n in nonblank_after(ctx, line, 3)]
        return any(n.startswith("indikator") for n in nearby)
    return False
