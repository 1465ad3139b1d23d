"""Swedish printed numbers: parsing, precision and the interval a value stands for."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, pairwise

MINUS_SIGNS = "-−–‒"
_NUMBER_RE = re.compile(
    r"""^(?P<sign>[-−–‒+]\s?)?
        (?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)
        (?:(?P<sep>[.,])(?P<frac>\d+))?
        \s?(?P<unit>%|tkr|mnkr|kr)?$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Number:
    """A value as printed: its parsed value, the decimals printed and its unit."""

    value: float
    decimals: int
    printed: str
    unit: str | None = None

    @property
    def half_unit(self) -> float:
        """Half a unit of the last printed digit: the rounding a printed value hides."""
        return 0.5 * 10.0 ** (-self.decimals)

    @property
    def low(self) -> float:
        return self.value - self.half_unit

    @property
    def high(self) -> float:
        return self.value + self.half_unit


@lru_cache(maxsize=1 << 16)
def parse_number(text: str) -> Number | None:
    """Parse one Swedish-printed number ('-2 096', '4,5%', '296.0%', '− 6 279').

    Returns None when the text is not exactly one number.
    """
    raw = text.strip()
    if not raw:
        return None
    m = _NUMBER_RE.match(raw)
    if m is None:
        return None
    digits = _GROUP_SPACE.sub("", m.group("int"))
    frac = m.group("frac") or ""
    value = float(f"{digits}.{frac}" if frac else digits)
    sign = m.group("sign") or ""
    if sign and sign.strip() in MINUS_SIGNS:
        value = -value
    if value == 0:
        value = 0.0
    return Number(value=value, decimals=len(frac), printed=raw, unit=m.group("unit"))


def decimals_of(value: float) -> int:
    """Decimals needed to print a float computed from printed values (bounded)."""
    for d in range(0, 7):
        if math.isclose(round(value, d), value, abs_tol=1e-9):
            return d
    return 6


_TOKEN_RE = re.compile(
    r"^[-−–‒+]?\d{1,3}$|^[-−–‒+]?\d+(?:[.,]\d+)?%?$|^\d{3}(?:[.,]\d+)?%?$"
)


def _starts_number(token: str) -> bool:
    body = token.lstrip(MINUS_SIGNS + "+")
    return (
        bool(body)
        and body[0].isdigit()
        and not (len(body) > 1 and body[0] == "0" and body[1].isdigit())
    )


def _continues_number(token: str) -> bool:
    """A token may continue the previous number only as a group of exactly 3 digits."""
    body = token.rstrip("%")
    head = body.split(",")[0].split(".")[0]
    return len(head) == 3 and head.isdigit() and token[0].isdigit()


def segmentations(
    tokens: list[str], n_values: int, limit: int = 64
) -> list[list[Number]]:
    """Every way to read space-separated tokens as exactly ``n_values`` numbers.

    A printed row such as ``-2 096 -1 789 307`` is ambiguous digit by digit: the
    space is both the thousands separator and the cell separator. A number may
    only continue with a group of exactly three digits, a signed token always
    starts a new number, and a token with decimals or '%' ends one. The caller
    resolves what remains ambiguous from the table's structure.
    """
    return [numbers for _, numbers in segment(tokens, n_values, limit)]


def segment(
    tokens: Sequence[str], n_values: int, limit: int = 64
) -> list[tuple[tuple[int, ...], list[Number]]]:
    """``segmentations`` with the index of each number's first token."""
    if not tokens or n_values <= 0 or n_values > len(tokens):
        return []
    texts = tuple(tokens)
    shape = _starts(texts)
    if shape is None:
        return []
    forced, optional = shape
    extra = n_values - len(forced)
    if extra < 0:
        return []
    pieces: dict[tuple[int, int], Number | None] = {}
    results: list[tuple[tuple[int, ...], list[Number]]] = []
    for chosen in combinations(optional, extra):
        starts = tuple(sorted((*forced, *chosen)))
        numbers: list[Number] = []
        for a, b in pairwise((*starts, len(texts))):
            if (a, b) not in pieces:
                pieces[a, b] = parse_number(" ".join(texts[a:b]))
            number = pieces[a, b]
            if number is None:
                break
            numbers.append(number)
        if len(numbers) == n_values:
            results.append((starts, numbers))
            if len(results) >= limit:
                break
    return results


def start_counts(tokens: Sequence[str]) -> tuple[int, int] | None:
    """(tokens that must start a number, tokens that may), or None when the
    tokens cannot be read as numbers at all: ``segment`` into ``n`` numbers
    yields at most C(may, n - must) readings."""
    shape = _starts(tuple(tokens))
    return None if shape is None else (len(shape[0]), len(shape[1]))


@lru_cache(maxsize=4096)
def _starts(tokens: tuple[str, ...]) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """Where numbers in ``tokens`` must start, and where they may (the tokens that
    can start a number but could also continue the one before); None when a
    token that must start a number cannot."""
    traits = [_traits(t) for t in tokens]
    can_start = [starts for starts, _, _ in traits]
    must_start = [True] + [
        not continues or closes
        for (_, _, closes), (_, continues, _) in pairwise(traits)
    ]
    if not all(ok for ok, s in zip(can_start, must_start, strict=True) if s):
        return None
    forced = tuple(i for i, s in enumerate(must_start) if s)
    optional = tuple(i for i, s in enumerate(must_start) if not s and can_start[i])
    return forced, optional


@lru_cache(maxsize=1 << 14)
def _traits(token: str) -> tuple[bool, bool, bool]:
    """Whether a token can start a number, can continue the one before, and ends
    the number it is in (a '%' or decimals); rows repeat the same tokens."""
    closes = token.endswith("%") or _has_decimals(token)
    return _starts_number(token), _continues_number(token), closes


_DECIMALS_RE = re.compile(r"\d[.,]\d")
_GROUP_SPACE = re.compile(r"[ \u00a0\u202f]")


def _has_decimals(token: str) -> bool:
    return bool(_DECIMALS_RE.search(token))


def is_number_token(token: str) -> bool:
    """True for a token that can be (part of) a printed number."""
    return bool(_TOKEN_RE.match(token))
