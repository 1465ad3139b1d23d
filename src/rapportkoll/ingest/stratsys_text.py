"""Stratsys PDF text as blocks: broken cells joined, every character's line kept.

The PDF text extraction this reader serves has three habits the code relies on:

* a line that ends at a word boundary keeps one trailing space; a line without it
  was broken inside a word or number ('83.0' + '%', '10,5' + '2', 'Utfal' + 'l'),
  so continuation lines are joined with or without a space accordingly;
* paragraphs and multi-line table cells are separated by blank lines (blocks);
* the first line of a new page starts with one space and follows the last line of
  the previous page without a blank line; it starts a new block.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapportkoll.ingest.profile import Profile, per_profile
from rapportkoll.ingest.rows import SourceRows
from rapportkoll.model.bundle import TableBuilder
from rapportkoll.model.text import SameLengthFold


def _fold_char(char: str) -> str:
    low = char.casefold()
    if len(low) != 1:
        low = char.lower()
    base = unicodedata.normalize("NFKD", low)
    out = base[0] if base and len(low) == 1 else low
    return "".join(c if not c.isspace() else " " for c in out)


fold_same_length = SameLengthFold(_fold_char)
"""Case- and diacritic-folded text with the same length as the text (å→a, Ö→o),
so a regex match on the folded text gives offsets into the original."""


@dataclass(slots=True, eq=False)
class Span:
    """Text joined from source lines, with the source line of every character.

    Spans, lines and blocks are never changed once made; they are not frozen
    dataclasses only because those are slow to create (2.5x), and a report makes
    thousands.

    The lines are kept per run of characters from one line: run i starts at offset
    ``starts[i]`` (the first at 0, in increasing order) and comes from source line
    ``numbers[i]``; an empty text has no runs.
    """

    text: str
    starts: tuple[int, ...] = ()
    numbers: tuple[int, ...] = ()

    def line_at(self, offset: int) -> int:
        """The source line of the character at ``offset`` (clamped into the text)."""
        if not self.text:
            return 0
        offset = max(0, min(offset, len(self.text) - 1))
        return self.numbers[bisect.bisect_right(self.starts, offset) - 1]

    def slice(self, start: int, end: int) -> Span:
        begin, stop, _ = slice(start, end).indices(len(self.text))
        if stop <= begin:
            return Span("")
        first = bisect.bisect_right(self.starts, begin) - 1
        runs = [(0, self.numbers[first])]
        for at, number in zip(
            self.starts[first + 1 :], self.numbers[first + 1 :], strict=True
        ):
            if at >= stop:
                break
            runs.append((at - begin, number))
        return Span(self.text[begin:stop], *_unzip(runs))

    @classmethod
    def join(cls, parts: Sequence[Span], sep: str = " ") -> Span:
        """The parts joined by ``sep``; a separator belongs to the line of the
        character before it (or, with none yet, of the next part's first)."""
        text: list[str] = []
        runs: list[tuple[int, int]] = []
        length = 0
        last = 0  # the line of the last character so far
        for i, part in enumerate(parts):
            if i and sep:
                last = last if length else part.line_at(0)
                runs.append((length, last))
                text.append(sep)
                length += len(sep)
            runs.extend(
                (length + at, number)
                for at, number in zip(part.starts, part.numbers, strict=True)
            )
            if part.text:
                last = part.line_at(len(part.text) - 1)
            text.append(part.text)
            length += len(part.text)
        return cls("".join(text), *_unzip(runs))


def _unzip(runs: list[tuple[int, int]]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Run starts and line numbers as two tuples."""
    return tuple(at for at, _ in runs), tuple(number for _, number in runs)


@dataclass(slots=True, eq=False)
class Block:
    """Consecutive non-blank lines: a paragraph, a table cell or a table row.

    ``folded`` is ``fold_same_length`` of the text (offsets still match) and
    ``key`` the folded text with whitespace collapsed: every block is compared
    with headings and vocabularies, so both are made once, with the block.
    """

    numbers: tuple[int, ...]
    bodies: tuple[str, ...]
    span: Span
    page_start: bool
    folded: str = field(init=False)
    key: str = field(init=False)

    def __post_init__(self) -> None:
        self.folded = fold_same_length(self.span.text)
        self.key = " ".join(self.folded.split())

    @property
    def first(self) -> int:
        return self.numbers[0]

    @property
    def last(self) -> int:
        return self.numbers[-1]

    @property
    def text(self) -> str:
        return self.span.text


@dataclass(slots=True, eq=False)
class Line:
    """A source line: its number, the text without the line-end space, and whether
    the line ended at a word boundary."""

    number: int
    body: str
    soft_end: bool
    page_start: bool


def clean_lines(
    lines: Sequence[str], footer: re.Pattern[str] | None
) -> list[Line | None]:
    """Index i holds line i+1 cleaned, or None for a blank or page-footer line."""
    out: list[Line | None] = []
    previous_blank = True
    for number, raw in enumerate(lines, start=1):
        if not raw.strip() or (footer is not None and footer.search(raw)):
            out.append(None)
            previous_blank = True
            continue
        page_start = (
            raw.startswith(" ")
            and not raw[1:2].isspace()
            and (number == 1 or not previous_blank)
        )
        body = raw[1:] if page_start else raw
        soft = body[-1:].isspace()
        body = body[:-1] if soft else body
        out.append(Line(number, body, soft, page_start))
        previous_blank = False
    return out


def build_blocks(lines: Sequence[Line | None]) -> list[Block]:
    """Group cleaned lines into blocks and join each block's lines into one Span."""
    blocks: list[Block] = []
    current: list[Line] = []
    for line in [*lines, None]:
        if current and (line is None or line.page_start):
            blocks.append(_block(current))
            current = []
        if line is not None:
            current.append(line)
    return blocks


def split_block(
    blocks: list[Block], lines: Sequence[Line | None], i: int, k: int
) -> None:
    """Split ``blocks[i]`` before its k-th line (a heading printed right above the
    first line of what follows, without a blank line)."""
    block = blocks[i]
    own = [lines[n - 1] for n in block.numbers]
    head = [x for x in own[:k] if x is not None]
    rest = [x for x in own[k:] if x is not None]
    if head and rest:
        blocks[i : i + 1] = [_block(head), _block(rest)]


def _block(lines: Sequence[Line]) -> Block:
    """One block of ``lines``: bodies joined with a space after a soft line end (the
    space belongs to the line before it), without one after a break inside a word."""
    text: list[str] = []
    starts: list[int] = []
    length = 0
    for i, line in enumerate(lines):
        if i and lines[i - 1].soft_end:
            text.append(" ")
            length += 1
        starts.append(length)
        text.append(line.body)
        length += len(line.body)
    numbers = tuple(x.number for x in lines)
    return Block(
        numbers=numbers,
        bodies=tuple(x.body for x in lines),
        span=Span("".join(text), tuple(starts), numbers),
        page_start=lines[0].page_start,
    )


class Vocabulary:
    """The profile's vocabularies and headings, matched ignoring case and diacritics.

    One per profile (``vocabulary_for``): spellings, headings and patterns are
    folded and compiled on first use and kept.
    """

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self._patterns: dict[str, str] = {}
        self._spellings: dict[str, tuple[tuple[str, str], ...]] = {}
        self._lookups: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
        self._headings: dict[str, tuple[str, ...]] = {}
        self._regexes: dict[tuple[str, str], re.Pattern[str] | None] = {}

    def spellings(self, field: str) -> tuple[tuple[str, str], ...]:
        """(canonical, folded spelling) pairs, longest spelling first."""
        found = self._spellings.get(field)
        if found is None:
            pairs = [
                (canonical, fold_same_length(s).strip())
                for canonical, spellings in self.profile.vocabularies.get(
                    field, {}
                ).items()
                for s in [canonical, *spellings]
            ]
            found = tuple(sorted(set(pairs), key=lambda p: (-len(p[1]), p[1])))
            self._spellings[field] = found
        return found

    def alternation(self, field: str) -> str:
        if field not in self._patterns:
            alts = [
                re.escape(s).replace(r"\ ", r"\s+") for _, s in self.spellings(field)
            ]
            self._patterns[field] = "|".join(alts) if alts else "(?!x)x"
        return self._patterns[field]

    def canonical(self, field: str, text: str) -> str | None:
        """The canonical value whose spelling equals ``text`` (tolerant), else None:
        the first spelling (in ``spellings`` order) equal to the folded text, or to
        it without spaces."""
        exact, squeezed = self._lookup(field)
        key = folded(text)
        first = min(
            exact.get(key, _NOT_FOUND), squeezed.get(key.replace(" ", ""), _NOT_FOUND)
        )
        return None if first == _NOT_FOUND else self.spellings(field)[first][0]

    def _lookup(self, field: str) -> tuple[dict[str, int], dict[str, int]]:
        """Each folded spelling, and each without spaces, to its first index."""
        found = self._lookups.get(field)
        if found is None:
            exact: dict[str, int] = {}
            squeezed: dict[str, int] = {}
            for i, (_, spelling) in enumerate(self.spellings(field)):
                exact.setdefault(spelling, i)
                squeezed.setdefault(spelling.replace(" ", ""), i)
            found = self._lookups[field] = (exact, squeezed)
        return found

    def heading(self, key: str) -> tuple[str, ...]:
        found = self._headings.get(key)
        if found is None:
            found = tuple(
                fold_same_length(h).strip() for h in self.profile.headings.get(key, [])
            )
            self._headings[key] = found
        return found

    def is_heading(self, key: str, text: str, *, prefix: bool = False) -> bool:
        key_text = folded(text)
        if prefix:
            return key_text.startswith(self.heading(key))
        return key_text in self.heading(key)

    def setting(self, section: str, key: str, default: object = None) -> object:
        value = self.profile.extra.get(section, {})
        return value.get(key, default) if isinstance(value, Mapping) else default

    def setting_list(self, section: str, key: str) -> list[str]:
        value = self.setting(section, key, [])
        return [str(v) for v in value] if isinstance(value, list) else []

    def setting_regex(self, section: str, key: str) -> re.Pattern[str] | None:
        if (section, key) not in self._regexes:
            value = self.setting(section, key)
            self._regexes[section, key] = re.compile(str(value)) if value else None
        return self._regexes[section, key]


_NOT_FOUND = 1 << 30

vocabulary_for = per_profile(Vocabulary)
"""The one Vocabulary of a profile (built on first use)."""


def folded(text: str) -> str:
    """Folded text with whitespace collapsed (for comparisons, not offsets)."""
    return _folded_short(text) if len(text) <= SHORT else _folded(text)


SHORT = 200  # labels, headings and cells: short strings folded again and again


@functools.lru_cache(maxsize=1 << 15)
def _folded_short(text: str) -> str:
    return _folded(text)


def _folded(text: str) -> str:
    return " ".join(fold_same_length(text).split())


@dataclass
class Context(SourceRows):
    """What every part of the reader shares while reading one source."""

    path: str
    report: str
    vocab: Vocabulary
    blocks: list[Block]
    lines: list[Line | None]
    builder: TableBuilder
    organisation: str | None = None
    year: int | None = None
    consumed: set[int] = field(default_factory=set)
    known_ansvarig: set[str] = field(default_factory=set)

    def provenance(self) -> tuple[str, str]:
        return self.report, self.path

    def consume(self, block: Block) -> None:
        self.consumed.update(block.numbers)
