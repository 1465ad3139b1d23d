"""Operating statement tables in OCR text, and the per-unit comment headers.

Rows are read with ``cells``: OCR keeps no whitespace evidence, so a '|' is the
only cell boundary it prints; the digit grouping of the rest is resolved from the
column count, the profile's row relations and the tables' parts-sum-to-total.
"""

from __future__ import annotations

import re

from rapportkoll.ingest.cells import (
    CellRun,
    Choice,
    Relation,
    SumGroup,
    Token,
    choose,
    readings,
    resolve_by_sums,
    tokens_of,
)
from rapportkoll.ingest.ocr_context import OcrContext, number_columns
from rapportkoll.ingest.ocr_invest import read_investments, read_sick_leave
from rapportkoll.ingest.ocr_layout import Layout
from rapportkoll.ingest.ocr_text import is_blank, is_value_token, matches_any, similar
from rapportkoll.ingest.profile import FinanceTable
from rapportkoll.model.numbers import parse_number

_UNIT_AMOUNT = re.compile(
    r"(?P<num>[+\-−–]?\s?\d[\d ]*(?:,\d+)?)\s*(?P<unit>tkr|mnkr|kr)\b"
)


def pipe_run(text: str) -> tuple[str, CellRun]:
    """The numeric text as one cell run, its groups split only where '|' was printed."""
    clean = text.replace("|", " ")
    toks = tokens_of(clean)
    groups: list[list[Token]] = []
    for tok in toks:
        between = text[groups[-1][-1].end : tok.start] if groups else ""
        if not groups or "|" in between:
            groups.append([tok])
        else:
            groups[-1].append(tok)
    run = CellRun(tuple(tuple(g) for g in groups), tuple([0] * (len(groups) + 1)))
    return clean, run


def split_label(text: str) -> tuple[str, str] | None:
    """('Kostnader', '-260 871 -239 849 …') when the line ends in a numeric run."""
    words = text.replace("|", " | ").split()
    cut = len(words)
    while cut > 0 and (words[cut - 1] == "|" or is_value_token(words[cut - 1])):
        cut -= 1
    label = " ".join(w for w in words[:cut] if w != "|")
    values = sum(1 for w in words[cut:] if w != "|")
    if not label or values < 2 or not any(c.isalpha() for c in label):
        return None
    offset = _offset_after_words(text, cut)
    return label, text[offset:]


def _offset_after_words(text: str, count: int) -> int:
    spaced = text.replace("|", " | ")
    pos = len(spaced)
    for seen, m in enumerate(re.finditer(r"\S+", spaced)):
        if seen == count:
            pos = m.start()
            break
    else:
        return len(text)
    # map the offset in ``spaced`` back to ``text`` (each '|' gained two spaces)
    return pos - 2 * spaced[:pos].count("|")


def read_finance(ctx: OcrContext, layout: Layout) -> None:
    own = set(ctx.settings.get("own_tables", []))
    for table in ctx.profile.finance_tables:
        if table.name in own:
            continue
        for start in layout.of(f"finance:{table.name}")[:1]:
            _read_table(ctx, layout, table, start)
    read_unit_claims(ctx, layout)
    read_investments(ctx, layout)
    read_sick_leave(ctx, layout)


def _table_rows(
    ctx: OcrContext, layout: Layout, table: FinanceTable, start: int
) -> list[tuple[int, str, str]]:
    """(line, label, numeric text) of each row; header lines before them are used."""
    stop = min(layout.next_start(start), len(ctx.lines) + 1)
    rows: list[tuple[int, str, str]] = []
    ctx.used.add(start)
    for n in range(start + 1, stop):
        text = ctx.text(n)
        if n in ctx.used:
            continue
        if rows and table.end and matches_any(text.strip(), table.end, 0.9):
            break
        found = split_label(text) if text.strip() else None
        if found is None:
            if not rows:
                ctx.used.add(n)
            continue
        ctx.used.add(n)
        label = _continued_label(ctx, table, found[0], n)
        rows.append((n, label, found[1]))
    return rows


def _continued_label(ctx: OcrContext, table: FinanceTable, label: str, n: int) -> str:
    """'Varav' + next line 'kapitalkostnader' when that completes a known row label."""
    nxt = ctx.text(n + 1).strip()
    known = table.total_rows + table.varav_rows
    if nxt and not any(c.isdigit() for c in nxt) and len(nxt.split()) <= 3:
        joined = f"{label} {nxt}"
        if matches_any(joined, known, 0.85) and not matches_any(label, known, 0.95):
            ctx.used.add(n + 1)
            return joined
    return label


