"""Row formulas of profile relations and ROW01: evaluation and what is refused."""

from __future__ import annotations

import math

import pytest

from rapportkoll.model.bounds import printed_bounds
from rapportkoll.model.formula import Formula
from rapportkoll.model.interval import Interval


def test_evaluates_with_printed_precision() -> None:
    formula = Formula.parse("avvikelse = utfall - budget")
    values = {"utfall": -1789.0, "budget": -2096.0}
    result = formula.evaluate(lambda n: Interval.printed([values[n]], [0]))
    assert formula.target == "avvikelse" and formula.operands == {"utfall", "budget"}
    assert result.value[0] == 307 and result.low[0] == 306 and result.high[0] == 308


def test_division_by_an_interval_spanning_zero_is_unbounded() -> None:
    formula = Formula.parse("p = a / b")
    result = formula.evaluate(
        lambda n: Interval.printed([1.0 if n == "a" else 0.0], [0])
    )
    assert not result.bounded[0]


@pytest.mark.parametrize(
    "text",
    [
        "a = b.c",
        "a = f(b)",
        "a = b[0]",
        "a = 'x'",
        "a = b ** 2",
        "a = True",
        "a == b",
        "1 = b",
        "a = " + " + ".join(["b"] * 200),
        "a = (lambda: 1)()",
    ],
)
def test_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError):
        Formula.parse(text)


@pytest.mark.parametrize(
    "text",
    [
        "avvikelse = utfall - budget",
        "pct = 100 * (a - b) / a",
        "p = a / b",
        "x = -a + 2 * b - (a - b) / 3",
    ],
)
@pytest.mark.parametrize(
    ("a", "b", "decimals"),
    [(-1789.0, -2096.0, 0), (3000.0, 1336.0, 0), (1.0, 0.0, 0), (4.5, -0.2, 1)],
)
def test_bounds_on_floats_are_the_interval_bounds(
    text: str, a: float, b: float, decimals: int
) -> None:
    formula = Formula.parse(text)
    values = {"a": a, "b": b, "utfall": a, "budget": b}
    interval = formula.evaluate(lambda n: Interval.printed([values[n]], [decimals]))
    low, high = formula.bounds(lambda n: printed_bounds(values[n], decimals))
    if interval.bounded[0]:
        assert (low, high) == (interval.low[0], interval.high[0])
    else:
        assert not (math.isfinite(low) and math.isfinite(high))
