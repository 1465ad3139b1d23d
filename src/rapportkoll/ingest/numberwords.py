"""Swedish number words ('tolv', 'tjugotre') and month names, for reading prose."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Final

_UNITS: Final = {
    "noll": 0,
    "en": 1,
    "ett": 1,
    "två": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "åtta": 8,
    "nio": 9,
}
_TEENS: Final = {
    "tio": 10,
    "elva": 11,
    "tolv": 12,
    "tretton": 13,
    "fjorton": 14,
    "femton": 15,
    "sexton": 16,
    "sjutton": 17,
    "arton": 18,
    "nitton": 19,
}
_TENS: Final = {
    "tjugo": 20,
    "trettio": 30,
    "fyrtio": 40,
    "femtio": 50,
    "sextio": 60,
    "sjuttio": 70,
    "åttio": 80,
    "nittio": 90,
}


def _all_words() -> dict[str, int]:
    words: dict[str, int] = {**_UNITS, **_TEENS, **_TENS, "hundra": 100}
    for tens, tens_value in _TENS.items():
        for unit, unit_value in _UNITS.items():
            if unit_value > 0 and unit != "en":
                words[tens + unit] = tens_value + unit_value
    # OCR and plain-ASCII text lose the diacritics ('tva', 'atta').
    bare = {_strip(w): v for w, v in words.items()}
    return {**bare, **words}


def _strip(word: str) -> str:
    return word.translate(str.maketrans("åäö", "aao"))


NUMBER_WORDS: Final[dict[str, int]] = _all_words()

# 'en'/'ett' are also the indefinite article: they count only where the words
# around them say so (see prose.py).
ARTICLE_WORDS: Final = frozenset({"en", "ett"})


@functools.cache
def number_word_re() -> re.Pattern[str]:
    """Any number word as a whole word, in any case (Unicode case rules).

    Compiled on first use: ``number_words`` needs it only for words with letters
    outside a-z and å/ä/ö, and compiling it costs more than a short report's prose.
    """
    return re.compile(
        r"(?<![\wåäö])("
        + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
        + r")(?![\wåäö])",
        re.IGNORECASE,
    )


# A whole word in number_word_re's sense: a maximal run of its word characters.
_RUN_RE: Final = re.compile(r"(?<![\wåäö])[\wåäö]+", re.IGNORECASE)
_PLAIN: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_åäöÅÄÖ"
)


def number_words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) of every number word in ``text``, as
    ``number_word_re().finditer`` finds them, but looked up in NUMBER_WORDS word by
    word instead of trying every alternative at every character.

    A match of number_word_re is a whole run of word characters (its lookarounds
    say so); a run of plain letters matches exactly when its lower case is a
    number word; any other run is left to the regex itself (Unicode case rules).
    """
    for m in _RUN_RE.finditer(text):
        run = m.group()
        if _PLAIN.issuperset(run):
            if run.lower() not in NUMBER_WORDS:
                continue
        elif number_word_re().fullmatch(run) is None:
            continue
        yield m.start(), m.end(), run


def _safe_text() -> re.Pattern[str]:
    """Text of printable ASCII, å/ä/ö and common typographic signs that are never
    word characters and lower-case to themselves: lower-casing such text keeps
    every character in place and every word a word."""
    signs = "\xa0–—‘’“”•…§€°"
    kept = "".join(c for c in signs if c.lower() == c and not _RUN_RE.match(c))
    return re.compile(f"[\\x20-\\x7eåäöÅÄÖ{re.escape(kept)}]*")


_SAFE_TEXT: Final = _safe_text()


def has_number_word(text: str) -> bool:
    """Whether ``number_words`` finds any in ``text``; for safe text (most) one
    lower-casing and a set test instead of a look-up per word."""
    if _SAFE_TEXT.fullmatch(text):
        return not NUMBER_WORDS.keys().isdisjoint(_RUN_RE.findall(text.lower()))
    return next(number_words(text), None) is not None


MONTH_NAMES: Final[tuple[str, ...]] = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
MONTH_NUMBERS: Final[dict[str, int]] = {
    name: i for i, name in enumerate(MONTH_NAMES, start=1)
}
MONTH_ABBREVIATIONS: Final = tuple(name[:3] for name in MONTH_NUMBERS)
MONTHS: Final = frozenset({*MONTH_NUMBERS, *MONTH_ABBREVIATIONS, "sept"})


def word_value(word: str) -> int | None:
    """The value of one Swedish number word, case-insensitively ('Tolv' → 12)."""
    return NUMBER_WORDS.get(word.casefold())


@functools.lru_cache(maxsize=1 << 12)
def month_number(word: str) -> int | None:
    """1..12 for a Swedish month name or its common abbreviation, else None
    (memoised: asked of the word next to every number in prose)."""
    folded = word.casefold().rstrip(".")
    if folded in MONTH_NUMBERS:
        return MONTH_NUMBERS[folded]
    for name, number in MONTH_NUMBERS.items():
        if len(folded) >= 3 and name.startswith(folded):
            return number
    return None
