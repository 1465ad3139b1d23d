"""Cells: empty cells from whitespace, digit grouping resolved by relations."""

from __future__ import annotations

import pytest

from rapportkoll.ingest.cells import (
    CellRun,
    Choice,
    Relation,
    SumGroup,
    cell_run,
    choose,
    numeric_tail_start,
    readings,
    resolve_by_sums,
    tokens_of,
)

DRIFT = [
    "budget_period", "utfall_period", "avvikelse_period", "utfall_prev_period",
    "budget_year", "prognos", "avvikelse_prognos",
]  # fmt: skip
DRIFT_RELATIONS = [
    Relation.parse("avvikelse_period = utfall_period - budget_period"),
    Relation.parse("avvikelse_prognos = prognos - budget_year"),
]


def read(text: str, n: int, *, open_end: bool = True) -> list[list[str]]:
    tokens = tokens_of(text)
    first = numeric_tail_start(tokens)
    start = tokens[first - 1].end if first else 0
    run = cell_run(
        text,
        tokens[first:],
        (start, len(text)),
        open_start=first == 0,
        open_end=open_end,
    )
    return [
        ["" if c is None else c.number.printed for c in r.cells]
        for r in readings(run, n)
    ]


def row_run(text: str) -> CellRun:
    """The cells of a row's numeric tail, open to the right as in a table."""
    tokens = tokens_of(text)
    first = numeric_tail_start(tokens)
    return cell_run(
        text,
        tokens[first:],
        (tokens[first - 1].end, len(text)),
        open_start=False,
        open_end=True,
    )


def choice(text: str, n: int, columns: list[str], relations: list[Relation]) -> Choice:
    return choose(readings(row_run(text), n), columns, relations)


def test_row_with_fifteen_groupings_is_resolved_by_its_relations() -> None:
    text = "Kommundirektör -2 096 -1 789 307 -1 457 -5 936 -5 761 175"
    assert len(read(text, 7)) == 15
    c = choice(text, 7, DRIFT, DRIFT_RELATIONS)
    assert c.resolved and c.reading is not None
    assert [x.number.value for x in c.reading.cells if x] == [
        -2096,
        -1789,
        307,
        -1457,
        -5936,
        -5761,
        175,
    ]


def test_without_relations_the_same_row_stays_ambiguous_with_candidates() -> None:
    c = choice(
        "Kommundirektör -2 096 -1 789 307 -1 457 -5 936 -5 761 175", 7, DRIFT, []
    )
    assert not c.resolved
    assert c.total_readings == 15
    assert "15 möjliga läsningar" in c.message()
    assert c.message().count("[") == 3  # at most three candidates shown


def test_two_digit_tokens_must_start_a_number() -> None:
    assert read("x 60 429 60 231 51 342 48 121 67 679 54 661", 6) == [
        ["60 429", "60 231", "51 342", "48 121", "67 679", "54 661"]
    ]


def test_ambiguous_grouping_keeps_every_candidate() -> None:
    assert read("x 5 565 596 0 0 8 529 0", 6) == [
        ["5", "565 596", "0", "0", "8 529", "0"],
        ["5 565", "596", "0", "0", "8 529", "0"],
        ["5 565 596", "0", "0", "8", "529", "0"],
    ]


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("Uppdrag Ej påbörjad  1 1", 3, ["", "1", "1"]),
        ("Uppdrag Påbörjad 19  19", 3, ["19", "", "19"]),
        ("x -5,7% -12,4%   -12,4% ", 6, ["-5,7%", "-12,4%", "", "", "-12,4%", ""]),
        ("    300 240", 6, ["", "", "", "", "300", "240"]),
        ("R 437 418  0 400 540", 6, ["437", "418", "", "0", "400", "540"]),
        (
            "HR 22 171 5 901 6 914  8 500 8 500",
            6,
            ["22 171", "5 901", "6 914", "", "8 500", "8 500"],
        ),
        ("x 207,6% 155 % 59,2%", 3, ["207,6%", "155 %", "59,2%"]),
        ("4.93% 4.95% 2.71%   ", 6, ["4.93%", "4.95%", "2.71%", "", "", ""]),
    ],
)
def test_empty_cells_follow_the_whitespace(
    text: str, n: int, expected: list[str]
) -> None:
    assert read(text, n) == [expected]


