"""CMP01 arithmetic.row-comparison: a row's values must stay within a plausible bound.

What it checks:
    For every row of a table (one row per ``row_key``, as in ROW01), the comparison
    ``check`` (``left OP right`` with ``OP`` one of ``< <= > >= ==``, each side a
    formula of column names, numbers and ``+ - * /``) must be possible. Printed values
    are intervals (value ± half a unit of the last printed digit), so a row is
    flagged only when no reading of the printed values satisfies ``check``: rounding
    never raises a finding. ``when`` lists comparisons that select the rows to check;
    a row is checked when each of them can hold within rounding (a budget printed as
    0 may be any amount under half a unit). ``aliases`` names a column by glob
    patterns (``budget_ar: ["budget_{year}"]``, ``{year}`` being the year the
    report's period ends in) so one rule serves tables whose headers carry the
    year. Rows missing a column, on a line the reader flagged as uncertain, or whose
    comparison divides by a value that may be zero are skipped.

Why it matters:
    Some errors break no sum: money spent in a year that has no budget for it, a
    period's utfall already beyond the whole year's budget or forecast, an
    accumulated outcome beyond the project's total forecast. Each may be right, but a
    controller asks about every one before the report goes to the nämnd.

Example rule:
    - id: utfall-over-arsbudget-investering
      kind: CMP01
      severity: warning
      table: finance
      where: "startswith(table, 'investeringar') and row_kind == 'part'"
      params:
        aliases: {budget_ar: ["budget_{year}"]}
        check: "utfall_period / budget_ar <= 1"
      title: Periodens utfall överstiger redan årets budget

Example finding:
    investeringar_raddningstjanst, 25000 - Höjdfordon 2025: Periodens utfall
    överstiger redan årets budget: utfall_period / budget_ar är 1,27, ska vara
    ≤ 1 (budget_ar −2 700, utfall_period −3 421) — rad 1907
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, field_validator

from rapportkoll.model.formula import Formula
from rapportkoll.model.interval import Interval
from rapportkoll.rules import fmt
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.kinds._common import as_int, certain_rows
from rapportkoll.rules.kinds._wide import widen_all
from rapportkoll.rules.registry import RuleKind

Mask = npt.NDArray[np.bool_]
_OPERATOR = re.compile(r"<=|>=|==|<|>")
_SHOWN_OPERATOR = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": ""}


@dataclass(frozen=True)
class Comparison:
    """``left OP right`` over columns; both sides parsed by the formula language."""

    text: str
    left: Formula
    op: str
    right: Formula

    @classmethod
    def parse(cls, text: str) -> Comparison:
        found = _OPERATOR.findall(text)
        if len(found) != 1:
            raise ValueError(
                f"comparison must read 'left OP right' with one of < <= > >= ==: "
                f"{text!r}"
            )
        op = found[0]
        left, _, right = text.partition(op)
        return cls(
            text,
            Formula.parse(f"left = {left.strip()}"),
            op,
            Formula.parse(f"right = {right.strip()}"),
        )

    @property
    def columns(self) -> set[str]:
        return set(self.left.operands) | set(self.right.operands)

    def possible(self, left: Interval, right: Interval) -> Mask:
        """Where some reading of the printed values satisfies the comparison."""
        with np.errstate(invalid="ignore"):
            if self.op == "<":
                out = left.low < right.high
            elif self.op == "<=":
                out = left.low <= right.high
            elif self.op == ">":
                out = left.high > right.low
            elif self.op == ">=":
                out = left.high >= right.low
            else:
                out = left.meets(right)
        unbounded = ~(left.bounded & right.bounded)
        return np.asarray(out | unbounded, dtype=bool)


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    check: str
    when: list[str] = []
    aliases: dict[str, list[str]] = {}
    row_key: list[str] = ["report", "table", "position", "row"]
    column_field: str = "column"
    label: str = "row"

    @field_validator("when", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("check")
    @classmethod
    def _parses(cls, value: str) -> str:
        Comparison.parse(value)
        return value


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    check = Comparison.parse(p.check)
    conditions = [Comparison.parse(w) for w in p.when]
    names = check.columns.union(*(c.columns for c in conditions))
    rows = ctx.rows()
    if rows.empty:
        return ctx.result
    rows = _with_aliases(certain_rows(ctx), p)
    aliases = tuple((a, tuple(pats)) for a, pats in sorted(p.aliases.items()))
    wide = widen_all(ctx, rows, p.row_key, p.column_field, names, aliases)
    if wide.empty:
        return ctx.result
    applicable = wide[sorted(names)].notna().all(axis=1).to_numpy(dtype=bool).copy()
    for condition in conditions:
        applicable &= condition.possible(*_sides(wide, condition))
    left, right = _sides(wide, check)
    bad = ~check.possible(left, right)
    ctx.count(wide["report"].to_numpy()[applicable])
    for idx in np.flatnonzero(applicable & bad):
        _report(ctx, p, wide.iloc[idx], check, left, int(idx))
    return ctx.result


def _with_aliases(rows: pd.DataFrame, p: Params) -> pd.DataFrame:
    """Copies of the cells whose column matches an alias's patterns, under the alias.

    ``{year}`` in a pattern is the year the row's report period ends in, so
    ``budget_{year}`` is the budget of the report's own year.
    """
    if not p.aliases or rows.empty:
        return rows
    columns = rows[p.column_field].astype(str)
    ends = (
        rows["period_end"]
        if "period_end" in rows.columns
        else pd.Series(None, index=rows.index, dtype="object")
    )
    years = pd.to_datetime(ends, errors="coerce").dt.year
    extra = []
    for alias, patterns in p.aliases.items():
        hit = [
            any(fnmatchcase(c, _pattern(pat, year)) for pat in patterns)
            for c, year in zip(columns, years, strict=True)
        ]
        extra.append(rows[hit].assign(**{p.column_field: alias}))
    return pd.concat([rows, *extra], ignore_index=True)


def _pattern(pattern: str, year: float) -> str:
    if "{year}" not in pattern:
        return pattern
    return pattern.replace("{year}", "" if year != year else str(int(year)))


def _sides(wide: pd.DataFrame, comparison: Comparison) -> tuple[Interval, Interval]:
    def lookup(name: str) -> Interval:
        return Interval.printed(wide[name], wide[f"{name}__dec"].fillna(0))

    def side(formula: Formula) -> Interval:
        result = formula.evaluate(lookup)
        if result.value.ndim == 0:
            return Interval.exact(np.full(len(wide), float(result.value)))
        return result

    return side(comparison.left), side(comparison.right)


def _report(
    ctx: RuleContext,
    p: Params,
    row: pd.Series,
    check: Comparison,
    left: Interval,
    i: int,
) -> None:
    lang = ctx.lang
    names = sorted(check.columns)
    lines = [row[f"{n}__line"] for n in names if pd.notna(row[f"{n}__line"])]
    shown = ", ".join(
        f"{n} {fmt.number(row[n], as_int(row.get(f'{n}__dec')), lang)}" for n in names
    )
    # "utfall_period är −15" says it all; list the operands only for an expression.
    shown = "" if names == [check.left.expression_text] else f" ({shown})"
    value = float(left.value[i])
    computed = fmt.number(value, max(fmt.decimals_for(round(value, 2)), 0), lang)
    bound = f"{_SHOWN_OPERATOR[check.op]} {check.right.expression_text}".strip()
    where = f"{row.get('table', '')}, {row[p.label]}".strip(", ")
    title = ctx.spec.title.get(lang)
    left_text = check.left.expression_text
    message = ctx.t(
        f"{where}: {title}: {left_text} är {computed}, ska vara {bound}{shown} — "
        f"{fmt.line_range(lines, lang)}",
        f"{where}: {title}: {left_text} is {computed}, should be {bound}{shown} — "
        f"{fmt.line_range(lines, lang)}",
    )
    ctx.add(
        message=message,
        report=str(row["report"]),
        file=str(row["file"]),
        lines=lines,
        labels=[row.get("table", ""), row[p.label], check.text],
        reported=value,
        expected=check.text,
    )


KIND = RuleKind("CMP01", "arithmetic.row-comparison", Params, run, __doc__ or "")
