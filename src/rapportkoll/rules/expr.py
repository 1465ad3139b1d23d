"""A small, restricted expression language for rule filters, conditions and formulas.

Rule files may come from an untrusted pull request, so expressions are parsed with
``ast`` and only a whitelist of node types is evaluated: names (columns), literals,
comparisons, ``and``/``or``/``not``, arithmetic, ``in`` with literal lists, and a few
named functions. No attribute access, subscripts, imports, dunders, comprehensions,
lambdas or arbitrary calls; size and depth are bounded. Evaluation is vectorised:
a name is a whole column, so one expression filters every report at once.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from rapportkoll.model.formula import ARITHMETIC
from rapportkoll.model.text import fold

MAX_LENGTH = 2000
MAX_NODES = 400
MAX_DEPTH = 24


class ExpressionError(ValueError):
    """The expression is not allowed or cannot be evaluated (names the reason)."""


def _isnull(x: Any) -> Any:
    return pd.isna(x) if not isinstance(x, pd.Series) else x.isna()


def _notnull(x: Any) -> Any:
    return ~_isnull(x) if isinstance(x, pd.Series) else not pd.isna(x)


def _str(x: Any) -> Any:
    return x.astype("string") if isinstance(x, pd.Series) else str(x)


def _lower(x: Any) -> Any:
    return _str(x).str.lower() if isinstance(x, pd.Series) else str(x).lower()


def on_distinct(x: pd.Series, f: Callable[[pd.Series], Any]) -> pd.Series:
    """``f(x)``, computed once per distinct value of ``x``: ``f`` maps a Series to
    one value per element (and must not depend on neighbours); empty cells
    (None, NaN, NA) all get ``f`` of None. Columns repeat few values (a table
    name, a unit, a period end per report), so the work per row is a look-up, not
    a Python call.
    """
    codes, distinct = x.factorize()
    if len(distinct) == 0:  # (an f of nothing may have a dtype of its own)
        done = pd.Series(f(pd.Series([], dtype=object)))
        blank = pd.Series(f(pd.Series([None], dtype=object)))
        table = np.append(done.to_numpy(), blank.to_numpy())
    else:
        # One call for the distinct values and the empty cell (code -1, last).
        values = np.empty(len(distinct) + 1, dtype=object)
        values[:-1] = distinct
        values[-1] = None
        table = pd.Series(f(pd.Series(values, dtype=object))).to_numpy()
    return pd.Series(table[codes], index=x.index)


def _contains(x: Any, sub: Any) -> Any:
    if not isinstance(sub, str):
        raise ExpressionError("contains() takes a text literal as its second argument")
    if isinstance(x, pd.Series):
        return on_distinct(
            x,
            lambda v: _str(v).str.contains(sub, regex=False, case=False).fillna(False),
        )
    return sub.lower() in str(x).lower()


def _like(x: Any, sub: Any) -> Any:
    """Contains, ignoring case and diacritics (OCR'd text has lost å, ä, ö)."""
    if not isinstance(sub, str):
        raise ExpressionError("like() takes a text literal as its second argument")
    needle = fold(sub)
    if isinstance(x, pd.Series):
        return on_distinct(
            x, lambda v: v.map(lambda s: isinstance(s, str) and needle in fold(s))
        )
    return isinstance(x, str) and needle in fold(x)


def _startswith(x: Any, prefix: Any) -> Any:
    if not isinstance(prefix, str):
        raise ExpressionError(
            "startswith() takes a text literal as its second argument"
        )
    if isinstance(x, pd.Series):
        return on_distinct(x, lambda v: _str(v).str.startswith(prefix).fillna(False))
    return str(x).startswith(prefix)


def _iso(value: Any) -> str | None:
    """A date's ISO text; None for anything that is neither a date nor a text."""
    if isinstance(value, date):
        return value.isoformat()[:10]
    return value if isinstance(value, str) else None


def _dates(x: Any) -> Any:
    """ISO dates as timestamps; anything that is not a date (numbers too) is NaT."""
    if isinstance(x, pd.Series):
        if pd.api.types.is_datetime64_any_dtype(x.dtype):
            return x
        return on_distinct(x, _timestamps)
    one = _iso(x)
    if one is None:
        return pd.NaT
    return pd.to_datetime(one, errors="coerce", format="%Y-%m-%d")


def _timestamps(x: pd.Series) -> pd.Series:
    """Each value's ISO date as a timestamp (NaT when it is not one)."""
    text = x.map(_iso).astype("string")
    return pd.to_datetime(text, errors="coerce", format="%Y-%m-%d")


def _days(a: Any, b: Any) -> Any:
    """Days from a to b (ISO dates); empty when either is missing or not a date."""
    delta = _dates(b) - _dates(a)
    if isinstance(delta, pd.Series):
        return delta.dt.days.astype("float64")
    return float("nan") if pd.isna(delta) else float(delta.days)


def _abs(x: Any) -> Any:
    return abs(x)


def _year(x: Any) -> Any:
    d = _dates(x)
    if isinstance(d, pd.Series):
        return d.dt.year.astype("float64")
    return float("nan") if pd.isna(d) else float(d.year)


FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "isnull": _isnull,
    "notnull": _notnull,
    "lower": _lower,
    "contains": _contains,
    "like": _like,
    "startswith": _startswith,
    "days": _days,
    "abs": _abs,
    "year": _year,
}
ARITY = {name: len(inspect.signature(f).parameters) for name, f in FUNCTIONS.items()}

