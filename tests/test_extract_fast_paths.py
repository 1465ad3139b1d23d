"""The extraction fast paths give exactly what the plain definitions give.

Each fast path (folding plain text at C speed, number words looked up word by
word, a Span's lines kept per run, per-profile caches) replaces a simpler
definition; these tests compare the two on every code point or on generated text,
and check the caches on the April seed's profile.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapportkoll.ingest import prose, stratsys_text
from rapportkoll.ingest.numberwords import (
    NUMBER_WORDS,
    has_number_word,
    number_word_re,
    number_words,
)
from rapportkoll.ingest.profile import Profile, get_profile, per_profile
from rapportkoll.ingest.stratsys_text import (
    Line,
    Span,
    fold_same_length,
    vocabulary_for,
)
from rapportkoll.model import text as model_text

REPO = Path(__file__).resolve().parents[1]


def _per_character_fold(text: str) -> str:
    """The definition: every character folded on its own (``_fold_char``)."""
    return "".join(stratsys_text._fold_char(c) for c in text)


# Swedish text with the odd character the fast path must leave to the slow one.
TEXT = st.text(
    alphabet=st.sampled_from(
        [*"abcXYZ åäöÅÄÖéÉüßÆø-1,.:()", "\t", "\xa0", "–", "’", "ﬁ", "İ", "ſ"]
    ),
    max_size=30,
)


@settings(max_examples=200)
@given(TEXT)
def test_fold_same_length_of_text_is_the_per_character_fold(text: str) -> None:
    assert fold_same_length(text) == _per_character_fold(text)


def _per_character_keep_length(text: str) -> str:
    """The definition of prose's same-length fold: each character on its own."""
    return "".join(prose._keep_length_char(c) for c in text)


@settings(max_examples=200)
@given(TEXT)
def test_prose_fold_keep_length_of_text_is_per_character(text: str) -> None:
    folded = prose._fold_keep_length(text)
    assert folded == _per_character_keep_length(text)
    assert len(folded) == len(text)


def test_fold_same_length_of_a_seed_line() -> None:
    # data/000_4d1abd7bdfbb87a9.txt:178, the matrix row of nämndinitiativ
    line = "Nämndinitiativ Ej påbörjad 1  1 "
    assert fold_same_length(line) == "namndinitiativ ej paborjad 1  1 "


WORDS = st.lists(
    st.sampled_from(
        [
            *NUMBER_WORDS,
            *["TRE", "Tjugo", "sexton", "ſex", "fem-", "åtta", "atta"],
            *[*"  ,-_2", "uppdrag", "av", "och", "\u0345", "İ"],
        ]
    ),
    max_size=8,
).map("".join)


@settings(max_examples=200)
@given(WORDS)
def test_number_words_finds_what_the_regex_finds(text: str) -> None:
    expected = [
        (m.start(), m.end(), m.group(1)) for m in number_word_re().finditer(text)
    ]
    assert list(number_words(text)) == expected
    assert has_number_word(text) == bool(expected)


def test_number_words_in_a_seed_sentence() -> None:
    # data/000_4d1abd7bdfbb87a9.txt:1030
    sentence = (
        "Under 2025 kommer 540 utbildningsplatser att erbjudas vid sex olika "
        "utbildningstillfällen. Tre av dessa"
    )
    assert list(number_words(sentence)) == [(58, 61, "sex"), (91, 94, "Tre")]


def _reference_lines(lines: list[Line]) -> list[int]:
    """The source line of every character of a block, built character by character."""
    out: list[int] = []
    for i, line in enumerate(lines):
        if i and lines[i - 1].soft_end:
            out.append(lines[i - 1].number)
        out.extend([line.number] * len(line.body))
    return out


LINES = st.lists(
    st.tuples(st.text(alphabet="ab ", min_size=1, max_size=6), st.booleans()),
    min_size=1,
    max_size=5,
)


@settings(max_examples=150)
@given(LINES, st.integers(-3, 12), st.integers(-3, 12))
def test_span_lines_match_a_line_per_character(
    raw: list[tuple[str, bool]], start: int, end: int
) -> None:
    lines = [Line(10 + i, body, soft, False) for i, (body, soft) in enumerate(raw)]
    span = stratsys_text._block(lines).span
    per_char = _reference_lines(lines)
    assert [span.line_at(i) for i in range(len(span.text))] == per_char
    part = span.slice(start, end)
    assert [part.line_at(i) for i in range(len(part.text))] == per_char[start:end]
    joined = Span.join([part, span], sep="--")
    sep_line = per_char[start:end][-1] if part.text else per_char[0]
    assert [joined.line_at(i) for i in range(len(joined.text))] == [
        *per_char[start:end],
        sep_line,
        sep_line,
        *per_char,
    ]


def test_one_vocabulary_per_profile_object() -> None:
    profile = get_profile("norrtalje-stratsys")
    vocab = vocabulary_for(profile)
    assert vocabulary_for(profile) is vocab
    assert vocab.canonical("status", "Pabörjad") == "Påbörjad"
    other = dataclasses.replace(profile)
    assert vocabulary_for(other) is not vocab


