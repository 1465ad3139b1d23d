"""Text folding for tolerant comparison of names and vocabulary (case, diacritics)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
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
    if _NOT_PLAIN.search(text) is None:
        bare = _plain_bare(text)
    else:
        # Folding goes character by character (see _plain_pattern), so runs of
        # plain characters take the fast path and only the others the table: a
        # report's text has a '–' or '§' here and there, not a run of them.
        parts = _NOT_PLAIN_RUN.split(text)  # plain, other, plain, …, plain
        bare = "".join(
            _other_bare(part) if i % 2 else _plain_bare(part)
            for i, part in enumerate(parts)
        )
    return " ".join(bare.split())  # str.split's whitespace is regex \s's


def _plain_bare(text: str) -> str:
    """Case-folded, decomposed and without combining marks, for text of plain
    characters: only combining marks are not ASCII there, dropped at C speed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _other_bare(text: str) -> str:
    """Case-folded, decomposed and without combining marks, for any text."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return decomposed.translate(_DROP_COMBINING)


def _plain_pattern() -> re.Pattern[str]:
    """Any character but ASCII and the Latin letters (up to U+017F) whose case fold
    decomposes into ASCII and combining marks alone. Case folding and NFKD work
    character by character (marks reordered among themselves only), so in text of
    such characters every non-ASCII character left is a combining mark. Marks are
    dropped, and the characters kept are never reordered, so text can be folded
    piece by piece as well."""

    def plain(char: str) -> bool:
        decomposed = unicodedata.normalize("NFKD", char.casefold())
        return all(c.isascii() or unicodedata.combining(c) for c in decomposed)

    kept = "".join(filter(plain, map(chr, range(0x80, 0x180))))
    return re.compile(f"[^\\x00-\\x7f{re.escape(kept)}]")


_NOT_PLAIN = _plain_pattern()
_NOT_PLAIN_RUN = re.compile(f"({_NOT_PLAIN.pattern}+)")


class SameLengthFold:
    """A per-character fold (one character to one) applied to text, its length
    kept, so a regex match on the folded text gives offsets into the original.

    Text of *plain* characters only (printable ASCII and Latin letters up to
    U+017F whose fold is what ``ascii_fold`` makes of them) is folded by
    ``ascii_fold`` at C speed: each of them is one ASCII character there, lower
    case and NFKD work per character, and dropped marks never move a letter.
    Other text goes through a ``str.translate`` table filled on first sight of
    each character.
    """

    def __init__(self, fold_char: Callable[[str], str]) -> None:
        self._table = _CharTable(fold_char)
        candidates = map(chr, [*range(0x20, 0x7F), *range(0xA0, 0x180)])
        plain = "".join(c for c in candidates if ascii_fold(c) == fold_char(c))
        self._not_plain = re.compile(f"[^{re.escape(plain)}]")

    def __call__(self, text: str) -> str:
        if self._not_plain.search(text) is None:
            return ascii_fold(text)
        return text.translate(self._table)


class _CharTable(dict[int, str]):
    """``str.translate`` table of a per-character fold, filled on first sight."""

    def __init__(self, fold_char: Callable[[str], str]) -> None:
        super().__init__()
        self._fold_char = fold_char

    def __missing__(self, key: int) -> str:
        folded = self[key] = self._fold_char(chr(key))
        return folded


def ascii_fold(text: str) -> str:
    """Lower case, decomposed, everything but ASCII dropped (C speed)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return decomposed.encode("ascii", "ignore").decode("ascii")
