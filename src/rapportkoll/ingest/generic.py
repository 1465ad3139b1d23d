"""Reader for reports no profile knows: numeric tables found by their shape, plus prose.

A table is a run of rows that each hold a label followed by the same number of
numeric cells, with header lines above. Cells are separated by tabs, pipes
(markdown tables) or runs of two or more spaces (``pdftotext -layout``); within a
cell a single space groups thousands ('- 6 279'). Header words name the columns
(budget, utfall, avvikelse, prognos + a period/year suffix), labels name total rows
(Summa, Totalt, Netto …), a caption or heading above names the table and its unit.
Everything else becomes ``text_lines`` for the central prose-claim reading.

The sign convention of a difference column (utfall − budget or budget − utfall)
is inferred per table from its own numbers (:func:`infer_convention`); rules
check it with alternative formulas, so the reader only uses it to report a table
whose rows disagree among themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from rapportkoll.ingest.markdown import clean, heading_of
from rapportkoll.ingest.normalize import fold
from rapportkoll.ingest.numberwords import MONTH_ABBREVIATIONS
from rapportkoll.ingest.profile import Profile
from rapportkoll.ingest.source import Source
from rapportkoll.model.bundle import Bundle, TableBuilder
from rapportkoll.model.numbers import Number, parse_number

TOTAL_LABELS: Final = ("summa", "totalt", "total", "netto", "resultat", "sum")
VARAV_LABELS: Final = ("varav", "därav", "darav")
COLUMN_WORDS: Final[tuple[tuple[str, str], ...]] = (
    ("budgetavvikelse", "avvikelse"),
    ("avvikelse", "avvikelse"),
    ("differens", "avvikelse"),
    ("diff", "avvikelse"),
    ("aterstar", "avvikelse"),
    ("budget", "budget"),
    ("utfall", "utfall"),
    ("prognos", "prognos"),
    ("bokslut", "utfall"),
    ("forbrukat", "utfall"),
)
PERIOD_WORDS: Final = (*MONTH_ABBREVIATIONS, "period", "ack", "hittills")
YEAR_WORDS: Final = ("helar", "helars", "arsbudget", "hela aret")
UNIT_PATTERNS: Final[tuple[tuple[str, str], ...]] = (
    (r"miljoner kronor|mnkr|mkr|mnkr\b", "mnkr"),
    (r"tusen kronor|\btkr\b|\bkkr\b", "tkr"),
    (r"\bkronor\b|\bkr\b", "kr"),
)
_SPLIT_SPACES: Final = re.compile(r"\s{2,}")
_YEAR: Final = re.compile(r"\b(19|20)\d\d\b")


@dataclass
class _Row:
    line: int
    label: str
    numbers: list[Number]
    spans: list[tuple[int, int]]


@dataclass
class _Table:
    rows: list[_Row] = field(default_factory=list)
    header: list[tuple[int, str]] = field(default_factory=list)
    caption: str | None = None
    caption_line: int | None = None


def split_row(line: str) -> tuple[str, list[Number], list[tuple[int, int]]] | None:
    """A label and its numeric cells, or None when the line is not a table row."""
    cells = _cells(line)
    if len(cells) < 2:
        return None
    label_parts: list[str] = []
    numbers: list[Number] = []
    spans: list[tuple[int, int]] = []
    for start, text in cells:
        number = parse_number(text.replace("−", "-"))
        if number is None:
            if numbers:
                return None  # text after the numbers: prose, not a row
            label_parts.append(text)
            continue
        numbers.append(number)
        spans.append((start, start + len(text)))
    if not numbers or (not label_parts and len(numbers) < 2):
        return None
    return " ".join(label_parts), numbers, spans


def _cells(line: str) -> list[tuple[int, str]]:
    if "\t" in line:
        parts = line.split("\t")
    elif line.strip().startswith("|") and line.count("|") >= 2:
        parts = line.strip().strip("|").split("|")
    else:
        parts = _SPLIT_SPACES.split(line)
    out: list[tuple[int, str]] = []
    pos = 0
    for part in parts:
        idx = line.find(part, pos)
        pos = idx + len(part) if idx >= 0 else pos
        text = clean(part)
        if text:
            out.append((max(idx, 0) + len(part) - len(part.lstrip()), text))
    return out


def find_tables(lines: list[str]) -> list[_Table]:
    """Runs of rows with the same count of numeric cells (blank lines allowed)."""
    tables: list[_Table] = []
    current: _Table | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or re.match(r"^\s*\|?[\s:|-]+\|?\s*$", line):
            continue
        parsed = split_row(line)
        if parsed is None:
            current = None
            continue
        label, numbers, spans = parsed
        row = _Row(number, label, numbers, spans)
        if current is None or len(current.rows[-1].numbers) != len(numbers):
            current = _Table(rows=[row])
            tables.append(current)
        else:
            current.rows.append(row)
    tables = [t for t in tables if len(t.rows) >= 2]
    for table in tables:
        _attach_header(table, lines)
    return tables


def _attach_header(table: _Table, lines: list[str]) -> None:
    index = table.rows[0].line - 2
    header: list[tuple[int, str]] = []
    while index >= 0 and len(header) < 4:
        text = lines[index]
        if not text.strip():
            if header:
                break
            index -= 1
            continue
        if split_row(text) is not None or text.rstrip().endswith("."):
            break
        header.insert(0, (index + 1, text))
        index -= 1
    if header and len(header) > 1 and len(_cells(header[0][1])) <= 1:
        caption_line, caption = header.pop(0)
        table.caption, table.caption_line = (
            clean(heading_of(caption) or caption),
            caption_line,
        )
    table.header = header
    if table.caption is None:
        _caption_above(table, lines, index)


def _caption_above(table: _Table, lines: list[str], index: int) -> None:
    while index >= 0 and not lines[index].strip():
        index -= 1
    if index >= 0:
        text = lines[index].strip()
        if len(text) <= 80 and not text.endswith(".") and split_row(text) is None:
            table.caption = heading_of(text) or clean(text)
            table.caption_line = index + 1


def column_names(table: _Table) -> list[str]:
    """Canonical-ish column names from the header words over each numeric column."""
    width = len(table.rows[0].numbers)
    words = _header_words(table, width)
    names: list[str] = []
    for text in words:
        names.append(_column_name(text) or f"kolumn_{len(names) + 1}")
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def _header_words(table: _Table, width: int) -> list[str]:
    """Header text over each column: by cell count when it matches, else position."""
    texts = [""] * width
    for _line, text in table.header:
        cells = _cells(text)
        if len(cells) == width + 1:
            cells = cells[1:]
        if len(cells) == width:
            for i, (_pos, cell) in enumerate(cells):
                texts[i] += " " + cell
            continue
        spans = table.rows[0].spans
        for pos, cell in cells:
            centre = pos + len(cell) / 2
            i = min(
                range(width),
                key=lambda k: abs((spans[k][0] + spans[k][1]) / 2 - centre),
            )
            texts[i] += " " + cell
    return [t.strip() for t in texts]


def _column_name(header: str) -> str | None:
    folded = fold(header)
    base = next((name for word, name in COLUMN_WORDS if word in folded), None)
    if base is None:
        if "%" in header or "procent" in folded:
            return "procent"
        slug = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")
        return slug or None
    if "%" in header or "procent" in folded:
        return f"{base}_procent"
    year = _YEAR.search(folded)
    if any(w in folded for w in YEAR_WORDS):
        return f"{base}_year"
    if any(re.search(rf"\b{w}", folded) for w in PERIOD_WORDS):
        return f"{base}_period"
    if year:
        return f"{base}_{year.group(0)}"
    return base


def row_kind(label: str) -> str:
    folded = fold(label)
    if folded.startswith(VARAV_LABELS):
        return "varav"
    if any(folded == w or folded.startswith(w + " ") for w in TOTAL_LABELS):
        return "total"
    return "part"


def table_unit(table: _Table, lines: list[str], default: str | None) -> str | None:
    context = [table.caption or ""] + [t for _l, t in table.header]
    first = table.rows[0].line
    context += lines[max(0, first - 8) : first - 1]
    text = fold(" ".join(context))
    for pattern, unit in UNIT_PATTERNS:
        if re.search(pattern, text):
            return unit
    return default


def infer_convention(table: _Table, names: list[str]) -> str | None:
    """'utfall - budget' or 'budget - utfall' for a table's difference column.

    Taken from the rows' own numbers; None when there is no such column trio or
    the rows disagree (then rules decide row by row).
    """
    try:
        b, u, a = (names.index(n) for n in ("budget", "utfall", "avvikelse"))
    except ValueError:
        return _suffixed_convention(table, names)
    return _vote(table, b, u, a)


def _suffixed_convention(table: _Table, names: list[str]) -> str | None:
    for name in names:
        if name.startswith("avvikelse_"):
            suffix = name[len("avvikelse") :]
            if f"budget{suffix}" in names and f"utfall{suffix}" in names:
                b, u = names.index(f"budget{suffix}"), names.index(f"utfall{suffix}")
                return _vote(table, b, u, names.index(name))
    return None


def _vote(table: _Table, b: int, u: int, a: int) -> str | None:
    votes = {"utfall - budget": 0, "budget - utfall": 0}
    for row in table.rows:
        nb, nu, na = row.numbers[b], row.numbers[u], row.numbers[a]
        tol = nb.half_unit + nu.half_unit + na.half_unit
        if abs(na.value - (nu.value - nb.value)) <= tol:
            votes["utfall - budget"] += 1
        if abs(na.value - (nb.value - nu.value)) <= tol:
            votes["budget - utfall"] += 1
    best = max(votes, key=lambda k: votes[k])
    other = min(votes, key=lambda k: votes[k])
    return best if votes[best] > votes[other] else None


class GenericReader:
    """A TextReader for any text: tables by shape, prose for claims (``READER``)."""

    name = "generic"

    def score(self, source: Source, profile: Profile | None) -> float:
        return 0.1

    def read(self, source: Source, profile: Profile | None) -> Bundle:
        builder = TableBuilder()
        default_unit = profile.amount_unit if profile else None
        table_lines = emit_tables(builder, source, default_unit)
        _emit_prose(builder, source, table_lines)
        builder.add(
            "reports",
            report=source.report,
            file=source.path,
            line=1,
            title=_title(source),
            unit=default_unit,
            profile=profile.name if profile else None,
        )
        return builder.build({source.path: source.lines})


def emit_tables(
    builder: TableBuilder, source: Source, default_unit: str | None
) -> set[int]:
    """Add ``finance`` rows for every numeric table; return the lines they used."""
    used: set[int] = set()
    for index, table in enumerate(find_tables(source.lines), start=1):
        used.update(_emit_table(builder, source, table, index, default_unit))
    return used


def _emit_table(
    builder: TableBuilder,
    source: Source,
    table: _Table,
    index: int,
    default_unit: str | None,
) -> set[int]:
    names = column_names(table)
    unit = table_unit(table, source.lines, default_unit)
    name = _table_name(table, index)
    for position, row in enumerate(table.rows, start=1):
        kind = row_kind(row.label)
        for column, number in zip(names, row.numbers, strict=True):
            builder.add(
                "finance",
                report=source.report,
                file=source.path,
                line=row.line,
                table=name,
                row=row.label,
                row_kind=kind,
                position=position,
                column=column,
                value=number.value,
                printed=number.printed,
                decimals=number.decimals,
                unit="%" if number.unit == "%" or "procent" in column else unit,
            )
    used = {r.line for r in table.rows} | {line for line, _t in table.header}
    return used


def _table_name(table: _Table, index: int) -> str:
    if table.caption:
        caption = re.sub(r"\(.*?\)", "", fold(table.caption))
        for pattern, _unit in UNIT_PATTERNS:
            caption = re.sub(pattern, "", caption)
        slug = re.sub(r"[^a-z0-9]+", "_", caption).strip("_")
        if slug:
            return slug
    return f"tabell_{index}"


def _emit_prose(builder: TableBuilder, source: Source, skip: set[int]) -> None:
    section: str | None = None
    for number, line in enumerate(source.lines, start=1):
        if number in skip or not line.strip():
            continue
        heading = heading_of(line)
        if heading is not None:
            section = heading
        builder.add(
            "text_lines",
            report=source.report,
            file=source.path,
            line=number,
            text=heading or clean(line),
            section=section,
        )


def _title(source: Source) -> str | None:
    for line in source.lines[:50]:
        if line.strip():
            return heading_of(line) or clean(line)
    return None


READER: Final = GenericReader()