_ALLOWED = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Call,
)


@dataclass(frozen=True)
class Expression:
    """A checked expression, ready to evaluate against columns."""

    source: str
    tree: ast.Expression

    @property
    def names(self) -> frozenset[str]:
        return frozenset(
            n.id
            for n in ast.walk(self.tree)
            if isinstance(n, ast.Name) and n.id not in FUNCTIONS
        )


@cache
def parse(source: str) -> Expression:
    """Parse and check an expression; ExpressionError says what is not allowed."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("expression is empty")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"expression is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(
            f"syntax error at column {exc.offset}: {exc.msg}"
        ) from None
    for count, node in enumerate(ast.walk(tree), start=1):
        if count > MAX_NODES:
            raise ExpressionError(f"expression has more than {MAX_NODES} parts")
        _check_node(node)
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(f"expression nests deeper than {MAX_DEPTH} levels")
    return Expression(source, tree)


@cache
def conjuncts(source: str) -> tuple[str, ...]:
    """The parts of an ``and`` at the top of ``source`` (``source`` itself when it
    is not one): the rows where every part holds are the rows where it holds, so
    rules whose filters share a part can share its mask."""
    body = parse(source).tree.body
    if isinstance(body, ast.BoolOp) and isinstance(body.op, ast.And):
        return tuple(ast.unparse(v) for v in body.values)
    return (source,)


def _check_node(node: ast.AST) -> None:
    if not isinstance(node, _ALLOWED):
        raise ExpressionError(
            f"{type(node).__name__} is not allowed in rule expressions"
        )
    if isinstance(node, ast.Name) and (node.id.startswith("_") or "__" in node.id):
        raise ExpressionError(f"name {node.id!r} is not allowed")
    if isinstance(node, ast.Constant) and not isinstance(
        node.value, str | int | float | bool | type(None)
    ):
        raise ExpressionError(
            "only text, number, true/false and None literals are allowed"
        )
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(f"only these functions may be called: {allowed}")
        if node.keywords:
            raise ExpressionError("functions take no keyword arguments")
        if len(node.args) != ARITY[node.func.id]:
            raise ExpressionError(
                f"{node.func.id}() takes {ARITY[node.func.id]} argument(s), "
                f"not {len(node.args)}"
            )
    if isinstance(node, ast.List | ast.Tuple) and not all(
        isinstance(e, ast.Constant) for e in node.elts
    ):
        raise ExpressionError("lists may only hold literals")


def _depth(node: ast.AST, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    children = list(ast.iter_child_nodes(node))
    return max((_depth(c, level + 1) for c in children), default=level)


class Evaluator:
    """Evaluates a checked expression; ``lookup`` gives a name's column or value."""

    def __init__(self, lookup: Callable[[str], Any]) -> None:
        self._lookup = lookup

    def evaluate(self, expression: Expression) -> Any:
        """The value of ``expression``; any failure is an ExpressionError naming it."""
        try:
            return self._eval(expression.tree.body)
        except ExpressionError:
            raise
        except (TypeError, ValueError, ArithmeticError) as exc:
            # Wrong operand types, huge numbers, lists of the wrong length …: the
            # rule's expression cannot be evaluated on these values, not a crash.
            raise ExpressionError(
                f"cannot evaluate {expression.source!r}: {exc}"
            ) from None

    def _eval(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self._lookup(node.id)
        if isinstance(node, ast.List | ast.Tuple):
            return [self._eval(e) for e in node.elts]
        if isinstance(node, ast.BoolOp):
            return self._boolop(node)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            return FUNCTIONS[node.func.id](*(self._eval(a) for a in node.args))
        raise ExpressionError(f"{type(node).__name__} is not allowed")

    def _boolop(self, node: ast.BoolOp) -> Any:
        values = [_as_bool(self._eval(v)) for v in node.values]
        result = values[0]
        for v in values[1:]:
            result = (result & v) if isinstance(node.op, ast.And) else (result | v)
        return result

    def _unary(self, node: ast.UnaryOp) -> Any:
        operand = self._eval(node.operand)
        if isinstance(node.op, ast.Not):
            b = _as_bool(operand)
            return ~b if isinstance(b, pd.Series) else not b
        return -operand if isinstance(node.op, ast.USub) else +operand

    def _binop(self, node: ast.BinOp) -> Any:
        left, right = self._eval(node.left), self._eval(node.right)
        if any(isinstance(v, str | list | bytes) for v in (left, right)):
            raise ExpressionError("arithmetic is only allowed on numbers")
        if (
            isinstance(node.op, ast.Div)
            and isinstance(right, int | float)
            and right == 0
        ):
            raise ExpressionError("division by zero")
        try:
            return ARITHMETIC[type(node.op)](left, right)
        except TypeError as exc:
            raise ExpressionError(
                f"cannot compute {ast.unparse(node)}: {exc}"
            ) from None

    def _compare(self, node: ast.Compare) -> Any:
        left = self._eval(node.left)
        result: Any = True
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self._eval(comparator)
            result = result & _compare(op, left, right)
            left = right
        return result


def _compare(op: ast.cmpop, left: Any, right: Any) -> Any:
    if isinstance(op, ast.In | ast.NotIn):
        if not isinstance(right, list):
            raise ExpressionError("'in' needs a literal list on its right")
        inside = left.isin(right) if isinstance(left, pd.Series) else left in right
        return ~inside if isinstance(op, ast.NotIn) else inside
    ops: dict[type, Callable[[Any, Any], Any]] = {
        ast.Eq: lambda a, b: a == b,
        ast.NotEq: lambda a, b: a != b,
        ast.Lt: lambda a, b: a < b,
        ast.LtE: lambda a, b: a <= b,
        ast.Gt: lambda a, b: a > b,
        ast.GtE: lambda a, b: a >= b,
    }
    try:
        out = ops[type(op)](left, right)
    except TypeError as exc:
        raise ExpressionError(f"cannot compare: {exc}") from None
    if isinstance(out, pd.Series):
        if out.dtype == np.bool_:
            return out  # a comparison of plain columns: no empty cells to fill
        return out.fillna(False).astype(bool)
    return bool(out) if not isinstance(out, np.ndarray) else out


def _text_comparison(frame: pd.DataFrame, node: ast.expr) -> pd.Series | None:
    """``column == 'text'`` (``!=``, ``in [texts]``, ``not in``) of a column of
    Python objects, compared on its array; None for any other expression.

    The most common filter, at a fraction of the Series operations' cost, with
    their answers: an empty cell equals no text and is in no list.
    """
    if not (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and isinstance(node.left, ast.Name)
        and node.left.id in frame.columns
    ):
        return None
    op, right = node.ops[0], node.comparators[0]
    if isinstance(op, ast.Eq | ast.NotEq) and isinstance(right, ast.Constant):
        texts = [right.value]
    elif isinstance(op, ast.In | ast.NotIn) and isinstance(right, ast.List | ast.Tuple):
        texts = [e.value for e in right.elts if isinstance(e, ast.Constant)]
        if len(texts) != len(right.elts):
            return None
    else:
        return None
    column = frame[node.left.id]
    if column.dtype != object or not all(isinstance(t, str) for t in texts):
        return None
    values = column.to_numpy()
    filled = np.flatnonzero(~pd.isna(values))
    found = np.zeros(len(values), dtype=bool)
    for text in texts:
        found[filled] |= values[filled] == text
    if isinstance(op, ast.NotEq | ast.NotIn):
        found = ~found
    return pd.Series(found, index=frame.index, name=column.name)


def _truthy(series: pd.Series) -> pd.Series:
    """A boolean mask from any column: empty cells are false, else Python truthiness."""
    if series.dtype == np.bool_:
        return series  # copy-on-write: a caller's &= never changes a column
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.fillna(False).astype(bool)
    flags = [_filled(v) for v in series]
    return pd.Series(flags, index=series.index, dtype=bool)


def _filled(value: Any) -> bool:
    """Python truthiness, but empty (None, NaN, NA) is false and never ambiguous."""
    if isinstance(value, list | tuple | np.ndarray):
        return len(value) > 0
    return not pd.isna(value) and bool(value)


def _as_bool(value: Any) -> Any:
    if isinstance(value, pd.Series):
        return _truthy(value)
    return _filled(value)


def frame_mask(
    frame: pd.DataFrame, source: str | None, constants: Mapping[str, Any] | None = None
) -> pd.Series:
    """Rows of ``frame`` where the expression holds (all rows when source is None)."""
    if source is None:
        return pd.Series(True, index=frame.index)
    expression = parse(source)
    plain = _text_comparison(frame, expression.tree.body)
    if plain is not None:
        return plain
    consts = dict(constants or {})

    def lookup(name: str) -> Any:
        if name in frame.columns:
            return frame[name]
        if name in consts:
            return consts[name]
        if name in {"true", "false", "True", "False"}:
            return name.lower() == "true"
        if name == "None":
            return None
        raise ExpressionError(
            f"unknown name {name!r}; columns: {', '.join(map(str, frame.columns))}"
        )

    result = Evaluator(lookup).evaluate(expression)
    if isinstance(result, pd.Series):
        if len(result) != len(frame):
            raise ExpressionError(f"{source!r} does not give one value per row")
        return _truthy(result)
    return pd.Series(_filled(result), index=frame.index)
