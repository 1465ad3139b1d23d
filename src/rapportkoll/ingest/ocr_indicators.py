"""Indicator tables in OCR text: one row per indicator × value column.

An indicator row is anchored on the line that holds its values followed by its
bedömning and trend; name, ansvarig and the cells' last letters continue on the
lines below. Values are read only when the digits allow one reading that fills
the header's columns (``ocr_values``); digits on a continuation line (a value
split over lines), a row with fewer numbers than columns, a row printed column by
column, or a value with other decimals than its row are reported, not guessed.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

from rapportkoll.ingest.normalize import fold
from rapportkoll.ingest.numberwords import MONTH_ABBREVIATIONS
from rapportkoll.ingest.ocr_context import OcrContext, number_columns
from rapportkoll.ingest.ocr_layout import Layout
from rapportkoll.ingest.ocr_text import CommentHeader, comment_header, is_blank, tokens
from rapportkoll.ingest.ocr_text import is_value_token as _value
from rapportkoll.ingest.ocr_values import all_readings, odd_decimals
from rapportkoll.ingest.vocabulary import VocabularyMatch, ocr_fold
from rapportkoll.model.numbers import Number

_YEAR = re.compile(r"^(20\d\d)\D*$")
_SHORT = 35
_MAX_CONTINUATION = 6
_MAX_HEADER_LINES = 5


def _is_value(token: str) -> bool:
    return token == "%" or _value(token)


@dataclass
class _Row:
    line: int
    prefix: list[str]
    values: str
    tail: list[str]
    continuation: list[int] = field(default_factory=list)
    header: CommentHeader | None = None
    comment: list[str] = field(default_factory=list)


def read_indicators(ctx: OcrContext, layout: Layout) -> None:
    columns: list[str] = []
    for start in layout.of("indicators"):
        end = min(layout.next_start(start), len(ctx.lines) + 1)
        columns, level, first = _header(ctx, start, end, columns)
        _read_table(ctx, columns, level, first, end)


def _header(
    ctx: OcrContext, start: int, end: int, previous: list[str]
) -> tuple[list[str], str | None, int]:
    """Columns and level from the header lines; the first line after them."""
    words: list[str] = []
    n = start
    while n < end and (n == start or _header_line(ctx, n)):
        words.extend(tokens(ctx.text(n)))
        ctx.used.add(n)
        n += 1
    folded = [fold(w) for w in words]
    n_utfall = sum(w.startswith("utfal") for w in folded)
    years = [int(m.group(1)) for w in words if (m := _YEAR.match(w))]
    has_month = any(w in MONTH_ABBREVIATIONS for w in folded)
    level = next(
        (
            f.canonical
            for w in words
            if w.startswith("(")
            and (f := ctx.vocab.match("level", w.strip("()"), 0.9)) is not None
        ),
        None,
    )
    printed = sum(1 for m in range(start, n) if not is_blank(ctx.text(m)))
    if n_utfall == 0:
        return previous, level, n
    if printed > _MAX_HEADER_LINES:
        # Header printed column by column: its order cannot be trusted.
        return [], level, n
    n_years = n_utfall - 1 if has_month else n_utfall
    latest = max(years, default=ctx.year or 0)
    earlier = (
        sorted({y for y in years if y < latest}) if has_month else sorted(set(years))
    )
    columns = [f"utfall_{y}" for y in earlier[:n_years]]
    if has_month:
        columns.append("utfall_period")
    if any(w in ("mal", "ma1") for w in folded):
        columns.append("mal")
    if any(w.startswith("progno") for w in folded):
        columns.append("prognos")
    return (columns if len(columns) >= 3 else previous), level, n


def _header_line(ctx: OcrContext, n: int) -> bool:
    """A header line: years, column words, 'avdelning', nothing that reads as data."""
    words = [w for w in tokens(ctx.text(n)) if w != "|"]
    if not words:
        return True
    if _anchor(ctx, n) is not None:
        return False
    known = ctx.indicator_header_words
    return all(
        len(w) == 1 or _YEAR.match(w) or fold(w).startswith(known) for w in words
    )


def _anchor(ctx: OcrContext, n: int) -> _Row | None:
    words = tokens(ctx.text(n))
    cut = len(words)
    while cut > 0 and not _value(words[cut - 1]):
        cut -= 1
    tail = [w for w in words[cut:] if w != "|"]
    start = cut
    while start > 0 and (_is_value(words[start - 1]) or words[start - 1] == "|"):
        start -= 1
    prefix = words[:start]
    if not tail or start == cut or not any(any(c.isalpha() for c in w) for w in prefix):
        return None
    if not _tail_has_term(ctx, tail):
        return None
    return _Row(n, prefix, " ".join(words[start:cut]), words[cut:])


def _tail_has_term(ctx: OcrContext, tail: list[str]) -> bool:
    firsts = {
        ocr_fold(s.split()[0])
        for f in ("bedomning", "trend")
        for s in ctx.vocab.canonical_values(f)
    }
    if any(ocr_fold(w) in firsts for w in tail):
        return True
    for n in range(1, min(3, len(tail)) + 1):
        head = " ".join(tail[:n])
        if ctx.vocab.match("bedomning", head) or ctx.vocab.match("trend", head):
            return True
    return False


def _read_table(
    ctx: OcrContext, columns: list[str], level: str | None, first: int, end: int
) -> None:
    headers: dict[int, CommentHeader] = {}
    for n in range(first, end):
        header = comment_header(ctx, n)
        if header is not None:
            headers[n] = header
            ctx.used.update(header.consumed)
    rows = [
        r
        for n in range(first, end)
        if n not in ctx.used
        for r in [_anchor(ctx, n)]
        if r
    ]
    anchors = {r.line for r in rows}
    for i, row in enumerate(rows):
        stop = rows[i + 1].line if i + 1 < len(rows) else end
        _attach(ctx, row, headers, anchors, stop)
        _emit(ctx, row, columns, level)
    _column_layout_issues(ctx, first, end)


def _attach(
    ctx: OcrContext,
    row: _Row,
    headers: dict[int, CommentHeader],
    anchors: set[int],
    stop: int,
) -> None:
    ctx.used.add(row.line)
    n = row.line + 1
    while n < stop and n not in headers and len(row.continuation) < _MAX_CONTINUATION:
        if not is_blank(ctx.text(n)):
            row.continuation.append(n)
            ctx.used.add(n)
        n += 1
    if n >= stop or n not in headers:
        return
    row.header = headers[n]
    skip = set(row.header.consumed)
    for m in range(n + 1, stop):
        text = ctx.text(m).strip()
        if m in skip or not text:
            continue
        if _starts_block(ctx, m, stop):
            break
        row.comment.append(text)


def _starts_block(ctx: OcrContext, n: int, stop: int) -> bool:
    """Two short lines in a row after a blank: a new cell block, not comment prose."""
    if not is_blank(ctx.text(n - 1)) and not ctx.text(n).startswith(" "):
        return False
    nxt = next((m for m in range(n + 1, stop) if not is_blank(ctx.text(m))), None)
    return (
        nxt is not None
        and len(ctx.text(n).strip()) < _SHORT
        and len(ctx.text(nxt).strip()) < _SHORT
    )


def _emit(ctx: OcrContext, row: _Row, columns: list[str], level: str | None) -> None:
    name, ansvarig = _name(ctx, row)
    assessment = _assessment(ctx, row)
    bedomning, trend = assessment if assessment else (None, None)
    if assessment is None:
        ctx.issue(
            row.line,
            "unreadable",
            "indicators",
            " ".join(row.tail),
            f"bedömning och trend för '{name[:40]}' kunde inte läsas",
        )
    numbers = _values(ctx, row, columns, name)
    unit = "%" if "%" in row.values or _percent_below(ctx, row) else None
    base = {
        "goal": ctx.goal_for(row.line),
        "level": level,
        "indicator": name,
        "ansvarig": ansvarig,
        "bedomning": bedomning,
        "trend": trend,
        "comment": " ".join(row.comment) or None,
        "comment_date": row.header.date if row.header else None,
        "name_line": row.line,
        "bedomning_line": row.line,
    }
    odd = dict(odd_decimals(numbers)) if numbers else {}
    for i, (column, number) in enumerate(zip(columns, numbers, strict=False)):
        if i in odd:
            ctx.issue(
                row.line,
                "ambiguous",
                "indicators",
                number.printed,
                f"{name[:40]} {column}: decimaltecknet saknas eller är fel läst",
                [odd[i]],
            )
            continue
        year = int(column[7:]) if column[7:].isdigit() else ctx.year
        ctx.add(
            "indicators",
            row.line,
            column=column,
            year=year,
            unit=unit,
            **number_columns(number),
            **base,
        )


def _values(ctx: OcrContext, row: _Row, columns: list[str], name: str) -> list[Number]:
    if not columns:
        ctx.issue(
            row.line,
            "ambiguous",
            "indicators",
            row.values.strip(),
            f"'{name[:40]}': tabellens kolumnrubriker är tryckta kolumnvis och "
            "kan inte kopplas till värdena",
        )
        return []
    split = [n for n in row.continuation if _bare_digits(ctx.text(n))]
    if split:
        ctx.issue(
            split[0],
            "ambiguous",
            "indicators",
            ctx.text(split[0]),
            f"siffror på raden under värdena för '{name[:40]}': ett värde är "
            f"delat över rader ({row.values.strip()})",
        )
        return []
    readings = all_readings(
        row.values.replace("%", " % ").replace(" %", "%"), len(columns)
    )
    full = [r for r in readings if len(r) == len(columns)]
    if len(full) == 1 and not _better_shorter(full[0], readings):
        return full[0]
    counts = sorted({len(r) for r in readings})
    ctx.issue(
        row.line,
        "ambiguous",
        "indicators",
        row.values.strip(),
        f"'{name[:40]}': {'/'.join(map(str, counts)) or 'inga'} tal för {len(columns)} "
        "kolumner; kolumnerna kan inte placeras säkert",
        ["[" + ", ".join(x.printed for x in r) + "]" for r in readings[:4]],
    )
    return []


def _bare_digits(text: str) -> bool:
    return any(re.fullmatch(r"\d+(?:[.,]\d+)?", w) for w in tokens(text))


def _better_shorter(full: list[Number], readings: list[list[Number]]) -> bool:
    """A reading with fewer numbers but far more even magnitudes ('8800 8 800')."""
    own = _spread(full)
    return any(len(r) < len(full) and _spread(r) + 1.0 < own for r in readings)


def _spread(numbers: list[Number]) -> float:
    logs = sorted(math.log10(abs(x.value) + 1) for x in numbers)
    median = logs[len(logs) // 2]
    return max(abs(v - median) for v in logs)


def _percent_below(ctx: OcrContext, row: _Row) -> bool:
    return any("%" in tokens(ctx.text(n)) for n in row.continuation[:2])


def _name(ctx: OcrContext, row: _Row) -> tuple[str, str | None]:
    words = [w for w in row.prefix if w != "|"]
    at = next(
        (i for i, w in enumerate(words) if i > 0 and _unit_word(ctx, w)), len(words)
    )
    name, unit = words[:at], words[at:]
    for n in row.continuation:
        cont = _name_part(ctx, ctx.text(n))
        if cont:
            name.extend(cont)
        if unit and not fold(" ".join(unit)).endswith(ctx.unit_suffixes):
            unit = _complete_unit(ctx, unit, tokens(ctx.text(n)))
    return " ".join(name).strip(" |"), " ".join(unit) or None


def _unit_word(ctx: OcrContext, word: str) -> bool:
    if word[-1:] in ".,;:":
        return False
    folded = fold(word)
    return any(s in folded for s in ctx.unit_stems) or (
        word.endswith("-") and word[:1].isupper()
    )


def _name_part(ctx: OcrContext, text: str) -> list[str]:
    out: list[str] = []
    for w in tokens(text):
        if w == "|" or _is_value(w) or _unit_word(ctx, w):
            break
        out.append(w)
    while out and len(out[-1]) <= 2 and out[-1].islower():
        out.pop()
    return out


def _complete_unit(ctx: OcrContext, unit: list[str], words: list[str]) -> list[str]:
    """Add the unit's continuation: 'Stab- och' + 'planeringsavdelninge' + 'n'."""
    if "|" in words:
        words = words[words.index("|") + 1 :]
    out = list(unit)
    for w in words:
        if w == "|" or _is_value(w):
            continue
        if _unit_word(ctx, w) and not fold(" ".join(out)).endswith(ctx.unit_suffixes):
            out.append(w)
        elif (
            len(w) <= 3
            and w.isalpha()
            and w.islower()
            and out
            and fold(out[-1] + w).endswith(ctx.unit_suffixes)
        ):
            out[-1] = out[-1] + w
            break
    return out


