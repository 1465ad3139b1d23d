"""Matching an object named in prose ('höjdfordonet') to a row label of a table."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from rapportkoll.model.text import fold

# Swedish definite and plural endings, longest first: 'fordonet' → 'fordon'.
_ENDINGS = ("arna", "erna", "orna", "ena", "en", "et", "na", "n", "t")
_TOKEN = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """The word without a definite or plural ending (kept at least 4 letters)."""
    folded = fold(word)
    for ending in _ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= 4:
            return folded[: -len(ending)]
    return folded


def names_object(label: str, word: str) -> bool:
    """Whether a row label names the object: a word of it starts with the stem, or
    is spelled nearly like it (OCR: 'héjdfordonet' for 'höjdfordonet')."""
    key = stem(word)
    if len(key) < 4:
        return False
    for token in _TOKEN.findall(fold(label)):
        if len(token) >= 4 and token.startswith(key):
            return True
        if len(token) >= 0.8 * len(key) and key.startswith(token):
            return True  # 'tankbil' for 'tankbilarna' stemmed short
        if len(token) >= 4 and fuzz.ratio(key, token[: len(key) + 1]) >= 85:
            return True
    return False


def match_object(subject: str, candidates: list[str]) -> str | None:
    """The one candidate label naming the object; None when none or several do."""
    words = subject.split()
    if not words:
        return None
    hits = [c for c in candidates if names_object(c, words[-1])]
    return hits[0] if len(hits) == 1 else None
