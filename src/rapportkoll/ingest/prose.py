"""Claims in prose: every amount, percentage and count a sentence states, and its words.

A claim keeps the line its number was printed on, the sentence around it, the
unit, a direction (överskott/underskott, positiv/negativ …), the measure the
profile's ``claim_subjects`` phrases bind it to, and the subject it counts.

Words are assigned to numbers by distance: a direction word or a measure phrase
belongs to the number nearest to it in the same sentence, so "ett underskott om
2,9 mnkr på intäktssidan och ett överskott om 17,8 mnkr på kostnadssidan" binds
each number to its own words.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Final

from rapportkoll.ingest.normalize import fold
from rapportkoll.ingest.numberwords import (
    ARTICLE_WORDS,
    has_number_word,
    month_number,
    number_words,
    word_value,
)
from rapportkoll.ingest.profile import Profile, per_profile
from rapportkoll.model.tables import TABLES, Row
from rapportkoll.model.text import SameLengthFold

if TYPE_CHECKING:  # only the frame-to-frame wrapper for tests takes a frame
    import pandas as pd

# --- vocabulary of the language (not of a template) ---------------------------------

UNITS: Final[dict[str, str]] = {
    "%-enheter": "%-enheter",
    "procentenheter": "%-enheter",
    "procentenhet": "%-enheter",
    "%": "%",
    "procent": "%",
    "miljoner kronor": "mnkr",
    "miljarder kronor": "mdkr",
    "tusen kronor": "tkr",
    "kronor": "kr",
    "mnkr": "mnkr",
    "mkr": "mnkr",
    "mdkr": "mdkr",
    "tkr": "tkr",
    "kkr": "tkr",
    "kr": "kr",
}
_UNIT_RE: Final = re.compile(
    r"\s?("
    + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
    + r")"
    r"(?![\wåäö])",
    re.IGNORECASE,
)
MONEY_UNITS: Final = frozenset({"kr", "tkr", "mnkr", "mdkr"})

POSITIVE: Final = ("överskott", "positiv", "högre", "ökning", "ökat", "ökade", "plus")
NEGATIVE: Final = ("underskott", "negativ", "lägre", "minskning", "minskat", "minskade")

COUNT_NOUNS: Final[dict[str, tuple[str, ...]]] = {
    "uppdrag": ("uppdrag", "uppdraget", "uppdragen"),
    "nämndinitiativ": (
        "nämndinitiativ",
        "nämndinitiativet",
        "nämndinitiativen",
        "nämndsinitiativ",
        "nämndsinitiativet",
        "nämndsinitiativen",
    ),
    "initiativ": ("initiativ", "initiativet", "initiativen"),
    "inriktningsmål": ("inriktningsmål", "inriktningsmålet", "inriktningsmålen"),
    "indikatorer": ("indikator", "indikatorn", "indikatorer", "indikatorerna"),
    "målområden": ("målområde", "målområdet", "målområden", "målområdena"),
    "verksamhetsmål": ("verksamhetsmål", "verksamhetsmålet", "verksamhetsmålen"),
    "mål": ("mål", "målet", "målen"),
    "projekt": ("projekt", "projektet", "projekten"),
}

# An amount said of a named object ("Senaste prognos för höjdfordonet är 11,6 mnkr"):
# the rule binds the object named after 'för' to a table row (an investment).
AMOUNT_MEASURES: Final[dict[str, tuple[str, ...]]] = {
    "objekt_prognos": ("senaste prognos för", "prognosen för", "prognos för"),
    "objekt_budget": ("budget för", "budgeten för"),
}

COUNT_MEASURES: Final[dict[str, tuple[str, ...]]] = {
    "enligt_plan": ("enligt plan", "enligt beslutad plan", "enligt tidplan"),
    "avvikelse": (
        "avviker från plan",
        "senare än planerat",
        "avviker från",
        "avviker",
        "försenade",
        "försenats",
        "försenat",
        "försenad",
    ),
    "status_slutford": ("klara", "slutförda", "slutfört", "genomförda", "genomfört"),
    "status_paborjad": ("påbörjade", "påbörjat", "påbörjad"),
    "status_ej_paborjad": (
        "inte påbörjat",
        "ej påbörjat",
        "inte påbörjad",
        "ej påbörjad",
    ),
    "uppfyllt": (
        "når måluppfyllelse",
        "bedöms uppfyllas",
        "uppnås",
        "nås",
        "uppfylls",
        "förväntas nå",
        "bedöms nå",
        "prognostiseras nå",
        "kommer nå",
        "kommer att nå",
        "når uppsatt",
        "når uppsatta",
    ),
    "ej_uppfyllt": (
        "inte nås",
        "inte bedöms uppfyllas",
        "ej uppnåtts",
        "inte når",
        "når inte",
        "inte nå",
        "inte förväntas nå",
        "kommer inte nå",
        "kommer inte att nå",
    ),
    "ej_bedomd": (
        "inte kunna redovisas",
        "kan inte redovisas",
        "saknar jämförelsesiffror",
        "saknar målvärde",
        "saknar prognos",
    ),
    "struken": ("struket", "struken", "strukna"),
}


def _folded(words: str) -> frozenset[str]:
    """The folded forms of whitespace-separated words."""
    return frozenset(fold(w) for w in words.split())


# A number right after one of these words is a reference ("målområde 2"), not a claim.
REFERENCE_WORDS: Final = _folded(
    """målområde målområdet inriktningsmål inriktningsmålet mål bilaga bilagan tabell
    tabellen avsnitt kapitel sida sidan punkt nr nummer § prognos vecka kvartal
    tertial version etapp fas steg rad kolumn lagen kl klockan"""
)
# Words after a number that are not the thing it counts.
NOT_SUBJECT: Final = _folded(
    """är var blir blev har hade kommer ska skall kan bör av och samt eller i på till
    för med som mot per om under efter vid från inom utan men de den det dessa st
    stycken totalt sammantaget beräknas bedöms förväntas föreslås dem dom vilka ej
    inte nu redan olika mindre fler färre övriga nya stora större"""
)
SENTENCE_START_STOP: Final = _folded(
    """det den detta dessa de periodens av inom för under i vid efter även dessutom
    totalt samtliga en ett som men och samt om när då"""
)
VERBS: Final = _folded(
    """redovisar redovisade prognostiserar prognostiserade har hade är var visar visade
    beror uppgår uppgick gör arbetar bedöms bedömer förväntas kommer ska blir blev
    uppvisar"""
)

_NUM_RE: Final = re.compile(
    r"(?<![\wåäö.,/:\-−–])"
    r"(?P<sign>[+\-−–]\s?)?"
    r"(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)*)"
    r"(?![\wåäö]|[\-−–:/]\w|[.,]\d)"
)
_SENTENCE_END: Final = re.compile(r"(?<=[.!?])\s+(?=[\"”]?[A-ZÅÄÖ])")
_WORD_RE: Final = re.compile(r"[\wåäöÅÄÖéü§%-]+")
_BULLET_RE: Final = re.compile(r"^\s*(?:[-*•–]\s+)")


@dataclass
class _Paragraph:
    report: str
    file: str
    text: str = ""
    starts: list[tuple[int, int, Any, Any]] = field(default_factory=list)
    line_starts: set[int] = field(default_factory=set)

    def add(self, line: int, text: str, sheet: Any, section: Any) -> None:
        if self.text:
            self.text += " "
        offset = len(self.text)
        bullet = _BULLET_RE.match(text)
        if bullet:
            text = " " * bullet.end() + text[bullet.end() :]
        self.starts.append((offset, line, sheet, section))
        self.line_starts.add(offset + len(text) - len(text.lstrip()))
        self.text += text

    def at(self, pos: int) -> tuple[int, Any, Any]:
        found = self.starts[0]
        for start in self.starts:
            if start[0] > pos:
                break
            found = start
        return found[1], found[2], found[3]


@dataclass
class _Num:
    start: int
    end: int
    value: float
    decimals: int
    printed: str
    unit: str | None = None
    signed: bool = False
    word: bool = False
    kind: str = "count"
    subject: str | None = None
    of_total: float | None = None
    measure: str | None = None
    direction: int | None = None
    varav: bool = False


def extract_claims(text_lines: pd.DataFrame, profile: Profile | None) -> pd.DataFrame:
    """The canonical ``claims`` table of what a ``text_lines`` frame states."""
    columns = list(TABLES["text_lines"].columns)
    lines = text_lines.reindex(columns=columns).itertuples(index=False, name=None)
    return TABLES["claims"].frame(claim_rows(list(lines), profile))


def claim_rows(text_lines: Iterable[Row], profile: Profile | None) -> list[Row]:
    """Claims (rows of the canonical ``claims`` table) stated in ``text_lines`` rows."""
    vocab = _Vocabulary.from_profile(profile)
    columns = TABLES["claims"].columns
    rows: list[Row] = []
    for paragraph in _paragraphs(text_lines):
        for claim in _paragraph_claims(paragraph, vocab):
            rows.append(tuple(map(claim.get, columns)))
    return rows


_Phrases = tuple[tuple[re.Pattern[str], Any], ...]
"""(compiled phrase, label) pairs, searched for in order."""


@dataclass(frozen=True)
class _Vocabulary:
    """Phrases folded for matching, from the language defaults and the profile.

    ``measures`` bind amounts and percentages; ``count_phrases`` (the count
    measures, then ``measures``) bind counts. Built once per profile.
    """

    measures: _Phrases
    count_phrases: _Phrases
    count_nouns: _Nouns

    @classmethod
    def from_profile(cls, profile: Profile | None) -> _Vocabulary:
        """The vocabulary of ``profile`` (or of the language alone), built once."""
        return _vocabulary_for(profile)

    @classmethod
    def build(cls, profile: Profile | None) -> _Vocabulary:
        subjects = profile.claim_subjects if profile else {}
        prose = (profile.extra.get("prose") or {}) if profile else {}
        nouns: dict[str, tuple[str, ...]] = {**COUNT_NOUNS}
        nouns.update({k: tuple(v) for k, v in prose.get("count_nouns", {}).items()})
        counts: dict[str, tuple[str, ...]] = {**COUNT_MEASURES}
        counts.update({k: tuple(v) for k, v in prose.get("count_measures", {}).items()})
        measures = _phrases({**AMOUNT_MEASURES, **subjects})
        return cls(
            measures=_compiled(measures),
            count_phrases=_compiled(_phrases(counts) + measures),
            count_nouns=_Nouns(nouns),
        )


_vocabulary_for = per_profile(_Vocabulary.build)


MAX_SEEN_WORDS = 1 << 16


class _Nouns(Mapping[str, str]):
    """Folded noun form → what it counts; OCR'd forms ('ndmndinitiativ') too."""

    def __init__(self, nouns: Mapping[str, Iterable[str]]) -> None:
        self._exact = {fold(f): c for c, forms in nouns.items() for f in forms}
        self._ocr = [
            (re.compile("|".join(ocr_pattern(f) for f in forms)), c)
            for c, forms in nouns.items()
        ]
        self.counted = frozenset(self._exact.values())
        self._seen: dict[str, str | None] = {}

    def get_noun(self, word: str) -> str | None:
        """What ``word`` counts, or None (remembered: words recur)."""
        if word in self._exact:
            return self._exact[word]
        if word not in self._seen:
            if len(self._seen) >= MAX_SEEN_WORDS:
                self._seen.clear()
            self._seen[word] = next(
                (noun for pattern, noun in self._ocr if pattern.fullmatch(word)), None
            )
        return self._seen[word]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get_noun(word) is not None

    def __getitem__(self, word: str) -> str:
        noun = self.get_noun(word)
        if noun is None:
            raise KeyError(word)
        return noun

    def __iter__(self) -> Iterator[str]:
        return iter(self._exact)

    def __len__(self) -> int:
        return len(self._exact)


