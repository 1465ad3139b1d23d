"""A printed row's text as table cells: empty cells and ambiguous digit grouping.

In text extracted from a PDF a space is both the thousands separator and the cell
separator, and an empty cell leaves only whitespace behind. This module reads the
numeric part of a row in three steps, each usable on its own:

1. ``cell_run`` splits the text into groups of single-space-joined tokens and counts
   the empty cells the whitespace shows (cells are joined by one space, so ``k``
   extra spaces are ``k`` empty cells).
2. ``readings`` enumerates every way to read the run as exactly ``n`` cells: the
   digit groupings of ``segmentations`` times the placements of empty cells, keeping
   those that contradict the whitespace least.
3. ``choose`` (one row, the table's row formulas) and ``resolve_by_sums`` (several
   rows, parts summing to a total) pick the reading the table's structure allows.
   Relations are checked with interval tolerance: a printed value stands for
   value ± half a unit of its last digit, and a relation holds when the intervals of
   its two sides meet.

Nothing here guesses silently: a choice that is not forced is marked unresolved so
the caller can report it as an ``extraction_issues`` row.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapportkoll.model.bounds import Bounds, bounds_meet, printed_bounds
from rapportkoll.model.formula import Formula
from rapportkoll.model.numbers import Number, is_number_token, segment, start_counts

MAX_COMBINATIONS = 20_000
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class Token:
    """A whitespace-free piece of a row's text at offsets ``start``..``end``."""

    text: str
    start: int
    end: int