def _read_table(
    ctx: OcrContext, layout: Layout, table: FinanceTable, start: int
) -> None:
    rows = _table_rows(ctx, layout, table, start)
    relations = [Relation.parse(r) for r in table.relations]
    choices: list[Choice] = []
    for _n, _label, numeric in rows:
        _clean, run = pipe_run(numeric)
        choices.append(
            choose(readings(run, len(table.columns)), table.columns, relations)
        )
    kinds = [_row_kind(table, label) for _, label, _ in rows]
    parts = tuple(i for i, k in enumerate(kinds) if k == "part")
    groups = [
        SumGroup(parts, i, tuple(range(len(table.columns))))
        for i, k in enumerate(kinds)
        if k == "total" and parts
    ]
    choices = resolve_by_sums(choices, groups)
    for position, ((n, label, numeric), kind, choice) in enumerate(
        zip(rows, kinds, choices, strict=True)
    ):
        _emit_row(ctx, table, position, n, label, kind, numeric, choice)


def _row_kind(table: FinanceTable, label: str) -> str:
    if any(similar(label, t, 0.85) for t in table.total_rows):
        return "total"
    if any(similar(label, t, 0.85) for t in table.varav_rows):
        return "varav"
    return "part"


def _emit_row(
    ctx: OcrContext,
    table: FinanceTable,
    position: int,
    n: int,
    label: str,
    kind: str,
    numeric: str,
    choice: Choice,
) -> None:
    if choice.reading is None:
        ctx.issue(
            n,
            "unreadable",
            "finance",
            ctx.text(n),
            f"raden '{label}' kunde inte läsas som {len(table.columns)} kolumner",
        )
        return
    if not choice.resolved:
        ctx.issue(
            n,
            "ambiguous",
            "finance",
            numeric,
            choice.message(),
            [r.describe() for r in choice.candidates],
        )
    for column, cell in zip(table.columns, choice.reading.cells, strict=True):
        values = number_columns(cell.number) if cell else {"value": None, "printed": ""}
        ctx.add(
            "finance",
            n,
            table=table.name,
            row=label,
            row_kind=kind,
            position=position,
            column=column,
            unit=table.unit,
            **values,
        )


def read_unit_claims(ctx: OcrContext, layout: Layout) -> None:
    """'Avvikelse budget och utfall för perioden, -303 tkr:' under a unit heading."""
    phrases = {
        measure.removeprefix("unit_"): spellings
        for measure, spellings in ctx.profile.claim_subjects.items()
        if measure.startswith("unit_")
    }
    for start in layout.of("unit_comments")[:1]:
        ctx.used.add(start)
        subject: str | None = None
        for n in range(start + 1, min(layout.next_start(start), len(ctx.lines) + 1)):
            text = ctx.text(n)
            if is_blank(text):
                continue
            measure = next(
                (m for m, p in phrases.items() if matches_any(text, p, 0.85)), None
            )
            if measure is None or not text.rstrip().endswith(":"):
                if _unit_heading(text):
                    subject = text.strip()
                continue
            _claim(ctx, n, subject, measure)


def _unit_heading(text: str) -> bool:
    """A unit's name on a line of its own (short, no digits, ends no sentence)."""
    stripped = text.strip()
    return (
        0 < len(stripped) <= 40
        and not any(c.isdigit() for c in stripped)
        and stripped[0].isupper()
        and stripped[-1] not in ".,:;"
    )


def _claim(ctx: OcrContext, n: int, subject: str | None, measure: str) -> None:
    text = ctx.text(n).strip()
    m = _UNIT_AMOUNT.search(text)
    number = parse_number(m.group("num").strip()) if m else None
    if m is None or number is None:
        ctx.issue(
            n, "unreadable", "claims", text, "beloppet i rubriken kunde inte läsas"
        )
        return
    ctx.used.add(n)
    direction = 0 if number.value == 0 else (1 if number.value > 0 else -1)
    ctx.add(
        "claims",
        n,
        section=subject,
        subject=subject,
        measure=measure,
        sentence=text,
        unit=m.group("unit"),
        direction=direction,
        claim_kind="unit_header",
        **number_columns(number),
    )
