"""Text normalisation for tolerant matching (case, diacritics, whitespace) and dates."""

from __future__ import annotations

import calendar
import datetime
import re

from rapportkoll.ingest.numberwords import month_number
from rapportkoll.model.text import fold

__all__ = ["fold", "match_vocabulary", "period_from_groups", "swedish_date"]


_ISO_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH_YEAR_RE = re.compile(r"\b(\d{1,2})\s+([A-Za-zÅÄÖåäö]+)\.?\s+(\d{4})\b")


def swedish_date(text: str) -> str | None:
    """The first full date in ``text`` as ISO ('28 april 2025' → '2025-04-28').

    A year or a month alone ('Under 2025') is not a date: None.
    """
    found: list[tuple[int, str]] = []
    iso = _ISO_RE.search(text)
    if iso and _valid(int(iso[1]), int(iso[2]), int(iso[3])):
        found.append((iso.start(), iso.group(0)))
    for m in _DAY_MONTH_YEAR_RE.finditer(text):
        month = month_number(m[2])
        if month is not None and _valid(int(m[3]), month, int(m[1])):
            found.append((m.start(), f"{int(m[3]):04d}-{month:02d}-{int(m[1]):02d}"))
            break
    return min(found)[1] if found else None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def period_from_groups(groups: dict[str, str | None]) -> tuple[str | None, str | None]:
    """Period start/end from a period pattern's named groups.

    ``start``/``end`` are ISO dates; ``year`` alone is the calendar year; ``year``
    with ``month`` (a Swedish month name) is January 1 to that month's last day.
    """
    start, end = groups.get("start"), groups.get("end")
    year = groups.get("year")
    if year and not (start or end):
        month = month_number(groups.get("month") or "") if groups.get("month") else 12
        if month is None:
            return None, None
        last = calendar.monthrange(int(year), month)[1]
        return f"{year}-01-01", f"{year}-{month:02d}-{last:02d}"
    if end and not start:
        start = f"{end[:4]}-01-01"
    return start, end


def match_vocabulary(text: str, vocabulary: dict[str, list[str]]) -> str | None:
    """The canonical value whose spelling equals ``text`` (folded), else None."""
    folded = fold(text)
    for canonical, spellings in vocabulary.items():
        if any(fold(s) == folded for s in [canonical, *spellings]):
            return canonical
    return None