def test_per_profile_builds_once_per_object() -> None:
    built: list[str] = []

    @per_profile
    def name(profile: Profile) -> str:
        built.append(profile.name)
        return profile.name.upper()

    first, second = Profile(name="a"), Profile(name="b")
    assert [name(first), name(second), name(first)] == ["A", "B", "A"]
    assert built == ["a", "b"]


def _reference_fold(text: str) -> str:
    """The definition of ``fold``: case fold, NFKD, combining marks dropped,
    whitespace runs collapsed to one space, ends stripped."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", bare).strip()


# Each fast path takes only characters below U+0180 (any other character takes the
# general path), so this range covers every decision.
@pytest.mark.parametrize(
    ("fast", "definition"),
    [
        (fold_same_length, _per_character_fold),
        (prose._fold_keep_length, _per_character_keep_length),
        (model_text._fold, _reference_fold),
    ],
    ids=["fold_same_length", "prose_fold_keep_length", "fold"],
)
def test_fast_fold_is_its_definition_below_u3000(
    fast: Callable[[str], str], definition: Callable[[str], str]
) -> None:
    differing = [hex(i) for i in range(0x3000) if fast(chr(i)) != definition(chr(i))]
    assert differing == []


FOLD_TEXT = st.lists(
    st.sampled_from(
        [
            *"aZ åÄöÉüßÆø-1,.§–Σς",
            *("\t", "\n", "\xa0", "\u2028", "\u3000", "ﬁ", "İ"),
            *("\u0301", "\u0327", "\u0308", "Å\u0327", "–\u0301", "o\u0308ö"),
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=200)
@given(FOLD_TEXT)
def test_fold_of_text_is_its_definition(text: str) -> None:
    assert model_text._fold(text) == _reference_fold(text)


def test_fold_of_a_seed_line() -> None:
    # data/000_4d1abd7bdfbb87a9.txt:178
    assert model_text.fold("Nämndinitiativ Ej påbörjad 1  1 ") == (
        "namndinitiativ ej paborjad 1 1"
    )


def test_fold_of_a_seed_text_in_pieces_is_its_definition() -> None:
    # The April seed has '§' and '–' among plain text: folded run by run.
    text = (REPO / "data/000_4d1abd7bdfbb87a9.txt").read_text(encoding="utf-8")
    assert "§" in text and "–" in text
    assert model_text.fold(text) == _reference_fold(text)


# --- prose phrases: the word-start guard after the first character ------------------

_PHRASES = sorted(
    {
        *(p for forms in prose.COUNT_MEASURES.values() for p in forms),
        *(p for forms in prose.AMOUNT_MEASURES.values() for p in forms),
        *prose.POSITIVE,
        *prose.NEGATIVE,
        *(
            p
            for forms in get_profile("norrtalje-stratsys").claim_subjects.values()
            for p in forms
        ),
        "-3 mål",
        "(varav)",
        " inledande blank",
        "ärende",
    }
)
PHRASE_TEXT = st.lists(
    st.sampled_from([*"aeoduprnst åäöé6&-(3", "\n", "varav", "nås", "mål"]),
    max_size=20,
).map("".join)


def _guarded_first(phrase: str) -> str:
    """The definition: the guard before the whole pattern."""
    return r"(?<![\wåäö])" + prose.ocr_pattern(phrase)


def test_the_guard_moves_after_a_first_character_only() -> None:
    assert prose.at_word_start("[oed6]verskott") == (
        r"[oed6](?<![\wåäö][\s\S])verskott"
    )
    assert prose.at_word_start(r"\-3") == r"\-(?<![\wåäö][\s\S])3"
    assert prose.at_word_start(r"\s+x") == r"(?<![\wåäö])\s+x"
    assert prose.at_word_start("a+b") == r"(?<![\wåäö])a+b"


@settings(max_examples=300)
@given(st.sampled_from(_PHRASES), PHRASE_TEXT, PHRASE_TEXT)
def test_phrase_matches_are_those_of_the_guard_first(
    phrase: str, before: str, after: str
) -> None:
    text = before + model_text.fold(phrase) + after
    fast = re.compile(prose.at_word_start(prose.ocr_pattern(phrase)))
    plain = re.compile(_guarded_first(phrase))
    spans = [m.span() for m in plain.finditer(text)]
    assert [m.span() for m in fast.finditer(text)] == spans


def test_phrase_matches_in_a_seed_sentence() -> None:
    # data/000_4d1abd7bdfbb87a9.txt:189-190
    sentence = prose._fold_keep_length(
        "Totalt 19 uppdrag är påbörjade, ett är slutfört och ett uppdrag är inte "
        "påbörjat. Prognosen är att det ej påbörjade uppdraget avviker från plan."
    )
    found = {
        phrase: [m.span() for m in re.finditer(_guarded_first(phrase), sentence)]
        for phrase in _PHRASES
    }
    assert found["avviker från plan"] == [(126, 143)]
    assert found["påbörjade"] == [(21, 30), (106, 115)]
    assert found["inte påbörjat"] == [(67, 80)]
    for phrase, spans in found.items():
        fast = re.compile(prose.at_word_start(prose.ocr_pattern(phrase)))
        assert [m.span() for m in fast.finditer(sentence)] == spans, phrase