def _phrases(mapping: Mapping[str, Iterable[str]]) -> tuple[tuple[str, str], ...]:
    """(pattern, label) pairs, longest phrase first (see ``ocr_pattern``)."""
    pairs = [
        (fold(p), ocr_pattern(p), m) for m, phrases in mapping.items() for p in phrases
    ]
    return tuple((pat, m) for _f, pat, m in sorted(pairs, key=lambda t: -len(t[0])))


def _compiled(phrases: Iterable[tuple[str, Any]]) -> _Phrases:
    """Each phrase pattern compiled, matching only at the start of a word."""
    return tuple((re.compile(at_word_start(p)), label) for p, label in phrases)


_SPECIAL: Final = frozenset("\\[](){}.^$*+?|")


def at_word_start(pattern: str) -> str:
    r"""``pattern`` (an ``ocr_pattern``) matching only where no word character
    precedes it.

    When the pattern begins with one character (a literal or a class) the guard
    follows it: ``c(?<![\wåäö][\s\S])…`` means what ``(?<![\wåäö])c…`` means,
    but ``re`` then looks for ``c`` first instead of trying the guard at every
    position of the sentence (~25x faster on a long one).
    """
    first = _first_char_length(pattern)
    if first == 0:
        return r"(?<![\wåäö])" + pattern
    return pattern[:first] + r"(?<![\wåäö][\s\S])" + pattern[first:]


