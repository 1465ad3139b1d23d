"""Financial tables (driftredovisning, per verksamhet, investeringar, sjukfrånvaro) and
the per-unit comment headers that state an amount, from Stratsys PDF text."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rapportkoll.ingest.cells import (
    Choice,
    Reading,
    Relation,
    SumGroup,
    Token,
    cell_run,
    choose,
    numeric_tail_start,
    readings,
    resolve_by_sums,
    tokens_of,
)
from rapportkoll.ingest.profile import FinanceTable
from rapportkoll.ingest.stratsys_text import (
    Block,
    Context,
    Line,
    fold_same_length,
    folded,
)
from rapportkoll.model.errors import UserError
from rapportkoll.model.numbers import parse_number

_YEAR = re.compile(r"^(19|20)\d\d$")


def _fits_any(reading: Reading) -> bool:
    return True


@dataclass(frozen=True)
class RowReadings:
    """The possible readings of a row, enumerated only as far as they are needed.

    ``splits`` are the indices into ``tokens`` where the values may begin, the
    split taking fewest of the label's trailing numbers as values first.
    """

    text: str
    tokens: tuple[Token, ...]
    splits: tuple[int, ...]
    columns: int
    traced: bool
    # Readings by (split, full only): a row left open is read again by units.
    _seen: dict[tuple[int, bool], list[Reading]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def preferred(self, fits: Callable[[Reading], bool] = _fits_any) -> list[Reading]:
        """The readings that ``fit``: the full rows of the first split that has
        any win; with no full reading every partial one stays a candidate for the
        table-level checks."""
        for k in self.splits:
            full = [r for r in self._readings(k, full_only=True) if fits(r)]
            if full:
                return full
        return [r for k in self.splits for r in self._readings(k) if fits(r)]

    def _readings(self, k: int, *, full_only: bool = False) -> list[Reading]:
        if (k, full_only) not in self._seen:
            self._seen[k, full_only] = self._read(k, full_only)
        return self._seen[k, full_only]

    def _read(self, k: int, full_only: bool) -> list[Reading]:
        run = cell_run(
            self.text,
            self.tokens[k:],
            (self.tokens[k - 1].end if k else 0, len(self.text)),
            open_start=k == 0,
            open_end=True,
        )
        return readings(run, self.columns, traced=self.traced, full_only=full_only)


@dataclass(frozen=True)
class FinanceRow:
    """One printed row: label, where it is, its possible readings and its kind."""

    label: str
    line: Line
    options: RowReadings
    kind: str
    choice: Choice


def parse_finance(ctx: Context, first_line: int) -> None:
    """Find every profile finance table at or after ``first_line`` and read it."""
    # Each table's heading and end are searched for in the same lines, folded once.
    keys = [
        None if line is None or line.number < first_line else folded(line.body)
        for line in ctx.lines
    ]
    for table in ctx.vocab.profile.finance_tables:
        head = _find_line(keys, table.heading, first_line, len(ctx.lines) + 1)
        if head is None:
            continue
        stop = _find_line(keys, table.end, head + 1, len(ctx.lines) + 1)
        rows = _read_rows(ctx, table, head, stop or len(ctx.lines) + 1)
        _emit(ctx, table, rows)


def _find_line(
    keys: Sequence[str | None], phrases: Sequence[str], start: int, stop: int
) -> int | None:
    """The first line number in ``start``..``stop`` whose folded text (``keys``,
    one per line) starts with one of ``phrases``."""
    wanted = [folded(p) for p in phrases]
    for number in range(start, stop):
        key = keys[number - 1]
        if key is not None and any(key.startswith(w) for w in wanted):
            return number
    return None


def columns_of(ctx: Context, table: FinanceTable) -> list[str]:
    year = ctx.year or 0
    try:
        return [c.format(year=year, prev_year=year - 1) for c in table.columns]
    except (KeyError, IndexError, ValueError) as exc:
        raise UserError(f"finance_tables → {table.name} → columns: {exc}") from None


def _read_rows(
    ctx: Context, table: FinanceTable, head: int, stop: int
) -> list[FinanceRow]:
    columns = columns_of(ctx, table)
    relations = _relations(table)
    rows: list[FinanceRow] = []
    pending: list[str] = []
    for number in range(head, stop):
        line = ctx.lines[number - 1]
        if line is None:
            continue
        ctx.consumed.add(number)
        tokens = tokens_of(line.body)
        first = numeric_tail_start(tokens)
        values = tokens[first:]
        if number > head + 1 and ctx.lines[number - 2] is None:
            pending.append("")
        if (
            number == head
            or not values
            or (not rows and all(_YEAR.match(t.text) for t in values))
        ):
            pending.append(line.body.strip())
            continue
        options = _row_readings(line, tokens, first, len(columns))
        choice = choose(options.preferred(), columns, relations)
        label = _label(line, choice, tokens[first]) or _last_paragraph(pending)
        rows.append(
            FinanceRow(label, line, options, _row_kind(ctx, table, label), choice)
        )
        pending = []
    return rows


def _last_paragraph(pending: Sequence[str]) -> str:
    """The text lines since the last blank line ('' in ``pending``): a label
    printed above its row ('Varav' / 'kapitalkostnader')."""
    paragraph: list[str] = []
    blank = False
    for text in pending:
        if text:
            paragraph = [text] if blank else [*paragraph, text]
        blank = not text
    return " ".join(" ".join(paragraph).split())


def _relations(table: FinanceTable) -> list[Relation]:
    try:
        return [Relation.parse(r) for r in table.relations]
    except ValueError as exc:
        raise UserError(f"finance_tables → {table.name} → relations: {exc}") from None


def _row_readings(
    line: Line, tokens: Sequence[Token], first: int, n: int
) -> RowReadings:
    """Readings of a row. A line printed with the trailing cell separator (PDF table
    text) shows empty cells as extra spaces; a line without it (an embedded sheet)
    drops empty cells without trace, and its label may end in numbers ('Höjdfordon
    2025'), so every split between label and values is a candidate."""
    splits = (first,) if line.soft_end else tuple(range(first, len(tokens)))
    return RowReadings(line.body, tuple(tokens), splits, n, traced=line.soft_end)


def _label(line: Line, choice: Choice, first_value: Token) -> str:
    reading = choice.reading
    cells = [c for c in reading.cells if c is not None] if reading else []
    end = cells[0].start if cells else first_value.start
    return " ".join(line.body[:end].split())


def _row_kind(ctx: Context, table: FinanceTable, label: str) -> str:
    text = folded(label)
    totals = [folded(t) for t in table.total_rows]
    if ctx.organisation:
        totals.append(folded(ctx.organisation))
    if any(text == t or text.startswith(t + " ") for t in totals):
        return "total"
    if any(text.startswith(folded(v)) for v in table.varav_rows):
        return "varav"
    return "part"


def _learned_units(rows: Sequence[FinanceRow], columns: int) -> list[set[str | None]]:
    """The units each column is printed in, from the rows read without doubt."""
    units: list[set[str | None]] = [set() for _ in range(columns)]
    for row in rows:
        if row.choice.resolved and row.choice.reading is not None:
            for k, cell in enumerate(row.choice.reading.cells):
                if cell is not None:
                    units[k].add(cell.number.unit)
    return units


def _by_units(
    rows: Sequence[FinanceRow], columns: Sequence[str], relations: Sequence[Relation]
) -> list[Choice]:
    """Re-choose open rows without the readings that put a number into a column
    printed in another unit (a bare 0 into a column printed in %)."""
    units = _learned_units(rows, len(columns))
    out: list[Choice] = []
    for row in rows:
        if row.choice.resolved:
            out.append(row.choice)
            continue

        def fits(reading: Reading) -> bool:
            return all(
                c is None or len(units[k]) != 1 or c.number.unit in units[k]
                for k, c in enumerate(reading.cells)
            )

        candidates = row.options.preferred(fits)
        out.append(choose(candidates, columns, relations) if candidates else row.choice)
    return out


def _blocks(
    ctx: Context, table: FinanceTable, rows: Sequence[FinanceRow]
) -> list[tuple[str, list[int]]]:
    """(table name, row indices): one block per total row when the profile says the
    table holds several ('Totalt investeringar IT' -> investeringar_it)."""
    totals = [i for i, r in enumerate(rows) if r.kind == "total"]
    if len(totals) < 2 or not ctx.vocab.setting(
        "stratsys", "split_on_total_rows", False
    ):
        return [(table.name, list(range(len(rows))))]
    out: list[tuple[str, list[int]]] = []
    begin = 0
    for t in totals:
        out.append(
            (f"{table.name}_{_suffix(table, rows[t].label)}", list(range(begin, t + 1)))
        )
        begin = t + 1
    if begin < len(rows):
        out.append((f"{table.name}_ovrigt", list(range(begin, len(rows)))))
    return out


def _suffix(table: FinanceTable, label: str) -> str:
    text = folded(label)
    for total in sorted((folded(t) for t in table.total_rows), key=len, reverse=True):
        if text.startswith(total):
            text = text[len(total) :]
            break
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_") or "total"


def _sum_groups(
    rows: Sequence[FinanceRow], block: Sequence[int], choices: Sequence[Choice], n: int
) -> list[SumGroup]:
    parts = tuple(i for i in block if rows[i].kind == "part")
    groups = []
    for t in (i for i in block if rows[i].kind == "total"):
        reading = choices[t].reading
        summable = tuple(
            k
            for k in range(n)
            if reading is None
            or reading.cells[k] is None
            or reading.cells[k].number.unit != "%"  # type: ignore[union-attr]
        )
        groups.append(SumGroup(parts, t, summable))
    return groups


def _emit(ctx: Context, table: FinanceTable, rows: Sequence[FinanceRow]) -> None:
    columns = columns_of(ctx, table)
    choices = _by_units(rows, columns, _relations(table))
    blocks = _blocks(ctx, table, rows)
    for _, block in blocks:
        choices = resolve_by_sums(
            choices, _sum_groups(rows, block, choices, len(columns))
        )
    for name, block in blocks:
        for position, i in enumerate(block, start=1):
            _emit_row(ctx, table, name, position, rows[i], choices[i], columns)


def _emit_row(
    ctx: Context,
    table: FinanceTable,
    name: str,
    position: int,
    row: FinanceRow,
    choice: Choice,
    columns: Sequence[str],
) -> None:
    line = row.line.number
    cells = [c for c in choice.reading.cells if c is not None] if choice.reading else []
    label = " ".join(row.line.body[: cells[0].start].split()) if cells else ""
    label = label or row.label
    if not choice.resolved:
        issue = "ambiguous" if choice.candidates else "unreadable"
        ctx.issue(
            line,
            issue,
            name,
            row.line.body.strip(),
            f"raden {label!r} kan inte läsas entydigt i {len(columns)} "
            f"kolumner: {choice.message()}",
            " | ".join(c.describe() for c in choice.candidates[:3]),
        )
    if choice.reading is None:
        return
    for column, cell in zip(columns, choice.reading.cells, strict=True):
        ctx.add(
            "finance",
            line,
            table=name,
            row=label,
            row_kind=row.kind,
            position=position,
            column=column,
            value=math.nan if cell is None else cell.number.value,
            printed="" if cell is None else cell.number.printed,
            decimals=None if cell is None else cell.number.decimals,
            unit=(cell.number.unit if cell and cell.number.unit else table.unit),
        )


# --- per-unit comment headers ------------------------------------------------------


def parse_unit_claims(ctx: Context, start: int, end: int) -> None:
    """'Avvikelse budget och utfall för perioden, +720 tkr:' under a unit heading
    ('Ekonomiavdelningen') becomes a claim about that unit."""
    measures = {
        key.removeprefix("unit_"): phrases
        for key, phrases in ctx.vocab.profile.claim_subjects.items()
        if key.startswith("unit_")
    }
    section = ctx.blocks[start].text.strip()
    subject: str | None = None
    for block in ctx.blocks[start + 1 : end]:
        first = block.bodies[0]
        claim = _match_claim(measures, first)
        if claim is not None:
            _emit_claim(ctx, block, section, subject, *claim)
        elif _is_unit_heading(block):
            subject = block.text.strip()
            ctx.consume(block)


def _match_claim(
    measures: dict[str, list[str]], text: str
) -> tuple[str, str, str] | None:
    f = fold_same_length(text)
    for measure, phrases in measures.items():
        alts = "|".join(re.escape(folded(p)).replace(r"\ ", r"\s+") for p in phrases)
        m = re.match(
            rf"\s*(?:{alts})\s*[,:]?\s*(?P<amount>[-+−–]?\s?\d{{1,3}}(?:\s\d{{3}})*(?:,\d+)?)"
            r"\s*(?P<unit>tkr|mnkr|kr)\b",
            f,
        )
        if m:
            return measure, text[m.start("amount") : m.end("amount")], m.group("unit")
    return None


def _is_unit_heading(block: Block) -> bool:
    text = block.text.strip()
    return (
        len(block.numbers) == 1
        and 0 < len(text.split()) <= 6
        and text[-1] not in ".:,;!?"
        and text[0].isupper()
    )


def _emit_claim(
    ctx: Context,
    block: Block,
    section: str,
    subject: str | None,
    measure: str,
    printed: str,
    unit: str,
) -> None:
    number = parse_number(printed)
    ctx.consumed.add(block.first)
    if number is None:
        ctx.issue(
            block.first,
            "unreadable",
            "claims",
            block.bodies[0],
            f"beloppet {printed!r} kan inte läsas",
        )
        return
    sign = printed.strip()[:1]
    direction = 1 if sign == "+" else -1 if sign in "-−–" else None
    ctx.add(
        "claims",
        block.first,
        section=section,
        subject=subject,
        measure=measure,
        sentence=block.bodies[0].strip(),
        value=number.value,
        printed=number.printed,
        decimals=number.decimals,
        unit=unit,
        direction=direction,
        claim_kind="unit_header",
    )