def test_leading_zero_group_is_not_a_thousands_group() -> None:
    assert ["0 400"] not in read("x 0 400", 1)
    assert read("x 0 400", 2) == [["0", "400"]]


def test_breaks_force_a_new_cell_after_a_single_space() -> None:
    text = "421 442 392 055"
    tokens = tokens_of(text)
    run = cell_run(
        text, tokens, (0, len(text)), open_start=True, open_end=True, breaks=[8]
    )
    assert [[c.number.printed for c in r.cells if c] for r in readings(run, 2)] == [
        ["421 442", "392 055"]
    ]


def test_conflicting_whitespace_is_resolved_by_column_sums() -> None:
    columns = ["enligt_plan", "avvikelse", "total"]
    rel = [Relation.parse("total = enligt_plan + avvikelse")]
    rows = ["U P 19  19", "U E  1 1", "N P 11 2 13", "T S  31 3 "]
    choices = [choice(r, 3, columns, rel) for r in rows]
    assert [c.resolved for c in choices] == [True, True, True, False]
    out = resolve_by_sums(choices, [SumGroup((0, 1, 2), 3, (0, 1, 2))])
    total = out[3].reading
    assert out[3].resolved and total is not None
    assert [None if c is None else c.number.value for c in total.cells] == [31, 3, None]


def test_untraced_empty_cells_are_placed_by_units_and_sums() -> None:
    columns = ["a", "pct", "b"]
    text = "p -100 -100"
    tokens = tokens_of(text)
    run = cell_run(text, tokens[1:], (1, len(text)), open_start=False, open_end=True)
    options = readings(run, 3, traced=False)
    assert len(options) == 3
    c = choose(options, columns, [])
    assert not c.resolved


def test_relation_with_interval_tolerance() -> None:
    rel = Relation.parse("pct = 100 * (a - b) / a")
    from rapportkoll.model.numbers import parse_number

    def values(a: str, b: str, pct: str) -> dict[str, object]:
        return {"a": parse_number(a), "b": parse_number(b), "pct": parse_number(pct)}

    assert rel.holds(values("-3000", "-1 336", "55%")) is True  # type: ignore[arg-type]
    assert rel.holds(values("-3000", "-1 336", "57%")) is False  # type: ignore[arg-type]
    assert rel.holds({"a": None}) is None


def test_relation_rejects_anything_but_arithmetic() -> None:
    with pytest.raises(ValueError, match="Call"):
        Relation.parse("a = __import__('os')")
    with pytest.raises(ValueError, match="column = expression"):
        Relation.parse("a + b")


def test_seven_six_digit_amounts_keep_the_true_reading_among_hundreds() -> None:
    # ~800 ways to segment; the true one must reach the relations (a cap of 64
    # segmentations used to cut it off, and the row was reported as ambiguous).
    text = "Intäkter 119 285 114 279 -5 006 130 668 190 794 192 448 1 654"
    c = choice(text, 7, DRIFT, DRIFT_RELATIONS)
    assert c.resolved and c.reading is not None, c.message()
    assert [x.number.value for x in c.reading.cells if x] == [
        119285,
        114279,
        -5006,
        130668,
        190794,
        192448,
        1654,
    ]


@pytest.mark.parametrize(
    ("text", "traced"),
    [
        ("Kommundirektör -2 096 -1 789 307 -1 457 -5 936 -5 761 175", True),
        ("Kommundirektör -2 096 -1 789 307 -1 457 -5 936 -5 761 175", False),
        ("HR 22 171 5 901 6 914  8 500 8 500", True),
        ("x 5 565 596 0 0 8 529 0", False),
        ("Intäkter 119 285 114 279 -5 006 130 668 190 794 192 448 1 654", True),
    ],
)
def test_full_only_is_the_full_readings_of_the_whole_list(
    text: str, traced: bool
) -> None:
    run = row_run(text)
    every = readings(run, 7, traced=traced)
    full = [r for r in every if all(c is not None for c in r.cells)]
    assert readings(run, 7, traced=traced, full_only=True) == full
    assert full or traced  # untraced, seven numbers fill the seven columns