def _first_char_length(pattern: str) -> int:
    """Length of the pattern's first item when it matches exactly one character
    (a plain or escaped character, or a class, with no quantifier), else 0."""
    if pattern.startswith("["):
        end = pattern.find("]", 2) + 1
    elif pattern.startswith("\\"):
        end = 2 if len(pattern) > 1 and not pattern[1].isalnum() else 0
    else:
        end = 1 if pattern and pattern[0] not in _SPECIAL else 0
    if end == 0 or pattern[end : end + 1] in ("*", "+", "?", "{"):
        return 0
    return end


# OCR of Swedish text reads 'ö' as 'é', 'd' or '6' ("genomférda", "pabdrjade"), 'ä' as
# 'd' or '&' ("ndmndinitiativ", "&r") and 'å' as '&' ("n& måluppfyllelse").
OCR_LETTERS: Final[dict[str, str]] = {"ö": "[oed6]", "ä": "[aed&]", "å": "[ad&]"}


@lru_cache(maxsize=4096)
def ocr_pattern(phrase: str) -> str:
    """A regex for a phrase in folded text, tolerating OCR's readings of å, ä, ö."""
    out: list[str] = []
    for char in phrase.casefold():
        if char in OCR_LETTERS:
            out.append(OCR_LETTERS[char])
        elif char.isspace():
            out.append(r"\s+")
        else:
            out.append(re.escape(fold(char) or char))
    return "".join(out)


