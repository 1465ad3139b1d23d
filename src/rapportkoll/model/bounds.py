"""One interval as two plain floats, for code that checks one candidate at a time.

Reading a printed row tests many candidate readings one by one, where numpy's
per-call cost dominates; these functions do ``Interval``'s arithmetic (model/
interval.py) on a single (low, high) pair, without importing numpy.
"""

from __future__ import annotations

import math

# Each function gives exactly the bounds its ``Interval`` operator gives.

Bounds = tuple[float, float]


def printed_bounds(value: float, decimals: int) -> Bounds:
    """``Interval.printed`` of one value: value ± half a unit of its last digit."""
    half = 0.5 * 10.0 ** (-decimals)
    return value - half, value + half


def add_bounds(a: Bounds, b: Bounds) -> Bounds:
    return a[0] + b[0], a[1] + b[1]


def sub_bounds(a: Bounds, b: Bounds) -> Bounds:
    return a[0] - b[1], a[1] - b[0]


def neg_bounds(a: Bounds) -> Bounds:
    return -a[1], -a[0]


def mul_bounds(a: Bounds, b: Bounds) -> Bounds:
    products = (a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1])
    if any(math.isnan(p) for p in products):
        return math.nan, math.nan  # numpy's min/max propagate NaN
    return min(products), max(products)


def div_bounds(a: Bounds, b: Bounds) -> Bounds:
    if b[0] <= 0 <= b[1]:
        return mul_bounds(a, (-math.inf, math.inf))
    return mul_bounds(a, (1.0 / b[1], 1.0 / b[0]))


def bounds_meet(a: Bounds, b: Bounds, slack: float = 1e-9) -> bool:
    """``Interval.meets`` of two single intervals."""
    return a[0] <= b[1] + slack and b[0] <= a[1] + slack
