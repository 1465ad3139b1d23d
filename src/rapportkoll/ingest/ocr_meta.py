"""The reports row of an OCR'd report: organisation, document type, period, unit.

OCR'd reports often lose their cover page, so the document type may not be
printed. Then the profile's ``extra.ocr.doc_type_by_period_month`` (the template's
calendar: which report closes which month) names it from the period end.
"""

from __future__ import annotations

import re
from typing import Any

from rapportkoll.ingest.normalize import fold
from rapportkoll.ingest.ocr_context import OcrContext
from rapportkoll.ingest.ocr_text import DATE_RE


def read_report(ctx: OcrContext) -> None:
    org, org_line = _first_group(ctx, ctx.profile.organisation_patterns, "org")
    end, end_line = _first_group(ctx, ctx.profile.period_patterns, "end")
    if end is not None and not DATE_RE.fullmatch(end):
        end = None
    doc_type = _doc_type(ctx, end)
    ctx.year = int(end[:4]) if end else None
    ctx.add(
        "reports",
        end_line or org_line or 1,
        organisation=org,
        doc_type=doc_type,
        title=None,
        period_start=f"{end[:4]}-01-01" if end else None,
        period_end=end,
        unit=ctx.profile.amount_unit,
        profile=ctx.profile.name,
    )
    if end is None:
        ctx.issue(1, "unreadable", "reports", "", "rapportens period kunde inte läsas")


def _first_group(
    ctx: OcrContext, patterns: list[str], group: str
) -> tuple[str | None, int]:
    for pattern in patterns:
        regex = re.compile(pattern)
        if group not in regex.groupindex:
            continue
        for number, text in enumerate(ctx.lines, start=1):
            m = regex.search(text)
            if m and m.group(group):
                return m.group(group).strip(), number
    return None, 0


def _doc_type(ctx: OcrContext, end: str | None) -> str | None:
    head = fold(" ".join(ctx.lines[:40]))
    for doc_type, phrases in ctx.profile.doc_types.items():
        if any(re.search(rf"\b{re.escape(fold(p))}\b", head) for p in phrases):
            return doc_type
    by_month: Any = ctx.settings.get("doc_type_by_period_month", {})
    if end is None or not isinstance(by_month, dict):
        return None
    found = by_month.get(int(end[5:7]), by_month.get(end[5:7]))
    return str(found) if found is not None else None