# --- paragraphs and sentences --------------------------------------------------------


_LINE_FIELDS: Final = itemgetter(
    *map(
        TABLES["text_lines"].position,
        ("report", "file", "line", "sheet", "text", "section"),
    )
)


def _paragraphs(rows: Iterable[Row]) -> list[_Paragraph]:
    out: list[_Paragraph] = []
    current: _Paragraph | None = None
    prev: tuple[Any, ...] | None = None
    for rec in rows:
        report, file, number, sheet, cell, section = _LINE_FIELDS(rec)
        text = str(cell or "")
        key = (report, file, _cell(sheet), _cell(section))
        line = int(number)
        if not text.strip():
            current, prev = None, None
            continue
        joins = (
            current is not None
            and prev is not None
            and prev[:4] == key
            and line == prev[4] + 1
            and not _is_heading(prev[5], text)
        )
        if not joins or current is None:
            current = _Paragraph(report=str(report), file=str(file))
            out.append(current)
        current.add(line, text, sheet, section)
        prev = (*key, line, text)
    return out


def _cell(value: Any) -> Any:
    """An empty cell as None: NaN never equals itself, so it would split paragraphs."""
    return (
        None
        if value is None or (isinstance(value, float) and value != value)
        else value
    )


def _is_heading(previous: str, text: str) -> bool:
    """A short line without closing punctuation followed by a capitalised line."""
    prev = previous.strip()
    nxt = text.strip()
    return (
        len(prev) < 60
        and not prev.endswith((".", ",", ":", ";", "-", "och", "samt"))
        and bool(nxt)
        and nxt[0].isupper()
    )


