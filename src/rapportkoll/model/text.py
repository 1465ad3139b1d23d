"""Text folding for tolerant comparison of names and vocabulary (case, diacritics)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
    if _NOT_PLAIN.search(text) is None:
        # Only combining marks are not ASCII here: drop them at C speed.
        bare = decomposed.encode("ascii", "ignore").decode("ascii")
    else:
        bare = decomposed.translate(_DROP_COMBINING)
    return " ".join(bare.split())  # str.split's whitespace is regex \s's


def _plain_pattern() -> re.Pattern[str]:
    """Any character but ASCII and the Latin letters (up to U+017F) whose case fold
    decomposes into ASCII and combining marks alone. Case folding and NFKD work
    character by character (marks reordered among themselves only), so in text of
    such characters every non-ASCII character left is a combining mark."""

    def plain(char: str) -> bool:
        decomposed = unicodedata.normalize("NFKD", char.casefold())
        return all(c.isascii() or unicodedata.combining(c) for c in decomposed)

    kept = "".join(filter(plain, map(chr, range(0x80, 0x180))))
    return re.compile(f"[^\\x00-\\x7f{re.escape(kept)}]")


_NOT_PLAIN = _plain_pattern()
