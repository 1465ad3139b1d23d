"""Reader for OCR'd text of Stratsys-style reports (damaged tokens, '|' cells).

OCR text differs from clean PDF text in ways that need their own reader: diacritics
dropped or misread (é/ó/6/0 for ö), '|' printed between cells, cells split over
lines, tables sometimes printed column by column, thousands groups glued. Each part
of the layout has its own module (``ocr_goals``, ``ocr_items``, ``ocr_matrix``,
``ocr_indicators``, ``ocr_finance``); words of the profile's vocabularies are
matched tolerantly (``vocabulary``) and every repair is recorded. A value that
cannot be read with confidence becomes an ``extraction_issues`` row instead.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from rapportkoll.ingest.ocr_context import OcrContext
from rapportkoll.ingest.ocr_finance import read_finance
from rapportkoll.ingest.ocr_goals import read_goals
from rapportkoll.ingest.ocr_indicators import read_indicators
from rapportkoll.ingest.ocr_items import read_items
from rapportkoll.ingest.ocr_layout import find_layout
from rapportkoll.ingest.ocr_matrix import read_matrix
from rapportkoll.ingest.ocr_meta import read_report
from rapportkoll.ingest.ocr_prose import read_prose
from rapportkoll.ingest.profile import Profile, available_profiles
from rapportkoll.ingest.source import Source
from rapportkoll.ingest.vocabulary import Vocabulary, ocr_fold
from rapportkoll.model.bundle import Bundle

_SWEDISH = set("åäöÅÄÖ")
# Clean Swedish prose has about 2-3 % å/ä/ö among its letters; OCR'd text far less.
_CLEAN_DIACRITIC_RATE = 0.012
_PIPE_LINE_RATE = 0.03


def detect_fraction(source: Source, profile: Profile) -> float:
    """Share of the profile's detect phrases found, tolerant of OCR damage."""
    if not profile.detect:
        return 0.0
    keys = [ocr_fold(line) for line in source.lines]
    text = " ".join(k for k in keys if k)
    hits = 0
    for phrase in profile.detect:
        key = ocr_fold(phrase)
        if key in text or fuzz.partial_ratio(key, text) >= 90:
            hits += 1
    return hits / len(profile.detect)


def ocr_likeness(source: Source) -> float:
    """0..1: how much the text looks OCR'd (few å/ä/ö, '|' cell separators)."""
    letters = sum(map(str.isalpha, source.text))
    if letters == 0:
        return 0.0
    swedish = sum(map(source.text.count, _SWEDISH)) / letters
    no_diacritics = max(0.0, 1.0 - swedish / _CLEAN_DIACRITIC_RATE)
    lines = [line for line in source.lines if line.strip()]
    pipes = sum("|" in line for line in lines) / max(1, len(lines))
    pipe_signal = min(1.0, pipes / _PIPE_LINE_RATE)
    return 0.6 * no_diacritics + 0.4 * pipe_signal


def _pick_profile(source: Source, profile: Profile | None) -> Profile | None:
    if profile is not None:
        return profile
    scored = [(detect_fraction(source, p), p.name, p) for p in available_profiles()]
    scored = [s for s in scored if s[0] > 0]
    return max(scored, key=lambda s: (s[0], s[1]))[2] if scored else None


class OcrReader:
    """TextReader for OCR'd Stratsys-template reports."""

    name = "ocr"

    def score(self, source: Source, profile: Profile | None) -> float:
        chosen = _pick_profile(source, profile)
        if chosen is None:
            return 0.0
        return round(detect_fraction(source, chosen) * ocr_likeness(source), 3)

    def read(self, source: Source, profile: Profile | None) -> Bundle:
        chosen = _pick_profile(source, profile)
        if chosen is None:
            chosen = Profile(name="none")
        ctx = OcrContext(
            source=source, profile=chosen, vocab=Vocabulary(chosen.vocabularies)
        )
        read_report(ctx)
        layout = find_layout(ctx)
        read_goals(ctx, layout)
        read_items(ctx, layout)
        read_matrix(ctx, layout)
        read_indicators(ctx, layout)
        read_finance(ctx, layout)
        read_prose(ctx, layout)
        return ctx.builder.build({source.path: source.lines})


READER = OcrReader()
