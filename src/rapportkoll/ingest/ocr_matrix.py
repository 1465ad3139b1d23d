"""The summary matrix of uppdrag and nämndinitiativ (kind × status × column).

OCR keeps no cell positions: a row printed with fewer numbers than columns has
an empty cell somewhere. It is placed only when exactly one placement satisfies
the matrix relation (the total column is the sum of the others) with the total
present; otherwise the row is reported as ambiguous with its candidate readings.
"""

from __future__ import annotations

from itertools import combinations

from rapportkoll.ingest.normalize import fold
from rapportkoll.ingest.ocr_context import OcrContext, number_columns
from rapportkoll.ingest.ocr_layout import Layout
from rapportkoll.ingest.ocr_text import is_value_token, tokens
from rapportkoll.model.numbers import Number, parse_number

DEFAULT_COLUMNS = ["enligt_plan", "avvikelse", "total"]
_PROSE_WIDTH = 60


def read_matrix(ctx: OcrContext, layout: Layout) -> None:
    columns = list(ctx.template.get("matrix_columns", DEFAULT_COLUMNS))
    total_words = [fold(w) for w in ctx.template.get("matrix_total_row", ["Totalt"])]
    for start in layout.of("matrix"):
        ctx.used.add(start)
        end = min(layout.next_start(start), len(ctx.lines) + 1)
        seen_row = False
        for n in range(start + 1, end):
            text = ctx.text(n)
            if not text.strip():
                continue
            if _read_row(ctx, n, columns, total_words):
                seen_row = True
            elif seen_row and len(text.strip()) > _PROSE_WIDTH:
                break


def _read_row(
    ctx: OcrContext, n: int, columns: list[str], total_words: list[str]
) -> bool:
    words = [w for w in tokens(ctx.text(n)) if w != "|"]
    if len(words) < 2:
        return False
    cut = len(words)
    while cut > 0 and is_value_token(words[cut - 1]):
        cut -= 1
    labels, values = words[:cut], words[cut:]
    if not labels or not values:
        return False
    if any(fold(" ".join(labels)).startswith(t) for t in total_words):
        kind, status = "total", "total"
    else:
        found_kind = ctx.vocab.match("kind", labels[0], 0.85)
        found_status = ctx.vocab.match("status", " ".join(labels[1:]))
        if found_kind is None or found_status is None:
            return False
        ctx.record(found_kind, n)
        ctx.record(found_status, n)
        kind, status = found_kind.canonical, found_status.canonical
    ctx.used.add(n)
    numbers = [parse_number(v) for v in values]
    parsed = [x for x in numbers if x is not None]
    if len(parsed) != len(values):
        ctx.issue(
            n,
            "unreadable",
            "item_matrix",
            ctx.text(n),
            "talen i raden kunde inte läsas",
        )
        return True
    _place(ctx, n, kind, status, columns, parsed)
    return True


def _place(
    ctx: OcrContext,
    n: int,
    kind: str,
    status: str,
    columns: list[str],
    parsed: list[Number],
) -> None:
    if len(parsed) > len(columns):
        ctx.issue(
            n,
            "ambiguous",
            "item_matrix",
            ctx.text(n),
            f"{len(parsed)} tal men {len(columns)} kolumner",
        )
        return
    placements = [
        dict(zip(chosen, parsed, strict=True))
        for chosen in combinations(columns, len(parsed))
    ]
    if len(parsed) < len(columns):
        placements = [p for p in placements if _holds(p, columns)]
    if len(placements) != 1:
        ctx.issue(
            n,
            "ambiguous",
            "item_matrix",
            ctx.text(n),
            f"{len(parsed)} tal för {len(columns)} kolumner: den tomma cellen kan inte "
            "placeras säkert",
            candidates=[_describe(p, columns) for p in _all(parsed, columns)],
        )
        return
    for column in columns:
        number = placements[0].get(column)
        values = number_columns(number) if number else {"value": None, "printed": ""}
        ctx.add("item_matrix", n, kind=kind, status=status, column=column, **values)


def _holds(placement: dict[str, Number], columns: list[str]) -> bool:
    """Total present and equal to the sum of the other (present) cells."""
    total = placement.get(columns[-1])
    if total is None:
        return False
    parts = sum(placement[c].value for c in columns[:-1] if c in placement)
    return parts == total.value


def _all(parsed: list[Number], columns: list[str]) -> list[dict[str, Number]]:
    return [
        dict(zip(chosen, parsed, strict=True))
        for chosen in combinations(columns, len(parsed))
    ]


def _describe(placement: dict[str, Number], columns: list[str]) -> str:
    return ", ".join(
        f"{c}={placement[c].printed if c in placement else ''}" for c in columns
    )
