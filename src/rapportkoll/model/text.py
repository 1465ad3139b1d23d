"""Text folding for tolerant comparison of names and vocabulary (case, diacritics)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")


SHORT = 200  # names, headings and vocabulary: short strings seen again and again


def fold(text: str) -> str:
    """Lower-case, strip diacritics (å→a, ö→o) and collapse whitespace."""
    # Short strings are memoised; whole texts are not (they would fill the cache).
    return _fold_short(text) if len(text) <= SHORT else _fold(text)


@lru_cache(maxsize=1 << 16)
def _fold_short(text: str) -> str:
    return _fold(text)


class _DropCombining(dict[int, str | None]):
    """``str.translate`` table deleting combining marks, filled on first sight."""

    def __missing__(self, key: int) -> str | None:
        char = chr(key)
        kept = self[key] = None if unicodedata.combining(char) else char
        return kept


_DROP_COMBINING = _DropCombining()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = decomposed.translate(_DROP_COMBINING)
    return _SPACE.sub(" ", bare).strip()
