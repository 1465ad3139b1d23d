"""Tolerant vocabulary matching: OCR damage repaired, exact spellings kept exact."""

from __future__ import annotations

import pytest

from rapportkoll.ingest.profile import get_profile
from rapportkoll.ingest.vocabulary import Vocabulary, ocr_fold


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary(get_profile("norrtalje-stratsys").vocabularies)


# Damaged tokens as printed in data/002_905efd7e8d1a0751.txt.
REPAIRED = [
    ("bedomning", "Uppfylit", "Uppfyllt"),
    ("bedomning", "Ej uppfylit", "Ej uppfyllt"),
    ("bedomning", "Ej uppfyllit", "Ej uppfyllt"),
    ("status", "Pabdrjad", "Påbörjad"),
    ("status", "Pabdorjad", "Påbörjad"),
    ("status", "Pabbriad", "Påbörjad"),
    ("status", "Slutférd", "Slutförd"),
    ("trend", "Of6randrad", "Oförändrad"),
    ("trend", "Oférandra", "Oförändrad"),
    ("trend", "Positi", "Positiv"),
    ("trend", "Ej utvardera", "Ej utvärderad"),
]


@pytest.mark.parametrize(("field", "printed", "canonical"), REPAIRED)
def test_ocr_damage_is_repaired(
    vocab: Vocabulary, field: str, printed: str, canonical: str
) -> None:
    found = vocab.match(field, printed)
    assert found is not None
    assert (found.canonical, found.original, found.repaired) == (
        canonical,
        printed,
        True,
    )
    assert 0.8 <= found.score <= 1.0


@pytest.mark.parametrize(
    ("field", "printed", "canonical"),
    [
        ("prognos", "Avvikelse fran plan", "Avvikelse från plan"),
        ("bedomning", "Inget varde angivet", "Inget värde angivet"),
        ("status", "Paborjad", "Påbörjad"),
        ("kind", "Namndinitiativ", "nämndinitiativ"),
        ("trend", "NEGATIV", "Negativ"),
    ],
)
def test_missing_diacritics_are_not_a_repair(
    vocab: Vocabulary, field: str, printed: str, canonical: str
) -> None:
    found = vocab.match(field, printed)
    assert found is not None
    assert (found.canonical, found.repaired, found.score) == (canonical, False, 1.0)


@pytest.mark.parametrize(
    ("field", "printed"),
    [
        ("trend", "Brilliant."),
        ("status", "Kommundirektor"),
        ("bedomning", ""),
        ("x", "a"),
    ],
)
def test_unrelated_text_does_not_match(
    vocab: Vocabulary, field: str, printed: str
) -> None:
    assert vocab.match(field, printed) is None


def test_a_tie_between_values_is_no_match() -> None:
    vocab = Vocabulary(
        {"trend": {"Stigande": ["Stigande"], "Sjunkande": ["Sjunkande"]}}
    )
    assert vocab.match("trend", "Siunkande") is not None
    tied = Vocabulary({"f": {"A": ["abcd"], "B": ["abce"]}})
    assert tied.match("f", "abcx", 0.7) is None
    assert tied.match("f", "abcd", 0.7) is not None


def test_ocr_fold_collapses_confusions() -> None:
    assert ocr_fold("Of6randrad") == ocr_fold("Oförändrad")
    assert ocr_fold("Pabdrjad") == ocr_fold("Påbörjad")
    assert ocr_fold("Uppfylit") == ocr_fold("Uppfyllt")
    assert ocr_fold("Positiv") != ocr_fold("Negativ")


def test_split_pair_reads_bedomning_then_trend(vocab: Vocabulary) -> None:
    pair = vocab.split_pair("bedomning", "trend", ["Ej", "uppfylit", "Of6randrad"])
    assert pair is not None
    assert [m.canonical for m in pair] == ["Ej uppfyllt", "Oförändrad"]
    assert vocab.split_pair("bedomning", "trend", ["Uppfylit"]) is None


def test_suffix_prefers_the_best_run_over_the_longest(vocab: Vocabulary) -> None:
    words = ["Utreda", "permanent", "Stab-", "och", "Enligt", "plan"]
    found = vocab.match_suffix("prognos", words)
    assert found is not None
    assert (found[0].canonical, found[1]) == ("Enligt plan", 2)
    prefix = vocab.match_prefix("status", ["Slutférd", "4", "4"])
    assert prefix is not None
    assert (prefix[0].canonical, prefix[1]) == ("Slutförd", 1)
