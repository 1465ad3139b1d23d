"""Vectorised interval arithmetic: a printed value stands for value ± half a unit.

Sums and differences of printed values propagate their rounding exactly (the XBRL
Calculations 1.1 idea): a computed result agrees with a reported one when their
intervals can meet, so tolerance follows from the precision printed, never from a
fixed epsilon.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Interval:
    """Point values with lower and upper bounds, element-wise over arrays."""

    value: Array
    low: Array
    high: Array

    @classmethod
    def printed(cls, values: object, decimals: object) -> Interval:
        v = np.asarray(values, dtype=float)
        d = np.asarray(decimals, dtype=float)
        half = 0.5 * np.power(10.0, -np.nan_to_num(d, nan=0.0))
        return cls(v, v - half, v + half)

    @classmethod
    def exact(cls, values: object) -> Interval:
        v = np.asarray(values, dtype=float)
        return cls(v, v, v)

    @property
    def half_width(self) -> Array:
        return (self.high - self.low) / 2.0

    def __add__(self, other: object) -> Interval:
        o = _lift(other)
        return Interval(self.value + o.value, self.low + o.low, self.high + o.high)

    __radd__ = __add__

    def __sub__(self, other: object) -> Interval:
        o = _lift(other)
        return Interval(self.value - o.value, self.low - o.high, self.high - o.low)

    def __rsub__(self, other: object) -> Interval:
        return _lift(other) - self

    def __neg__(self) -> Interval:
        return Interval(-self.value, -self.high, -self.low)

    def __pos__(self) -> Interval:
        return self

    def __mul__(self, other: object) -> Interval:
        o = _lift(other)
        products = np.stack(
            [self.low * o.low, self.low * o.high, self.high * o.low, self.high * o.high]
        )
        return Interval(
            self.value * o.value, products.min(axis=0), products.max(axis=0)
        )

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Interval:
        o = _lift(other)
        with np.errstate(divide="ignore", invalid="ignore"):
            spans_zero = (o.low <= 0) & (o.high >= 0)
            inverse = Interval(
                np.where(o.value == 0, np.nan, 1.0 / o.value),
                np.where(spans_zero, -np.inf, 1.0 / o.high),
                np.where(spans_zero, np.inf, 1.0 / o.low),
            )
            return self * inverse

    def __rtruediv__(self, other: object) -> Interval:
        return _lift(other) / self

    def scaled(self, factor: float) -> Interval:
        return self * factor

    def meets(self, other: Interval, slack: float = 1e-9) -> npt.NDArray[np.bool_]:
        """Where the two intervals overlap: the values can be the same number."""
        return (self.low <= other.high + slack) & (other.low <= self.high + slack)

    @property
    def bounded(self) -> npt.NDArray[np.bool_]:
        """Where both bounds are finite (dividing by an interval spanning 0 is not)."""
        return np.isfinite(self.low) & np.isfinite(self.high)


def _lift(other: object) -> Interval:
    if isinstance(other, Interval):
        return other
    return Interval.exact(other)


@dataclass(frozen=True)
class Comparison:
    """Reported vs expected: difference, tolerance, agreement.

    ``exact`` when the reported value is the expected one rounded to its printed digits.
    """

    difference: Array
    tolerance: Array
    agrees: npt.NDArray[np.bool_]
    exact: npt.NDArray[np.bool_]


def compare(reported: Interval, expected: Interval) -> Comparison:
    """Agreement when the intervals meet; tolerance = widest |difference| allowed."""
    difference = reported.value - expected.value
    tolerance = reported.half_width + expected.half_width
    slack = 1e-9 * np.maximum(1.0, np.abs(reported.value))
    with np.errstate(invalid="ignore"):
        agrees = np.abs(difference) <= tolerance + slack
        # The reported value is the computed one correctly rounded to the digits
        # printed: nothing to say, not even rounding.
        exact = np.abs(difference) <= reported.half_width + slack
    return Comparison(difference, tolerance, agrees, exact)
