"""The reader interface: how a layout reader says it fits a source and reads it."""

from __future__ import annotations

from typing import Protocol

from rapportkoll.ingest.profile import Profile
from rapportkoll.ingest.source import Source
from rapportkoll.model.bundle import Bundle


class TextReader(Protocol):
    """A reader of one layout family. ``score`` is 0..1: how well the source fits.

    ``read`` returns the canonical tables of one report, including ``reports`` (one
    row), ``text_lines`` for its prose (claims are extracted from those centrally),
    and ``extraction_issues`` for every value it could not read with confidence.
    """

    name: str

    def score(self, source: Source, profile: Profile | None) -> float: ...

    def read(self, source: Source, profile: Profile | None) -> Bundle: ...
