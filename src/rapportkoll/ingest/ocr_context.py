"""Shared state of one OCR read: source lines, profile, vocabulary, rows being built."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapportkoll.ingest.normalize import fold
from rapportkoll.ingest.profile import Profile
from rapportkoll.ingest.rows import SourceRows
from rapportkoll.ingest.source import Source
from rapportkoll.ingest.vocabulary import Vocabulary, VocabularyMatch
from rapportkoll.model.bundle import TableBuilder
from rapportkoll.model.numbers import Number

DEFAULT_UNIT_SUFFIXES = ("avdelningen", "enheten", "kontoret", "tjansten", "direktor")
DEFAULT_INDICATOR_HEADER_WORDS = (
    "indikator",
    "utfal",
    "mal",
    "progno",
    "bedo",
    "trend",
    "ansvarig",
    "avdelning",
)


@dataclass
class OcrContext(SourceRows):
    """One source being read. Line numbers given to methods are 1-based."""

    source: Source
    profile: Profile
    vocab: Vocabulary
    builder: TableBuilder = field(default_factory=TableBuilder)
    used: set[int] = field(default_factory=set)
    goal_at: dict[int, str] = field(default_factory=dict)
    year: int | None = None

    @property
    def lines(self) -> list[str]:
        return self.source.lines

    def text(self, line: int) -> str:
        return (
            self.source.lines[line - 1] if 1 <= line <= len(self.source.lines) else ""
        )

    @property
    def settings(self) -> dict[str, Any]:
        ocr = self.profile.extra.get("ocr", {})
        return ocr if isinstance(ocr, dict) else {}

    @property
    def template(self) -> dict[str, Any]:
        """Template settings shared by the template's readers (``extra.stratsys``)."""
        found = self.profile.extra.get("stratsys", {})
        return found if isinstance(found, dict) else {}

    @property
    def unit_suffixes(self) -> tuple[str, ...]:
        found = self.settings.get("unit_suffixes")
        if isinstance(found, list):
            return tuple(fold(str(s)) for s in found)
        return DEFAULT_UNIT_SUFFIXES

    @property
    def unit_stems(self) -> tuple[str, ...]:
        """Word parts that mark a unit name inside a cell ('Ekonomiavdelning')."""
        found = self.settings.get("unit_stems")
        if isinstance(found, list):
            return tuple(fold(str(s)) for s in found)
        return tuple(s[:5] for s in self.unit_suffixes)

    @property
    def indicator_header_words(self) -> tuple[str, ...]:
        """Starts of the words an indicator table's header lines are made of."""
        found = self.settings.get("indicator_header_words")
        if isinstance(found, list):
            return tuple(fold(str(s)) for s in found)
        return DEFAULT_INDICATOR_HEADER_WORDS

    def provenance(self) -> tuple[str, str]:
        return self.source.report, self.source.path

    def term(self, field_name: str, text: str, line: int) -> VocabularyMatch | None:
        """Match ``text`` in a vocabulary; a repaired match becomes a repairs row."""
        found = self.vocab.match(field_name, text)
        if found is not None:
            self.record(found, line)
        return found

    def record(self, found: VocabularyMatch, line: int) -> None:
        if found.repaired:
            self.add(
                "repairs",
                line,
                field=found.field,
                original=found.original,
                repaired=found.canonical,
                score=found.score,
            )

    def goal_for(self, line: int) -> str | None:
        """The inriktningsmål whose heading is the last one above ``line``."""
        best: tuple[int, str] | None = None
        for at, goal in self.goal_at.items():
            if at <= line and (best is None or at > best[0]):
                best = (at, goal)
        return None if best is None else best[1]


def number_columns(number: Number) -> dict[str, Any]:
    """The canonical numeric columns of a printed number."""
    return {
        "value": number.value,
        "printed": number.printed,
        "decimals": number.decimals,
    }