def _sentences(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        out.append((start, text[start : m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return [(s, t) for s, t in out if t.strip()]


def _paragraph_claims(
    paragraph: _Paragraph, vocab: _Vocabulary
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for offset, sentence in _sentences(paragraph.text):
        if not _may_claim(sentence):
            continue
        starts = {p - offset for p in paragraph.line_starts if p >= offset}
        for num in _sentence_claims(sentence, starts, vocab):
            line, sheet, section = paragraph.at(offset + num.start)
            rows.append(
                {
                    "report": paragraph.report,
                    "file": paragraph.file,
                    "line": line,
                    "sheet": sheet,
                    "section": section,
                    "subject": num.subject,
                    "measure": num.measure,
                    "sentence": " ".join(sentence.split()),
                    "value": num.value,
                    "printed": num.printed,
                    "decimals": num.decimals,
                    "unit": num.unit,
                    "direction": num.direction,
                    "of_total": num.of_total,
                    "claim_kind": num.kind,
                }
            )
    return rows


# --- numbers in one sentence ---------------------------------------------------------


def _sentence_claims(
    sentence: str, line_starts: set[int], vocab: _Vocabulary
) -> list[_Num]:
    words = [(m.start(), m.end(), fold(m.group())) for m in _WORD_RE.finditer(sentence)]
    nums = _numbers(sentence, line_starts, words, vocab)
    nums = _ratios(sentence, nums, words, vocab)
    everything = _all_claims(sentence, nums, words, vocab)
    nums = [*nums, *everything]
    nums.sort(key=lambda n: n.start)
    _subjects(sentence, nums, words, vocab)
    _bind(sentence, nums, vocab)
    _objects(sentence, nums)
    _sick_leave(sentence, nums)
    _totals(sentence, nums)
    _parts(nums)
    nouns = vocab.count_nouns.counted
    return [n for n in nums if _keep(n, nouns)]


_DIGIT: Final = re.compile(r"\d")


def _may_claim(sentence: str) -> bool:
    """Whether the sentence has a digit, a number word or 'samtliga' (most have
    none, and then no claim: the words need not be folded)."""
    return (
        _DIGIT.search(sentence) is not None
        or has_number_word(sentence)
        or _ALL_RE.search(sentence) is not None
    )


def _keep(num: _Num, nouns: frozenset[str]) -> bool:
    """Counts need a subject; 'en'/'ett' count only for a known countable noun."""
    if num.kind != "count":
        return True
    if num.word and fold(num.printed) in ARTICLE_WORDS:
        return num.subject in nouns
    return num.subject is not None


def _numbers(
    sentence: str,
    line_starts: set[int],
    words: list[tuple[int, int, str]],
    vocab: _Vocabulary,
) -> list[_Num]:
    found: list[_Num] = []
    for m in _NUM_RE.finditer(sentence):
        num = _digit_number(sentence, m, line_starts, words)
        if num is not None:
            found.append(num)
    for start, end, word in number_words(sentence):
        if any(n.start <= start < n.end for n in found):
            continue
        num = _word_number(sentence, start, end, word, words, vocab)
        if num is not None:
            found.append(num)
    found.sort(key=lambda n: n.start)
    return _drop_ranges(sentence, found)


def _digit_number(
    sentence: str,
    m: re.Match[str],
    line_starts: set[int],
    words: list[tuple[int, int, str]],
) -> _Num | None:
    raw = m.group("num")
    sign = (m.group("sign") or "").strip()
    unit_m = _UNIT_RE.match(sentence, m.end())
    unit = UNITS[unit_m.group(1).casefold()] if unit_m else None
    end = unit_m.end() if unit_m else m.end()
    if _is_not_a_claim(sentence, m, raw, sign, unit, line_starts, words):
        return None
    if "." in raw and "," not in raw:
        if unit is None or raw.count(".") > 1:
            return None
        raw = raw.replace(".", ",")
    digits, _, frac = raw.replace("\u00a0", " ").replace("\u202f", " ").partition(",")
    if unit is None and (frac or sign):
        return None  # a count is never signed nor fractional
    value = float(digits.replace(" ", "") + (f".{frac}" if frac else ""))
    if sign in "-−–" and sign:
        value = -value
    kind = "count"
    if unit in MONEY_UNITS:
        kind = "amount"
    elif unit is not None:
        kind = "percent"
    return _Num(
        start=m.start(),
        end=end,
        value=value + 0.0,
        decimals=len(frac),
        printed=sentence[m.start() : end],
        unit=unit,
        signed=bool(sign),
        kind=kind,
        direction=(1 if sign == "+" else -1) if sign else None,
    )


def _is_not_a_claim(
    sentence: str,
    m: re.Match[str],
    raw: str,
    sign: str,
    unit: str | None,
    line_starts: set[int],
    words: list[tuple[int, int, str]],
) -> bool:
    """Dates, years, section and list numbers, and references are not claims."""
    nxt = _word_after(words, m.end())
    prev = _word_before(words, m.start())
    if nxt is not None and month_number(nxt) is not None and unit is None:
        return True
    if unit is None and not sign:
        if re.fullmatch(r"(19|20)\d\d", raw):
            return True
        if prev in REFERENCE_WORDS or prev == "den":
            return True
        if "." in raw:
            return True
        if len(raw) >= 5 and raw.isdigit():
            return True  # an ungrouped long number is a code, not an amount
        after = sentence[m.end() : m.end() + 2]
        if m.start() in line_starts and after[:1] in {".", ")"}:
            return True
    return False


def _word_number(
    sentence: str,
    start: int,
    end: int,
    word: str,
    words: list[tuple[int, int, str]],
    vocab: _Vocabulary,
) -> _Num | None:
    value = word_value(word)
    if value is None:
        return None
    nxt = _word_after(words, end)
    if nxt is not None and month_number(nxt) is not None and nxt != "mars":
        return None
    if word.casefold() in ARTICLE_WORDS:
        prev = _word_before(words, start)
        countable = nxt in {"av", "ar", "har"} or prev == "utom"
        if not countable and nxt is not None:
            # "ett uppdrag som …" names one item; it does not count them
            countable = (
                nxt in vocab.count_nouns and _word_after_next(words, end) != "som"
            )
        if not countable:
            return None
    unit_m = _UNIT_RE.match(sentence, end)
    unit = UNITS[unit_m.group(1).casefold()] if unit_m else None
    end = unit_m.end() if unit_m else end
    kind = "amount" if unit in MONEY_UNITS else ("percent" if unit else "count")
    return _Num(
        start=start,
        end=end,
        value=float(value),
        decimals=0,
        printed=sentence[start:end],
        unit=unit,
        word=True,
        kind=kind,
    )


_RANGE_RE: Final = re.compile(r"^\s*(?:[-–]|till)\s*$")


def _drop_ranges(sentence: str, nums: list[_Num]) -> list[_Num]:
    """'90-120 platser', 'två till tre år': a span, not a stated fact."""
    drop: set[int] = set()
    for i, (a, b) in enumerate(itertools.pairwise(nums)):
        if a.unit is None and _RANGE_RE.match(sentence[a.end : b.start]):
            drop.update({i, i + 1})
    return [n for i, n in enumerate(nums) if i not in drop]


def _word_after(words: list[tuple[int, int, str]], pos: int) -> str | None:
    for start, _end, word in words:
        if start >= pos:
            return word
    return None


def _word_after_next(words: list[tuple[int, int, str]], pos: int) -> str | None:
    after = [w for s, _e, w in words if s >= pos]
    return after[1] if len(after) > 1 else None


def _word_before(words: list[tuple[int, int, str]], pos: int) -> str | None:
    found: str | None = None
    for _start, end, word in words:
        if end > pos:
            break
        found = word
    return found


# --- counts: X av Y, samtliga, samtliga utom N ---------------------------------------

_AV_RE: Final = re.compile(r"\s+av\s+(?:de\s+|dessa\s+|totalt\s+)*$", re.IGNORECASE)


def _ratios(
    sentence: str,
    nums: list[_Num],
    words: list[tuple[int, int, str]],
    vocab: _Vocabulary,
) -> list[_Num]:
    out: list[_Num] = []
    skip: set[int] = set()
    for i, num in enumerate(nums):
        if i in skip:
            continue
        nxt = nums[i + 1] if i + 1 < len(nums) else None
        if (
            nxt is not None
            and num.kind == "count"
            and nxt.kind == "count"
            and _AV_RE.match(sentence[num.end : nxt.start])
        ):
            skip.add(i + 1)
            out.append(replace(num, kind="ratio", of_total=nxt.value, end=nxt.end))
            continue
        out.append(num)
    return out


_ALL_RE: Final = re.compile(
    r"(?<![\wåäö])samtliga(?P<but>\s+utom\s+(?P<n>\S+))?", re.IGNORECASE
)


def _all_claims(
    sentence: str,
    nums: list[_Num],
    words: list[tuple[int, int, str]],
    vocab: _Vocabulary,
) -> list[_Num]:
    out: list[_Num] = []
    for m in _ALL_RE.finditer(sentence):
        if m.group("but"):
            start_n = m.start("n")
            exception = next((n for n in nums if n.start == start_n), None)
            if exception is not None:
                nums.remove(exception)
                out.append(
                    replace(
                        exception,
                        start=m.start(),
                        printed=sentence[m.start() : exception.end],
                        kind="all_but",
                    )
                )
                continue
        out.append(
            _Num(
                start=m.start(),
                end=m.end(),
                value=math.nan,
                decimals=0,
                printed=m.group(0),
                kind="all",
            )
        )
    return out


# --- subjects, measures, directions --------------------------------------------------


def _subjects(
    sentence: str,
    nums: list[_Num],
    words: list[tuple[int, int, str]],
    vocab: _Vocabulary,
) -> None:
    previous: _Num | None = None
    in_varav = False
    for num in nums:
        before = _fold_keep_length(
            sentence[previous.end if previous else 0 : num.start]
        )
        if re.search(r"(?<!\w)varav(?!\w)", before):
            in_varav = True
        elif re.search(r"[.;:]", before):
            in_varav = False
        num.varav = in_varav
        if num.kind in {"amount", "percent"}:
            num.subject = _leading_noun_phrase(sentence)
            continue
        num.subject = _count_subject(words, num.end, vocab)
        if (
            num.subject is None
            and previous is not None
            and previous.kind not in {"amount", "percent"}
        ):
            num.subject = previous.subject
        if num.kind == "count" and num.of_total is None:
            _of_total_from_context(sentence, num, nums, words)
        previous = num


def _count_subject(
    words: list[tuple[int, int, str]], pos: int, vocab: _Vocabulary
) -> str | None:
    after = [w for s, _e, w in words if s >= pos]
    while after and after[0] in {"av", "de", "dessa", "dem", "totalt"}:
        after = after[1:]
    for word in after[:3]:
        if (noun := vocab.count_nouns.get_noun(word)) is not None:
            return noun
    while len(after) > 1 and after[0].endswith("s") and after[0] not in NOT_SUBJECT:
        after = after[1:]  # a genitive ('kommunens') qualifies the noun after it
    if (
        after
        and after[0] not in NOT_SUBJECT
        and after[0].isalpha()
        and word_value(after[0]) is None
        and month_number(after[0]) is None
    ):
        return after[0]
    return None


def _of_total_from_context(
    sentence: str, num: _Num, nums: list[_Num], words: list[tuple[int, int, str]]
) -> None:
    """'Av de 21 inriktningsmålen … inom 17 av inriktningsmålen': 17 of 21."""
    tail = _fold_keep_length(sentence[num.end : num.end + 20])
    if not re.match(r"\s*av\s+(de\s+|dessa\s+)?[a-z]", tail):
        return
    for other in nums:
        if other is num:
            break
        if (
            other.kind == "count"
            and other.subject == num.subject
            and other.value > num.value
        ):
            num.kind = "ratio"
            num.of_total = other.value
            return


def _leading_noun_phrase(sentence: str) -> str | None:
    """The words before the first verb when the sentence starts with a name."""
    tokens = sentence.split()
    if not tokens or not tokens[0][:1].isupper():
        return None
    if fold(tokens[0]) in SENTENCE_START_STOP:
        return None
    phrase: list[str] = []
    for token in tokens[:5]:
        word = token.strip(",.:;")
        if fold(word) in VERBS or any(c.isdigit() for c in word):
            break
        phrase.append(word)
        if token.endswith(","):
            break
    return " ".join(phrase) or None


def _bind(sentence: str, nums: list[_Num], vocab: _Vocabulary) -> None:
    folded = _fold_keep_length(sentence)
    money = [n for n in nums if n.kind in {"amount", "percent"}]
    counts = [n for n in nums if n.kind not in {"amount", "percent"}]
    _assign_phrases(folded, money, vocab.measures, "measure")
    _assign_phrases(folded, counts, vocab.count_phrases, "measure", 200)
    _assign_directions(folded, money, _DIRECTIONS)
    _spread_varav(nums)


_DIRECTIONS: Final = _compiled(
    [(ocr_pattern(w), 1) for w in POSITIVE] + [(ocr_pattern(w), -1) for w in NEGATIVE]
)


def _keep_length_char(char: str) -> str:
    """``fold`` of one character, or its lower case where that is not one
    character (whitespace folds to nothing, 'ß' to 'ss')."""
    return f if len(f := fold(char)) == 1 else char.lower()


_fold_keep_length: Final = SameLengthFold(_keep_length_char)
"""Fold like ``fold`` but character by character, so offsets still match."""


_CLAUSE_BREAK: Final = re.compile(r"[,;:]|\s[-–]\s")
CLAUSE_PENALTY: Final = 1000


def _distance(
    num: _Num, start: int, end: int, text: str, before_penalty: int = 0
) -> int:
    """Characters between a phrase and a number; a clause break counts as far."""
    if end <= num.start:
        gap = text[end : num.start]
        return (
            len(gap) + before_penalty + CLAUSE_PENALTY * len(_CLAUSE_BREAK.findall(gap))
        )
    elif start >= num.end:
        gap = text[num.end : start]
    else:
        return 0
    return len(gap) + CLAUSE_PENALTY * len(_CLAUSE_BREAK.findall(gap))


def _occurrences(folded: str, phrases: _Phrases) -> list[tuple[int, int, Any]]:
    taken: list[tuple[int, int, Any]] = []
    for pattern, label in phrases:
        for m in pattern.finditer(folded):
            if not any(s < m.end() and m.start() < e for s, e, _ in taken):
                taken.append((m.start(), m.end(), label))
    return taken


def _nearest(
    nums: list[_Num], start: int, end: int, text: str, before_penalty: int = 0
) -> _Num | None:
    return min(
        nums,
        key=lambda n: (_distance(n, start, end, text, before_penalty), n.start),
        default=None,
    )


def _assign_phrases(
    folded: str,
    nums: list[_Num],
    phrases: _Phrases,
    attr: str,
    before_penalty: int = 0,
) -> None:
    """Each phrase belongs to its nearest number; each number keeps its nearest.

    ``before_penalty`` makes a phrase before a number count as farther: a count's
    predicate follows it ("fyra uppdrag går enligt plan").
    """
    if not nums:
        return
    chosen: dict[int, tuple[int, str]] = {}
    for start, end, label in _occurrences(folded, phrases):
        owner = _nearest(nums, start, end, folded, before_penalty)
        if owner is None:
            continue
        dist = _distance(owner, start, end, folded, before_penalty)
        if id(owner) not in chosen or dist < chosen[id(owner)][0]:
            chosen[id(owner)] = (dist, label)
    for num in nums:
        if id(num) in chosen:
            setattr(num, attr, chosen[id(num)][1])


def _assign_directions(folded: str, nums: list[_Num], words: _Phrases) -> None:
    if not nums:
        return
    chosen: dict[int, tuple[int, int]] = {}
    for start, end, sign in _occurrences(folded, words):
        owner = _nearest(nums, start, end, folded)
        if owner is None or owner.signed:
            continue
        dist = _distance(owner, start, end, folded)
        if id(owner) not in chosen or dist < chosen[id(owner)][0]:
            chosen[id(owner)] = (dist, sign)
    previous: int | None = None
    for num in nums:
        if id(num) in chosen:
            num.direction = chosen[id(num)][1]
        elif num.direction is None:
            num.direction = previous
        previous = num.direction


def _spread_varav(nums: list[_Num]) -> None:
    """'varav 20 uppdrag samt 13 initiativ … enligt plan': the measure is shared."""
    group = [n for n in nums if n.varav and n.kind not in {"amount", "percent"}]
    if group and group[-1].measure:
        for num in group:
            num.measure = num.measure or group[-1].measure


# --- totals and parts of a count -----------------------------------------------------

TOTAL: Final = "total"
_TOTAL_BEFORE: Final = re.compile(
    r"(?:\barbeta(?:r|t|de)\b(?:\s+[\w-]+){0,3}\s+med|\bsammanlagt|\btotalt\s+finns)"
    r"\s+$"
)
_OF_THE: Final = re.compile(r"\bav\s+de(?:\s+totalt)?\s+$")
_VARAV_AFTER: Final = re.compile(r"^\s*[\w-]+(?:\s+[\w-]+)?\s*,?\s*varav\b")
_AND_AFTER: Final = re.compile(r"^\s*[\w-]+\s+(?:och|samt)\s+$")
STATUS_PREFIX: Final = "status_"


def _totals(sentence: str, nums: list[_Num]) -> None:
    """Counts of everything: 'arbetar med 21 uppdrag och 15 initiativ, varav …',
    'Av de 21 inriktningsmålen … inom 17 av inriktningsmålen'."""
    folded = _fold_keep_length(sentence)
    counts = [n for n in nums if n.kind in {"count", "ratio"} and not n.varav]
    for i, num in enumerate(counts):
        prior = counts[i - 1] if i else None
        nxt = counts[i + 1] if i + 1 < len(counts) else None
        if num.kind == "count":
            before = folded[prior.end if prior else 0 : num.start]
            after = folded[num.end : nxt.start if nxt else len(folded)]
            _total(num, prior, nxt, before, after)


def _total(
    num: _Num, prior: _Num | None, nxt: _Num | None, before: str, after: str
) -> None:
    if _OF_THE.search(before):
        # the predicate after "Av de 21 X" belongs to the part that follows
        if num.measure and nxt is not None and nxt.subject == num.subject:
            nxt.measure = nxt.measure or num.measure
        num.measure = TOTAL
    elif num.measure is None and (
        _TOTAL_BEFORE.search(before)
        or _VARAV_AFTER.match(after)
        or (
            prior is not None
            and prior.measure == TOTAL
            and bool(_AND_AFTER.match(before))
        )
    ):
        num.measure = TOTAL


def _parts(nums: list[_Num]) -> None:
    """'Sex uppdrag är påbörjade, fyra … enligt plan och två … senare än planerat':
    counts that add up to the count before them are its parts, and their measure
    is qualified by it ('status_paborjad&enligt_plan')."""
    counts = [n for n in nums if n.kind == "count"]
    for i, whole in enumerate(counts):
        if not (whole.measure or "").startswith(STATUS_PREFIX):
            continue
        run: list[_Num] = []
        for num in counts[i + 1 :]:
            if num.subject != whole.subject or not num.measure:
                break
            if num.measure.startswith(STATUS_PREFIX) or "&" in num.measure:
                break
            run.append(num)
        if len(run) >= 2 and sum(n.value for n in run) == whole.value:
            for num in run:
                num.measure = f"{whole.measure}&{num.measure}"


# --- amounts said of a named object --------------------------------------------------

_OBJECT_BEFORE: Final = re.compile(
    r"(?:prognos(?:en)?|budget(?:en)?)\s+f[oe]r\s+(?P<object>[\w-]+)\s+"
    r"(?:ar|blir|uppgar\s+till)\s+(?:cirka\s+|ca\s+)?$"
)


def _objects(sentence: str, nums: list[_Num]) -> None:
    """'Senaste prognos för höjdfordonet är 11,6 mnkr': the subject is the object
    named, only in exactly that shape (otherwise the amount is left unbound)."""
    folded = _fold_keep_length(sentence)
    for num in nums:
        if num.kind != "amount" or num.measure not in AMOUNT_MEASURES:
            continue
        m = _OBJECT_BEFORE.search(folded[: num.start])
        if m is None:
            num.measure = None
            continue
        num.subject = sentence[m.start("object") : m.end("object")]


# --- sick leave: "Sjukfrånvaron för kontoret under delår 1 var 2,7%" ------------------

SICK_LEAVE: Final = "sjukfranvaro"
SICK_LEAVE_ALL: Final = "sjukfranvaro_kommun"
_SICK_WORD: Final = re.compile(r"sjukfr[a-z&6]{1,2}nvaro")
_WHOLE_KOMMUN: Final = re.compile(r"(?<![\w-])kommun(?:en)?(?![\w-])")


def _sick_leave(sentence: str, nums: list[_Num]) -> None:
    """A percentage in a sentence about sick leave: the organisation's own rate, or
    the whole kommun's when the clause before the number names the kommun."""
    folded = _fold_keep_length(sentence)
    if not _SICK_WORD.search(folded):
        return
    previous_end = 0
    for num in nums:
        if num.kind == "percent" and num.unit == "%" and num.measure is None:
            before = folded[previous_end : num.start]
            sick = _SICK_WORD.search(folded[: num.start]) is not None
            if sick:
                whole = _WHOLE_KOMMUN.search(before) is not None
                num.measure = SICK_LEAVE_ALL if whole else SICK_LEAVE
        if num.kind == "percent":
            previous_end = num.end