def _fragments(ctx: OcrContext, row: _Row) -> list[list[str]]:
    """Per continuation line: the words after its last number or '%' (cell ends)."""
    out: list[list[str]] = []
    for n in row.continuation[:3]:
        words = [w for w in tokens(ctx.text(n)) if w != "|"]
        last = max((i for i, w in enumerate(words) if _is_value(w)), default=-1)
        tail = words[last + 1 :] if last >= 0 else words
        out.append(
            [re.sub(r"[^\w]", "", w) for w in tail[-2:] if re.sub(r"[^\w]", "", w)]
        )
    return out


def _assessment(ctx: OcrContext, row: _Row) -> tuple[str, str] | None:
    """Bedömning and trend from the anchor's tail plus cell ends on the lines below."""
    cells = " ".join(row.tail).split("|")
    words = [w for w in row.tail if w != "|"]
    bases = [(" ".join(words[:c]), " ".join(words[c:])) for c in range(1, len(words))]
    if len([c for c in cells if c.strip()]) == 2:
        bases.insert(
            0,
            (cells[0].strip(), cells[1].strip())
            if cells[0].strip()
            else (cells[1].strip(), cells[2].strip()),
        )
    bases = bases or [(" ".join(words), "")]
    fragments = _fragments(ctx, row)
    best: tuple[float, int, VocabularyMatch, VocabularyMatch, str] | None = None
    options = [_options(f) for f in fragments]
    for bed, trend in bases:
        for combo in itertools.product(*options):
            b, t, used = bed, trend, 0
            for add_b, add_t, glue in combo:
                b = f"{b} {add_b}".strip() if add_b else b
                if add_t:
                    t = f"{t}{add_t}" if glue else f"{t} {add_t}".strip()
                used += bool(add_b) + bool(add_t)
            mb, mt = ctx.vocab.match("bedomning", b), ctx.vocab.match("trend", t)
            if mb is None or mt is None:
                continue
            score = mb.score + mt.score
            if best is None or (score, -used) > (best[0], -best[1]):
                original = " ".join(
                    [*row.tail, *[" ".join(f) for f in fragments[:used]]]
                )
                best = (score, used, mb, mt, original)
    if best is None:
        return None
    _, used, mb, mt, original = best
    for found in (mb, mt):
        if found.repaired or used:
            ctx.add(
                "repairs",
                row.line,
                field=found.field,
                original=original if used else found.original,
                repaired=found.canonical,
                score=found.score,
            )
    return mb.canonical, mt.canonical


def _options(fragment: list[str]) -> list[tuple[str, str, bool]]:
    opts: list[tuple[str, str, bool]] = [("", "", False)]
    if fragment:
        last = fragment[-1]
        opts += [("", last, True), ("", last, False), (last, "", False)]
    if len(fragment) == 2:
        opts += [(fragment[0], fragment[1], False), (fragment[0], fragment[1], True)]
    return opts


def _column_layout_issues(ctx: OcrContext, first: int, end: int) -> None:
    """Numbers left on lines of their own: an indicator printed column by column."""
    block: list[int] = []
    for n in range(first, end + 1):
        text = ctx.text(n) if n < end else ""
        words = [w for w in tokens(text) if w != "|"]
        numeric = bool(words) and n not in ctx.used and all(_is_value(w) for w in words)
        if numeric and any(w != "%" for w in words):
            block.append(n)
        elif block and (comment_header(ctx, n) is not None or n == end):
            values = " ".join(ctx.text(b).strip() for b in block)
            ctx.issue(
                block[0],
                "ambiguous",
                "indicators",
                values,
                "indikatorn är tryckt kolumn för kolumn: värdenas ordning och "
                "kolumner kan inte fastställas",
            )
            block = []
