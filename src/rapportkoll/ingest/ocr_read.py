"""Reading an OCR'd Stratsys report, part by part (``ocr`` decides when it fits).

Kept apart from ``ocr`` so that choosing a reader does not import the OCR parts:
a clean PDF text never needs them.
"""

from __future__ import annotations

from rapportkoll.ingest.ocr_context import OcrContext
from rapportkoll.ingest.ocr_finance import read_finance
from rapportkoll.ingest.ocr_goals import read_goals
from rapportkoll.ingest.ocr_indicators import read_indicators
from rapportkoll.ingest.ocr_items import read_items
from rapportkoll.ingest.ocr_layout import find_layout
from rapportkoll.ingest.ocr_matrix import read_matrix
from rapportkoll.ingest.ocr_meta import read_report
from rapportkoll.ingest.ocr_prose import read_prose
from rapportkoll.ingest.profile import Profile, per_profile
from rapportkoll.ingest.source import Source
from rapportkoll.ingest.vocabulary import Vocabulary
from rapportkoll.model.bundle import Bundle


def read_ocr(source: Source, profile: Profile) -> Bundle:
    """The canonical tables of one OCR'd report read with ``profile``."""
    ctx = OcrContext(source=source, profile=profile, vocab=_vocabulary(profile))
    read_report(ctx)
    layout = find_layout(ctx)
    read_goals(ctx, layout)
    read_items(ctx, layout)
    read_matrix(ctx, layout)
    read_indicators(ctx, layout)
    read_finance(ctx, layout)
    read_prose(ctx, layout)
    return ctx.builder.build({source.path: source.lines})


@per_profile
def _vocabulary(profile: Profile) -> Vocabulary:
    """The profile's vocabularies, built once per profile (their answers kept)."""
    return Vocabulary(profile.vocabularies)
