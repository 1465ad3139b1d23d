"""Investment tables and the monthly sick-leave table in OCR text.

Investment rows are anchored on their deviation-percent cell (or the '-' printed
for it): the profile says which column that is, so the numbers just before it are
the totals and anything further left belongs to the project's name ('Tankbil
2023'). Settings live in the profile under ``extra.ocr.investments``.
"""

from __future__ import annotations

import re
from typing import Any

from rapportkoll.ingest.normalize import fold
from rapportkoll.ingest.numberwords import MONTH_ABBREVIATIONS
from rapportkoll.ingest.ocr_context import OcrContext, number_columns
from rapportkoll.ingest.ocr_layout import Layout
from rapportkoll.ingest.ocr_text import is_value_token, similar
from rapportkoll.ingest.ocr_values import odd_decimals, read_run
from rapportkoll.model.numbers import Number, parse_number, segmentations

_PERCENT = re.compile(r"^-?\d+(?:[.,]\d+)?%$")
_PROSE = 70


def read_investments(ctx: OcrContext, layout: Layout) -> None:
    settings: Any = ctx.settings.get("investments", {})
    if not isinstance(settings, dict):
        return
    columns = _investment_columns(ctx, settings)
    tables = [
        {**settings, **spec, "columns": columns} for spec in settings.get("tables", [])
    ]
    for start in layout.of("investments")[:1]:
        ctx.used.add(start)
        stop = min(layout.next_start(start), len(ctx.lines) + 1)
        heads = _table_heads(ctx, tables, start, stop)
        for i, (line, spec) in enumerate(heads):
            end = heads[i + 1][0] if i + 1 < len(heads) else stop
            _read_investment_table(ctx, spec, line, end)


def _investment_columns(ctx: OcrContext, settings: dict[str, Any]) -> list[str]:
    """Columns of the profile's investment table, '{year}' filled from the period."""
    source = settings.get("columns_from")
    for table in ctx.profile.finance_tables:
        if table.name == source:
            year = ctx.year or 0
            return [c.format(year=year, prev_year=year - 1) for c in table.columns]
    return [str(c) for c in settings.get("columns", [])]


def _table_heads(
    ctx: OcrContext, tables: Any, start: int, stop: int
) -> list[tuple[int, dict[str, Any]]]:
    heads: list[tuple[int, dict[str, Any]]] = []
    for spec in tables if isinstance(tables, list) else []:
        names = [fold(h) for h in spec.get("heading", [])]
        for n in range(start + 1, stop):
            if fold(ctx.text(n)) in names and all(h[0] != n for h in heads):
                heads.append((n, spec))
                break
    return sorted(heads, key=lambda h: h[0])


def _read_investment_table(
    ctx: OcrContext, spec: dict[str, Any], head: int, end: int
) -> None:
    columns = [str(c) for c in spec["columns"]]
    anchor = int(spec.get("anchor_column", 2))
    totals = [fold(t) for t in spec.get("total_rows", ["Totalt"])]
    ctx.used.add(head)
    position = 0
    after_total = False
    for n in range(head + 1, end):
        text = ctx.text(n).strip()
        words = text.replace("|", " | ").split()
        values = [w for w in words if is_value_token(w) or _PERCENT.match(w)]
        if len(values) < 2:
            # Short lines inside the table are its headings; after the total row
            # they are the prose that follows it (a wrapped sentence's last line).
            if text and len(text) < _PROSE and not after_total:
                ctx.used.add(n)
            continue
        if len(text) > _PROSE and len(values) < 4:
            break
        if _header_line(ctx, text):
            ctx.used.add(n)
            continue
        ctx.used.add(n)
        row = _investment_row(ctx, n, words, columns, anchor)
        if row is None:
            continue
        label, numbers = row
        kind = "total" if any(fold(label).startswith(t) for t in totals) else "part"
        after_total = after_total or kind == "total"
        for column, number in zip(columns, numbers, strict=True):
            if number is not None:
                ctx.add(
                    "finance",
                    n,
                    table=spec["name"],
                    row=label,
                    row_kind=kind,
                    position=position,
                    column=column,
                    unit="%" if number.unit == "%" else spec.get("unit", "tkr"),
                    **number_columns(number),
                )
        position += 1


def _header_line(ctx: OcrContext, text: str) -> bool:
    words = [
        fold(w)
        for w in ctx.settings.get("investments", {}).get(
            "header_words", ["budget", "prognos"]
        )
    ]
    folded = fold(text).split()
    return all(w in folded for w in words)