def tokens_of(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]``; a lone '%' joins the number before it."""
    out: list[Token] = []
    for m in _TOKEN.finditer(text, start, len(text) if end is None else end):
        tok = Token(m.group(), m.start(), m.end())
        prev = out[-1] if out else None
        if (
            tok.text == "%"
            and prev is not None
            and tok.start - prev.end == 1
            and is_number_token(prev.text)
        ):
            out[-1] = Token(text[prev.start : tok.end], prev.start, tok.end)
        else:
            out.append(tok)
    return out


def is_value_token(token: str) -> bool:
    """A token that can be (part of) a printed number, including '155 %'."""
    return is_number_token(token.replace(" ", ""))


def numeric_tail_start(tokens: Sequence[Token]) -> int:
    """Index of the first token of the maximal run of value tokens ending the list."""
    i = len(tokens)
    while i > 0 and is_value_token(tokens[i - 1].text):
        i -= 1
    return i


@dataclass(frozen=True)
class CellRun:
    """The numeric part of a row: token groups and the empty cells around them.

    ``empties`` has one entry per slot: before the first group, between groups,
    after the last group.
    """

    groups: tuple[tuple[Token, ...], ...]
    empties: tuple[int, ...]

    @property
    def tokens(self) -> list[Token]:
        return [t for g in self.groups for t in g]


def cell_run(
    text: str,
    tokens: Sequence[Token],
    region: tuple[int, int],
    *,
    open_start: bool,
    open_end: bool,
    breaks: Collection[int] = (),
) -> CellRun:
    """Group ``tokens`` (all inside ``text[region]``) and count empty cells.

    ``open_start`` means the region begins at the row's start (no cell before it),
    so every leading space is an empty cell; otherwise the first space separates
    the previous cell. ``open_end`` is the same for the region's end. ``breaks``
    are offsets where a new cell certainly begins (e.g. where a cell printed on
    lines of its own starts), even after a single space.
    """
    lo, hi = region
    if not tokens:
        span = hi - lo
        return CellRun((), (span if open_start and open_end else max(span - 1, 0),))
    lead = tokens[0].start - lo
    trail = hi - tokens[-1].end
    empties = [lead if open_start else max(lead - 1, 0)]
    groups: list[list[Token]] = [[tokens[0]]]
    for prev, tok in itertools.pairwise(tokens):
        gap = tok.start - prev.end
        if gap <= 1 and not any(prev.end <= b <= tok.start for b in breaks):
            groups[-1].append(tok)
        else:
            empties.append(max(gap - 1, 0))
            groups.append([tok])
    empties.append(trail if open_end else max(trail - 1, 0))
    return CellRun(tuple(tuple(g) for g in groups), tuple(empties))


@dataclass(frozen=True, slots=True)
class Cell:
    """One read cell: the number and the offset in the row text where it starts."""

    number: Number
    start: int


@dataclass(frozen=True, slots=True)
class Reading:
    """One way to read a row: a cell (or None for empty) per column, and how many
    empty cells it places against the whitespace evidence (``penalty``)."""

    cells: tuple[Cell | None, ...]
    penalty: int

    def values(self) -> tuple[float | None, ...]:
        return tuple(None if c is None else c.number.value for c in self.cells)

    def describe(self) -> str:
        return (
            "["
            + ", ".join("–" if c is None else c.number.printed for c in self.cells)
            + "]"
        )


# Seven six-digit amounts in one space-grouped run have ~800 segmentations; the
# true one must be among those the table's relations choose from.
SEGMENT_LIMIT = 2048

# One way to read a group: the index of each number's first token, and the numbers.
Segmentation = tuple[tuple[int, ...], tuple[Number, ...]]


@lru_cache(maxsize=4096)
def _group_segmentations(
    texts: tuple[str, ...], max_cells: int
) -> tuple[Segmentation, ...]:
    """Every way to read one group as 1..``max_cells`` numbers (fewest first),
    without a leading zero group ('0 400' is two cells, not one)."""
    return tuple(
        option
        for k in range(1, min(len(texts), max_cells) + 1)
        for option in _group_segmentations_of(texts, k)
    )


@lru_cache(maxsize=4096)
def _group_segmentations_of(texts: tuple[str, ...], k: int) -> tuple[Segmentation, ...]:
    """The ways to read one group as exactly ``k`` numbers."""
    # Rows repeat the same printed groups (zeros, dashes, common amounts).
    return tuple(
        (starts, tuple(numbers))
        for starts, numbers in segment(texts, k, limit=SEGMENT_LIMIT)
        if not _leading_zero_group(starts, texts)
    )


def _leading_zero_group(starts: Sequence[int], texts: Sequence[str]) -> bool:
    ends = (*starts[1:], len(texts))
    return any(
        j - i > 1 and texts[i].lstrip("-−–‒+") == "0"
        for i, j in zip(starts, ends, strict=True)
    )


def _anchor(option: Segmentation, group: Sequence[Token]) -> tuple[Cell, ...]:
    """The cells of one segmentation, each at its first token."""
    starts, numbers = option
    return tuple(
        Cell(number, group[i].start) for i, number in zip(starts, numbers, strict=True)
    )


@dataclass(frozen=True, slots=True)
class _Combo:
    """One digit grouping of a run (a segmentation per group) and how many empty
    cells it leaves to fill the row."""

    grouped: tuple[Segmentation, ...]
    empties: int


def _combos(run: CellRun, n_columns: int) -> list[_Combo]:
    """The digit groupings of ``run`` (at most ``MAX_COMBINATIONS``, in product
    order) that leave no more cells than columns."""
    # Every other group takes at least one cell, so a group can take at most this
    # many: readings with more cells than columns are never kept.
    max_cells = n_columns - (len(run.groups) - 1)
    options = [
        _group_segmentations(tuple(t.text for t in g), max_cells) for g in run.groups
    ]
    if any(not o for o in options):
        return []
    out: list[_Combo] = []
    for grouped in itertools.islice(itertools.product(*options), MAX_COMBINATIONS):
        empties = n_columns - sum(len(numbers) for _, numbers in grouped)
        if empties >= 0:
            out.append(_Combo(grouped, empties))
    return out


def _parts(
    combo: _Combo, run: CellRun, traced: bool
) -> tuple[tuple[tuple[Cell, ...], ...], tuple[int, ...]]:
    """The combo's cells between each pair of slots, and the whitespace evidence
    per slot. Untraced, every cell stands alone between slots with no evidence."""
    parts = tuple(
        _anchor(option, group)
        for option, group in zip(combo.grouped, run.groups, strict=True)
    )
    if traced:
        return parts, run.empties
    singles = tuple((c,) for part in parts for c in part)
    return singles, (0,) * (len(singles) + 1)


def _placements(
    evidence: Sequence[int], total: int, traced: bool
) -> Iterator[tuple[int, ...]]:
    """The placements of ``total`` empty cells into the slots that contradict the
    ``evidence`` least, in lexicographic order. Traced, that is the evidence with
    cells only added (or only removed) slot by slot; untraced, any placement."""
    if not traced:
        low, high = (0,) * len(evidence), (total,) * len(evidence)
    elif total >= sum(evidence):
        low, high = tuple(evidence), tuple(e + total for e in evidence)
    else:
        low, high = (0,) * len(evidence), tuple(evidence)
    return _spread(total, low, high)


def _spread(
    total: int, low: Sequence[int], high: Sequence[int]
) -> Iterator[tuple[int, ...]]:
    """Every vector within ``low``..``high`` summing to ``total``, lexicographically."""
    if len(low) == 1:
        if low[0] <= total <= high[0]:
            yield (total,)
        return
    rest_low, rest_high = sum(low[1:]), sum(high[1:])
    first = max(low[0], total - rest_high)
    last = min(high[0], total - rest_low)
    for value in range(first, last + 1):
        for tail in _spread(total - value, low[1:], high[1:]):
            yield (value, *tail)


def readings(
    run: CellRun, n_columns: int, *, traced: bool = True, full_only: bool = False
) -> list[Reading]:
    """Every reading of ``run`` as ``n_columns`` cells that contradicts the
    whitespace least (lowest penalty), in a deterministic order, each once.

    ``traced=False`` is for text where an empty cell leaves no whitespace behind:
    empty cells may then fall between any two numbers, at no penalty.
    ``full_only`` keeps only the readings with no empty cell (the same ones, in
    the same order, as filtering the full list), without enumerating the rest.
    """
    if (traced and not any(run.empties)) or (full_only and not traced):
        # Where no whitespace shows an empty cell, a full reading (if any)
        # contradicts it least: the full readings are then the answer.
        direct = _full_readings(run, n_columns)
        if direct is not None and (direct or full_only):
            return direct
    combos = _combos(run, n_columns)
    if not combos:
        return []
    # The least contradiction a combo's empty cells can reach: each empty cell
    # more or fewer than the whitespace shows costs one.
    evidence = sum(run.empties)
    penalties = [abs(c.empties - evidence) if traced else 0 for c in combos]
    best = min(penalties)
    out: list[Reading] = []
    for combo, penalty in zip(combos, penalties, strict=True):
        if penalty != best or (full_only and combo.empties):
            continue
        parts, slots = _parts(combo, run, traced)
        for place in _placements(slots, combo.empties, traced):
            out.append(Reading(_assemble(place, parts), best))
    return out


def _full_readings(run: CellRun, n_columns: int) -> list[Reading] | None:
    """The readings with no empty cell, in enumeration order, where none
    contradicts the whitespace (untraced, or traced with no empty cell shown):
    the combos of exactly ``n_columns`` cells. Only the group segmentations that
    can add up to that many are enumerated. None when the combos might exceed
    ``MAX_COMBINATIONS`` (which cuts them in product order)."""
    max_cells = n_columns - (len(run.groups) - 1)
    texts = [tuple(t.text for t in g) for g in run.groups]
    ranges: list[tuple[int, int]] = []
    size = 1
    for group in texts:
        counts = start_counts(group)
        if counts is None:
            return []
        must, may = counts
        last = min(len(group), max_cells)
        ranges.append((must, last))
        size *= sum(
            min(SEGMENT_LIMIT, math.comb(may, k - must)) for k in range(must, last + 1)
        )
    if size > MAX_COMBINATIONS:
        return None
    least, most = sum(lo for lo, _ in ranges), sum(hi for _, hi in ranges)
    options = [
        [
            option
            for k in range(
                max(lo, n_columns - most + hi), min(hi, n_columns - least + lo) + 1
            )
            for option in _group_segmentations_of(group, k)
        ]
        for group, (lo, hi) in zip(texts, ranges, strict=True)
    ]
    out: list[Reading] = []
    for grouped in itertools.product(*options):
        if sum(len(numbers) for _, numbers in grouped) == n_columns:
            cells = tuple(
                cell
                for option, group in zip(grouped, run.groups, strict=True)
                for cell in _anchor(option, group)
            )
            out.append(Reading(cells, 0))
    return out


def _assemble(
    place: Sequence[int], parts: Sequence[Sequence[Cell]]
) -> tuple[Cell | None, ...]:
    cells: list[Cell | None] = [None] * place[0]
    for part, empties in zip(parts, place[1:], strict=True):
        cells.extend(part)
        cells.extend([None] * empties)
    return tuple(cells)


# --- relations ---------------------------------------------------------------------


@dataclass(frozen=True)
class Relation:
    """A table relation from the profile (a ``Formula``) checked on one reading."""

    formula: Formula

    @classmethod
    def parse(cls, text: str) -> Relation:
        """Parse 'a = b - c'; raises ValueError naming what is not allowed."""
        return cls(Formula.parse(text))

    @property
    def text(self) -> str:
        return self.formula.text

    @property
    def target(self) -> str:
        return self.formula.target

    @property
    def columns(self) -> frozenset[str]:
        return self.formula.columns

    def holds(self, values: Mapping[str, Number | None]) -> bool | None:
        """True/False when every operand is present, None when it cannot be checked."""
        if any(values.get(c) is None for c in self.columns):
            return None

        def lookup(name: str) -> Bounds:
            number = values[name]
            assert number is not None
            return printed_bounds(number.value, number.decimals)

        low, high = self.formula.bounds(lookup)
        if not (math.isfinite(low) and math.isfinite(high)):
            return None
        return bounds_meet(lookup(self.target), (low, high))


def as_values(columns: Sequence[str], reading: Reading) -> dict[str, Number | None]:
    return {
        col: None if cell is None else cell.number
        for col, cell in zip(columns, reading.cells, strict=True)
    }


def relation_score(
    reading: Reading, columns: Sequence[str], relations: Sequence[Relation]
) -> tuple[int, int]:
    """(satisfied, violated) relations for one reading."""
    values = as_values(columns, reading)
    outcomes = [r.holds(values) for r in relations]
    return sum(o is True for o in outcomes), sum(o is False for o in outcomes)


@dataclass(frozen=True)
class Choice:
    """The reading taken for a row, whether it was forced, and the alternatives.

    ``candidates`` are the readings still possible (those consistent with the
    relations, or all readings when none is); ``resolved`` is True only when
    exactly one remains.
    """

    reading: Reading | None
    candidates: tuple[Reading, ...]
    resolved: bool
    total_readings: int

    def message(self, limit: int = 3) -> str:
        shown = " | ".join(r.describe() for r in self.candidates[:limit])
        more = len(self.candidates) - limit
        tail = f" (+{more} till)" if more > 0 else ""
        return f"{self.total_readings} möjliga läsningar, kandidater: {shown}{tail}"


def choose(
    candidates: Sequence[Reading], columns: Sequence[str], relations: Sequence[Relation]
) -> Choice:
    """Take the single reading the relations allow; otherwise mark it unresolved.

    When several readings remain (or none satisfies the relations) the row is
    still emitted with the reading that satisfies the most relations (ties: the
    first in enumeration order), because dropping it would hide the row from
    every rule; the caller reports it as 'ambiguous' with the candidates, so the
    value is never taken silently.
    """
    if not candidates:
        return Choice(None, (), False, 0)
    if len(candidates) == 1:
        return Choice(candidates[0], tuple(candidates), True, 1)
    if not relations:  # every reading scores (0, 0): all stay, the first is taken
        return Choice(candidates[0], tuple(candidates), False, len(candidates))
    scored = [(relation_score(r, columns, relations), r) for r in candidates]
    consistent = [(good, r) for (good, bad), r in scored if bad == 0]
    if len(consistent) == 1:
        return Choice(consistent[0][1], (consistent[0][1],), True, len(candidates))
    if consistent:
        best = max(consistent, key=lambda sr: sr[0])[1]
        return Choice(best, tuple(r for _, r in consistent), False, len(candidates))
    best = max(scored, key=lambda sr: sr[0][0] - sr[0][1])[1]
    return Choice(best, tuple(candidates), False, len(candidates))


@dataclass(frozen=True)
class SumGroup:
    """Rows ``parts`` sum to row ``total`` in every column listed in ``columns``."""

    parts: tuple[int, ...]
    total: int
    columns: tuple[int, ...]


def _sum_violations(
    picks: Mapping[int, Reading], fixed: Sequence[Choice], groups: Sequence[SumGroup]
) -> tuple[int, int]:
    satisfied = violated = 0
    for group in groups:
        total_reading = picks.get(group.total) or fixed[group.total].reading
        if total_reading is None:
            continue
        for col in group.columns:
            total = total_reading.cells[col]
            if total is None:
                continue
            low = high = 0.0
            for part in group.parts:
                reading = picks.get(part) or fixed[part].reading
                cell = None if reading is None else reading.cells[col]
                if cell is not None:
                    low, high = low + cell.number.low, high + cell.number.high
            slack = 1e-9
            if total.number.low <= high + slack and low <= total.number.high + slack:
                satisfied += 1
            else:
                violated += 1
    return satisfied, violated


def _contribution(reading: Reading | None, col: int) -> tuple[float, float]:
    """(value, half unit) a row adds to a column sum; an empty cell adds 0."""
    cell = None if reading is None else reading.cells[col]
    return (0.0, 0.0) if cell is None else (cell.number.value, cell.number.half_unit)


@dataclass(frozen=True)
class _OtherRows:
    """One column of a sum group seen from one open row: the total, the half units
    the other rows add to the tolerance (in order) and every sum they can make."""

    column: int
    total: Number
    half_units: tuple[float, ...]
    sums: tuple[float, ...]  # sorted


def _other_rows(
    row: int,
    domains: Mapping[int, Sequence[Reading]],
    fixed: Sequence[Choice],
    group: SumGroup,
) -> list[_OtherRows]:
    """What the other rows of ``group`` allow, column by column, computed once per
    row rather than once per candidate. A column whose sums exceed
    ``MAX_COMBINATIONS`` is left out (it cannot rule a candidate out)."""
    total_reading = fixed[group.total].reading
    out: list[_OtherRows] = []
    for col in group.columns:
        total = None if total_reading is None else total_reading.cells[col]
        if total is None:
            continue
        sums = {0.0}
        half_units: list[float] = []
        for part in group.parts:
            if part == row:
                continue
            if part in domains:
                options = {_contribution(r, col) for r in domains[part]}
                half_units.append(max(h for _, h in options))
                sums = {round(s + v, 9) for s in sums for v, _ in options}
                if len(sums) > MAX_COMBINATIONS:
                    break
            else:
                v, h = _contribution(fixed[part].reading, col)
                sums = {round(s + v, 9) for s in sums}
                half_units.append(h)
        else:
            out.append(
                _OtherRows(col, total.number, tuple(half_units), tuple(sorted(sums)))
            )
    return out


def _feasible(candidate: Reading, others: Sequence[_OtherRows]) -> bool:
    """Can the group's column sums still hold with ``candidate`` for this row?

    Each column is checked on its own (other open rows may take any of their
    candidates per column): a relaxation, so a candidate it rejects is impossible.
    """
    for other in others:
        value, tol = _contribution(candidate, other.column)
        tol += other.total.half_unit
        for h in other.half_units:
            tol += h
        total = other.total.value
        if not any(
            abs(total - value - s) <= tol + 1e-9 for s in _near(other, value, tol)
        ):
            return False
    return True


def _near(other: _OtherRows, value: float, tol: float) -> tuple[float, ...]:
    """The sums that can be within ``tol`` of what the total leaves for a row
    adding ``value`` (with a margin well above float rounding, so the exact test
    still decides)."""
    gap = other.total.value - value
    margin = tol + 1e-6 * (1.0 + abs(other.total.value) + abs(value) + tol)
    low = bisect.bisect_left(other.sums, gap - margin)
    return other.sums[low : bisect.bisect_right(other.sums, gap + margin, lo=low)]


def _propagate(
    choices: Sequence[Choice], groups: Sequence[SumGroup], open_rows: Sequence[int]
) -> dict[int, list[Reading]]:
    domains = {i: list(choices[i].candidates) for i in open_rows}
    changed = True
    while changed:
        changed = False
        for group in groups:
            if not choices[group.total].resolved:
                continue
            for row in (p for p in group.parts if p in domains):
                others = _other_rows(row, domains, choices, group)
                keep = [c for c in domains[row] if _feasible(c, others)]
                if keep and len(keep) < len(domains[row]):
                    domains[row], changed = keep, True
    return domains


def resolve_by_sums(
    choices: Sequence[Choice], groups: Sequence[SumGroup]
) -> list[Choice]:
    """Resolve rows left open by ``choose`` with the table's parts-sum-to-total
    relations. First every open row's candidates that no choice of the other rows
    can make sum up (column by column) are dropped; then, if few enough remain,
    every combination is checked and a row is resolved when all combinations
    with no violated sum agree on it."""
    members = {i for g in groups for i in (*g.parts, g.total)}
    open_rows = [
        i for i in sorted(members) if not choices[i].resolved and choices[i].candidates
    ]
    if not open_rows:
        return list(choices)
    domains = _propagate(choices, groups, open_rows)
    out = list(choices)
    for i in open_rows:
        if len(domains[i]) == 1:
            out[i] = Choice(
                domains[i][0], (domains[i][0],), True, choices[i].total_readings
            )
        else:
            best = (
                choices[i].reading
                if choices[i].reading in domains[i]
                else domains[i][0]
            )
            out[i] = Choice(best, tuple(domains[i]), False, choices[i].total_readings)
    still = [i for i in open_rows if not out[i].resolved]
    size = 1
    for i in still:
        size *= len(domains[i])
    if not still or size > MAX_COMBINATIONS:
        return out
    return _resolve_exhaustive(out, groups, still)


def _resolve_exhaustive(
    choices: Sequence[Choice], groups: Sequence[SumGroup], open_rows: Sequence[int]
) -> list[Choice]:
    pools = [choices[i].candidates for i in open_rows]
    results: list[tuple[tuple[int, int], tuple[Reading, ...]]] = []
    for combo in itertools.product(*pools):
        picks = dict(zip(open_rows, combo, strict=True))
        results.append((_sum_violations(picks, choices, groups), combo))
    good = [combo for (_, bad), combo in results if bad == 0]
    best_combo = good[0] if good else max(results, key=lambda r: r[0][0] - r[0][1])[1]
    out = list(choices)
    for k, row in enumerate(open_rows):
        options = {id(c[k]): c[k] for c in good}
        if len(options) == 1:
            reading = next(iter(options.values()))
            out[row] = Choice(reading, (reading,), True, choices[row].total_readings)
        else:
            remaining = tuple(options.values()) or choices[row].candidates
            out[row] = Choice(
                best_combo[k], remaining, False, choices[row].total_readings
            )
    return out
