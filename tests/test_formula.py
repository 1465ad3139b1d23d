"""Row formulas of profile relations and ROW01: evaluation and what is refused."""

from __future__ import annotations

import pytest

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
