"""Reader for OCR'd text of Stratsys-style reports (damaged tokens, '|' cells).

OCR text differs from clean PDF text in ways that need their own reader: diacritics
dropped or misread (é/ó/6/0 for ö), '|' printed between cells, cells split over
lines, tables sometimes printed column by column, thousands groups glued. Each part
of the layout has its own module (``ocr_goals``, ``ocr_items``, ``ocr_matrix``,
``ocr_indicators``, ``ocr_finance``), read in turn by ``ocr_read`` (imported only
when this reader is chosen); words of the profile's vocabularies are
matched tolerantly (``vocabulary``) and every repair is recorded. A value that
cannot be read with confidence becomes an ``extraction_issues`` row instead.
"""

from __future__ import annotations

from rapportkoll.ingest.profile import Profile, available_profiles
from rapportkoll.ingest.source import Source
from rapportkoll.ingest.vocabulary import ocr_fold
from rapportkoll.model.bundle import Bundle

_SWEDISH = set("åäöÅÄÖ")
# Clean Swedish prose has about 2-3 % å/ä/ö among its letters; OCR'd text far less.
_CLEAN_DIACRITIC_RATE = 0.012
_PIPE_LINE_RATE = 0.03
# Comfortably above the clean rate, so no rounding can make the signal positive.
_CLEARLY_CLEAN = 1.01 * _CLEAN_DIACRITIC_RATE


def detect_fraction(source: Source, profile: Profile) -> float:
    """Share of the profile's detect phrases found, tolerant of OCR damage."""
    return _fraction(_folded(source), profile)


def _folded(source: Source) -> str:
    keys = [ocr_fold(line) for line in source.lines]
    return " ".join(k for k in keys if k)


def _fraction(text: str, profile: Profile) -> float:
    if not profile.detect:
        return 0.0
    from rapidfuzz import fuzz  # only for text that looks OCR'd

    hits = 0
    for phrase in profile.detect:
        key = ocr_fold(phrase)
        if key in text or fuzz.partial_ratio(key, text) >= 90:
            hits += 1
    return hits / len(profile.detect)


def ocr_likeness(source: Source) -> float:
    """0..1: how much the text looks OCR'd (few å/ä/ö, '|' cell separators)."""
    text = source.text
    accented = sum(map(text.count, _SWEDISH))
    if "|" not in text and accented > _CLEARLY_CLEAN * len(text):
        return 0.0  # over the clean rate even among all characters, letters or not
    letters = sum(map(str.isalpha, text))
    if letters == 0:
        return 0.0
    swedish = accented / letters
    no_diacritics = max(0.0, 1.0 - swedish / _CLEAN_DIACRITIC_RATE)
    lines = [line for line in source.lines if line.strip()]
    pipes = sum("|" in line for line in lines) / max(1, len(lines))
    pipe_signal = min(1.0, pipes / _PIPE_LINE_RATE)
    return 0.6 * no_diacritics + 0.4 * pipe_signal


def _pick_profile(source: Source, profile: Profile | None) -> Profile | None:
    return profile if profile is not None else _pick(source, None)[0]


def _pick(source: Source, profile: Profile | None) -> tuple[Profile | None, float]:
    """The profile (given, or the one whose detect phrases match best) and the
    share of its detect phrases found; the text is folded once for all profiles."""
    text = _folded(source)
    if profile is not None:
        return profile, _fraction(text, profile)
    scored = [(_fraction(text, p), p.name, p) for p in available_profiles()]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        return None, 0.0
    best = max(scored, key=lambda s: (s[0], s[1]))
    return best[2], best[0]


class OcrReader:
    """TextReader for OCR'd Stratsys-template reports."""

    name = "ocr"

    def score(self, source: Source, profile: Profile | None) -> float:
        likeness = ocr_likeness(source)
        if likeness == 0.0:  # clean text: no need to fold it for the profile
            return 0.0
        chosen, fraction = _pick(source, profile)
        if chosen is None:
            return 0.0
        return round(fraction * likeness, 3)

    def read(self, source: Source, profile: Profile | None) -> Bundle:
        from rapportkoll.ingest.ocr_read import read_ocr

        chosen = _pick_profile(source, profile)
        return read_ocr(source, Profile(name="none") if chosen is None else chosen)


READER = OcrReader()