def _investment_row(
    ctx: OcrContext, n: int, words: list[str], columns: list[str], anchor: int
) -> tuple[str, list[Number | None]] | None:
    table = "finance"
    marks = [i for i, w in enumerate(words) if _PERCENT.match(w) or w == "-"]
    if len(marks) != 1:
        ctx.issue(
            n,
            "ambiguous",
            table,
            ctx.text(n),
            "raden saknar en läsbar avvikelsekolumn: kolumnerna kan inte placeras",
        )
        return None
    mark = marks[0]
    left = _left_cells(words[:mark], anchor)
    if left is None:
        ctx.issue(
            n,
            "ambiguous",
            table,
            ctx.text(n),
            "projektets namn och beloppen före avvikelsen kan inte skiljas åt",
        )
        return None
    label, before = left
    right = read_run(" ".join(words[mark + 1 :]), len(columns) - anchor - 1)
    if right.numbers is None:
        ctx.issue(
            n,
            "ambiguous",
            table,
            ctx.text(n),
            right.problem or "",
            list(right.candidates),
        )
        return None
    middle = parse_number(words[mark]) if words[mark] != "-" else None
    if not any(c.isalpha() for c in label):
        ctx.issue(n, "ambiguous", table, ctx.text(n), "raden saknar läsbar benämning")
        return None
    row: list[Number | None] = [*before, middle, *right.numbers]
    _flag_dotted_thousands(ctx, n, row)
    return label, [None if _dotted(x) else x for x in row]


def _left_cells(words: list[str], count: int) -> tuple[str, list[Number]] | None:
    """The rightmost ``count`` numbers before the anchor; the rest is the label."""
    options: list[tuple[str, list[Number]]] = []
    start = len(words)
    while start > 0 and (is_value_token(words[start - 1]) or words[start - 1] == "|"):
        start -= 1
    for s in range(start, len(words)):
        tail = [w for w in words[s:] if w != "|"]
        found = segmentations(tail, count)
        if len(found) == 1:
            label = " ".join(w for w in words[:s] if w != "|")
            options.append((label, found[0]))
    # The label takes as few tokens as possible: 'Tankbil 2023 -6 000 -4 500'.
    return options[0] if options else None


def _dotted(number: Number | None) -> bool:
    """'-3.000' in an amount table: a thousands group OCR read as decimals."""
    return number is not None and number.decimals == 3 and "." in number.printed


def _flag_dotted_thousands(ctx: OcrContext, n: int, row: list[Number | None]) -> None:
    for number in row:
        if _dotted(number) and number is not None:
            ctx.issue(
                n,
                "ambiguous",
                "finance",
                number.printed,
                "punkt med tre decimaler i en beloppstabell: troligen tusental",
                [number.printed.replace(".", " ")],
            )


def read_sick_leave(ctx: OcrContext, layout: Layout) -> None:
    name = str(ctx.settings.get("sick_leave_table", "sjukfranvaro"))
    for start in layout.of("sick_leave")[:1]:
        ctx.used.add(start)
        ignore = ("analysis", f"finance:{name}")
        stop = min(layout.next_start(start, ignore), len(ctx.lines) + 1)
        months: list[str] = []
        position = 0
        for n in range(start + 1, stop):
            words = ctx.text(n).replace("|", " | ").split()
            if not months and words and fold(words[0]) == "jan":
                months = [fold(w) for w in words if fold(w) in MONTH_ABBREVIATIONS]
                ctx.used.add(n)
                continue
            if months and _sick_row(ctx, name, n, words, months, position):
                position += 1


def _sick_row(
    ctx: OcrContext,
    name: str,
    n: int,
    words: list[str],
    months: list[str],
    position: int,
) -> bool:
    cut = len(words)
    while cut > 0 and is_value_token(words[cut - 1]):
        cut -= 1
    values = words[cut:]
    if len(values) < 2 or cut == 0 or not similar(words[0], words[0]):
        return False
    ctx.used.add(n)
    label = words[0]
    numbers = [parse_number(v) for v in values]
    if any(x is None for x in numbers) or len(values) > len(months):
        ctx.issue(
            n, "unreadable", "finance", ctx.text(n), "sjukfrånvaron kunde inte läsas"
        )
        return True
    parsed = [x for x in numbers if x is not None]
    odd = dict(odd_decimals(parsed))
    for i, (month, number) in enumerate(zip(months, parsed, strict=False)):
        if i in odd:
            ctx.issue(
                n,
                "ambiguous",
                "finance",
                number.printed,
                f"{label} {month}: decimaltecknet saknas troligen",
                [odd[i]],
            )
            continue
        ctx.add(
            "finance",
            n,
            table=name,
            row=label,
            row_kind="part",
            position=position,
            column=month,
            unit="%",
            **number_columns(number),
        )
    return True
