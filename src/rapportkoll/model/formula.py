"""Row formulas ``target = expression`` evaluated with interval arithmetic.

One formula language serves both the profiles' table relations (which the readers
use to resolve ambiguous digit grouping) and the ROW01 rule kind (which checks
them): column names, numbers, ``+ - * /``, unary minus and parentheses, nothing
else. Formulas come from user-written files, so they are parsed with ``ast`` against
that whitelist and bounded in size.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from rapportkoll.model.bounds import (
    Bounds,
    add_bounds,
    div_bounds,
    mul_bounds,
    neg_bounds,
    sub_bounds,
)

if TYPE_CHECKING:  # numpy only where intervals of arrays are computed
    from rapportkoll.model.interval import Interval

MAX_LENGTH = 500
MAX_NODES = 100

# The four operations, shared with the rule-expression language (rules/expr.py).
ARITHMETIC: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}

_ALLOWED = (
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.UnaryOp, ast.USub, ast.UAdd,
    ast.Name, ast.Load, ast.Constant,
)  # fmt: skip


@dataclass(frozen=True)
class Formula:
    """``target = expression``; ``expression_text`` is the right side as written."""

    text: str
    target: str
    expression_text: str
    expression: ast.expr

    @classmethod
    def parse(cls, text: str) -> Formula:
        """Parse 'a = b - c'; raises ValueError naming what is not allowed."""
        # Readers parse their profile's table relations once per table read.
        return _parse(text)

    @cached_property
    def operands(self) -> frozenset[str]:
        """The column names on the right-hand side."""
        return frozenset(
            n.id for n in ast.walk(self.expression) if isinstance(n, ast.Name)
        )

    @cached_property
    def columns(self) -> frozenset[str]:
        return self.operands | {self.target}

    def evaluate(self, lookup: Callable[[str], Interval]) -> Interval:
        """The right-hand side, with each column's interval from ``lookup``."""
        return _evaluate(self.expression, lookup)

    def bounds(self, lookup: Callable[[str], Bounds]) -> Bounds:
        """``evaluate`` for one row, on plain floats: the right-hand side's bounds."""
        return _bounds(self.expression, lookup)


@lru_cache(maxsize=1024)
def _parse(text: str) -> Formula:
    """``Formula.parse``: a formula is immutable, so one parse serves every use."""
    if len(text) > MAX_LENGTH:
        raise ValueError(f"formula is longer than {MAX_LENGTH} characters")
    left, sep, right = text.partition("=")
    if not sep or not left.strip().isidentifier():
        raise ValueError(f"formula must read 'column = expression': {text!r}")
    try:
        expression = ast.parse(right.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"cannot parse formula {text!r}: {exc.msg}") from None
    nodes = list(ast.walk(expression))
    if len(nodes) > MAX_NODES:
        raise ValueError(f"formula {text!r} has more than {MAX_NODES} parts")
    for node in nodes:
        if not isinstance(node, _ALLOWED) or (
            isinstance(node, ast.Constant)
            and (
                isinstance(node.value, bool) or not isinstance(node.value, int | float)
            )
        ):
            raise ValueError(f"formula {text!r} uses {type(node).__name__}")
    return Formula(text, left.strip(), right.strip(), expression)


_BOUNDS_OPS: dict[type[ast.operator], Callable[[Bounds, Bounds], Bounds]] = {
    ast.Add: add_bounds,
    ast.Sub: sub_bounds,
    ast.Mult: mul_bounds,
    ast.Div: div_bounds,
}


def _bounds(node: ast.expr, lookup: Callable[[str], Bounds]) -> Bounds:
    if isinstance(node, ast.Name):
        return lookup(node.id)
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)
        return float(node.value), float(node.value)
    if isinstance(node, ast.UnaryOp):
        inner = _bounds(node.operand, lookup)
        return neg_bounds(inner) if isinstance(node.op, ast.USub) else inner
    assert isinstance(node, ast.BinOp)
    return _BOUNDS_OPS[type(node.op)](
        _bounds(node.left, lookup), _bounds(node.right, lookup)
    )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _evaluate(node: ast.expr, lookup: Callable[[str], Interval]) -> Interval:
    if isinstance(node, ast.Constant):
        from rapportkoll.model.interval import Interval

        assert isinstance(node.value, int | float)
        return Interval.exact(float(node.value))
    if isinstance(node, ast.Name):
        return lookup(node.id)
    if isinstance(node, ast.UnaryOp):
        inner = _evaluate(node.operand, lookup)
        return -inner if isinstance(node.op, ast.USub) else inner
    assert isinstance(node, ast.BinOp)
    result: Interval = ARITHMETIC[type(node.op)](
        _evaluate(node.left, lookup), _evaluate(node.right, lookup)
    )
    return result
