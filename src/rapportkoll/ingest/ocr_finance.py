"""Finance tables in OCR text (stub)."""

from __future__ import annotations

from rapportkoll.ingest.ocr_context import OcrContext
from rapportkoll.ingest.ocr_layout import Layout


def read_finance(ctx: OcrContext, layout: Layout) -> None:
    return None
