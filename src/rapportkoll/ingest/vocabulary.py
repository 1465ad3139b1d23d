"""Tolerant matching of status words against a profile's vocabularies (OCR damage).

OCR turns 'Uppfyllt' into 'Uppfylit', 'Påbörjad' into 'Pabdrjad' and 'Oförändrad'
into 'Of6randrad'. Matching folds case and diacritics (``normalize.fold``), maps the
usual OCR confusions to one shape on both sides (ö/ó/é/6/0 → o, 1/I/| → l, rn → m,
...), then scores with an edit-distance ratio (rapidfuzz). A match keeps the text
as printed; when it was not an exact spelling the caller records a ``repairs`` row.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from rapportkoll.ingest.normalize import fold
from rapportkoll.model.text import SHORT

DEFAULT_MIN_SCORE = 0.8

# Characters OCR confuses, mapped to one representative (applied after fold()).
_CHAR_CONFUSIONS = str.maketrans(
    {
        "6": "o",
        "0": "o",
        "ø": "o",
        "d": "o",  # 'Pabdrjad' / 'Beddmning': 'ö' read as 'd'
        "1": "l",
        "i": "l",
        "j": "l",
        "|": "l",
        "!": "l",
        "é": "o",
        "&": "a",
        "@": "a",
    }
)
_MULTI_CONFUSIONS = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_NON_WORD = re.compile(r"[^\w ]+")

MAX_MATCHES = 1 << 16


def ocr_fold(text: str) -> str:
    """A matching key: fold(), then collapse characters OCR is known to confuse.

    The key is lossy on purpose (both the printed text and the spellings go through
    it), so it is only ever used for comparing, never shown. Short texts (words,
    cells, lines) recur and are memoised.
    """
    return _ocr_fold_short(text) if len(text) <= SHORT else _ocr_fold(text)


@functools.lru_cache(maxsize=1 << 16)
def _ocr_fold_short(text: str) -> str:
    return _ocr_fold(text)


def _ocr_fold(text: str) -> str:
    key = fold(text.replace("é", "o").replace("ó", "o"))
    for a, b in _MULTI_CONFUSIONS:
        key = key.replace(a, b)
    key = key.translate(_CHAR_CONFUSIONS)
    key = _NON_WORD.sub(" ", key)
    return " ".join(key.split())


@dataclass(frozen=True)
class VocabularyMatch:
    """A printed text read as one canonical vocabulary value."""

    field: str
    canonical: str
    original: str
    score: float
    exact: bool

    @property
    def repaired(self) -> bool:
        """True when the printed text is not itself a spelling (a repair to record)."""
        return not self.exact


class Vocabulary:
    """The vocabularies of one profile: field → canonical value → spellings."""

    def __init__(self, vocabularies: Mapping[str, Mapping[str, list[str]]]) -> None:
        self._spellings: dict[str, list[tuple[str, str, str]]] = {}
        self._matches: dict[tuple[str, str, float], VocabularyMatch | None] = {}
        for field, values in vocabularies.items():
            entries: list[tuple[str, str, str]] = []
            for canonical, spellings in values.items():
                for spelling in [canonical, *spellings]:
                    entries.append((canonical, fold(spelling), ocr_fold(spelling)))
            self._spellings[field] = entries

    @property
    def fields(self) -> list[str]:
        return list(self._spellings)

    def canonical_values(self, field: str) -> list[str]:
        return sorted({c for c, _, _ in self._spellings.get(field, [])})

    def match(
        self, field: str, text: str, min_score: float = DEFAULT_MIN_SCORE
    ) -> VocabularyMatch | None:
        """The best canonical value for ``text`` in ``field``, or None below min_score.

        A tie between two different canonical values at the best score is no match:
        the text cannot be read with confidence. Answers are remembered (the same
        cells recur).
        """
        key = (field, text, min_score)
        if key not in self._matches:
            if len(self._matches) >= MAX_MATCHES:
                self._matches.clear()
            self._matches[key] = self._match(field, text, min_score)
        return self._matches[key]

    def _match(self, field: str, text: str, min_score: float) -> VocabularyMatch | None:
        # Imported here: only OCR'd text is matched, and ``ocr`` needs ``ocr_fold``
        # (this module) to find out whether a text is OCR'd at all.
        from rapidfuzz import fuzz

        original = " ".join(text.split())
        folded = fold(original)
        key = ocr_fold(original)
        if not key:
            return None
        scored: list[tuple[float, bool, str]] = []
        for canonical, spelling, spelling_key in self._spellings.get(field, []):
            if folded == spelling:
                return VocabularyMatch(field, canonical, original, 1.0, True)
            score = 1.0 if key == spelling_key else fuzz.ratio(key, spelling_key) / 100
            scored.append((score, False, canonical))
        if not scored:
            return None
        scored.sort(key=lambda t: -t[0])
        best, _, canonical = scored[0]
        rivals = {c for s, _, c in scored if s == best}
        if best < min_score or len(rivals) > 1:
            return None
        # Unaccented printing of an accented spelling is not an OCR repair.
        exact = any(
            folded == spelling and c == canonical
            for c, spelling, _ in self._spellings[field]
        )
        return VocabularyMatch(field, canonical, original, round(best, 3), exact)

    def match_prefix(
        self, field: str, words: list[str], min_score: float = DEFAULT_MIN_SCORE
    ) -> tuple[VocabularyMatch, int] | None:
        """The best-matching leading run of ``words`` (up to 4; longer wins ties)."""
        return self._best_run(field, words, min_score, leading=True)

    def match_suffix(
        self, field: str, words: list[str], min_score: float = DEFAULT_MIN_SCORE
    ) -> tuple[VocabularyMatch, int] | None:
        """The best-matching trailing run of ``words`` (up to 4; longer wins ties)."""
        return self._best_run(field, words, min_score, leading=False)

    def _best_run(
        self, field: str, words: list[str], min_score: float, leading: bool
    ) -> tuple[VocabularyMatch, int] | None:
        best: tuple[VocabularyMatch, int] | None = None
        for n in range(min(4, len(words)), 0, -1):
            run = words[:n] if leading else words[-n:]
            found = self.match(field, " ".join(run), min_score)
            if found is not None and (best is None or found.score > best[0].score):
                best = (found, n)
        return best

    def split_pair(
        self, first: str, second: str, words: list[str], min_score: float = 0.75
    ) -> tuple[VocabularyMatch, VocabularyMatch] | None:
        """Read ``words`` as a ``first`` value followed by a ``second`` value.

        'Ej uppfylit Of6randrad' → (bedomning 'Ej uppfyllt', trend 'Oförändrad').
        The split with the best combined score wins.
        """
        best: tuple[float, VocabularyMatch, VocabularyMatch] | None = None
        for cut in range(1, len(words)):
            a = self.match(first, " ".join(words[:cut]), min_score)
            b = self.match(second, " ".join(words[cut:]), min_score)
            if a is None or b is None:
                continue
            total = a.score + b.score
            if best is None or total > best[0]:
                best = (total, a, b)
        return None if best is None else (best[1], best[2])
