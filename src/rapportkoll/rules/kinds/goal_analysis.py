"""GOL02 goal.analysis-matches-parts: counts in a goal's analysis against its parts.

What it checks:
    A goal's analysis sentence states counts of its own indicators and uppdrag:
    "samtliga indikatorer bedöms nå målvärdet", "tre av fyra av uppdragen
    förväntas genomföras enligt plan", "samtliga utom två indikatorer …". Each
    claim whose sentence is part of an inriktningsmål's analysis (same report, line
    from the analysis to the next goal) and that a binding's ``claims`` expression
    selects is compared with that goal's rows: ``count`` (rows with the stated
    property) and ``total`` (all rows of the kind). A count must equal ``count``; "X
    av Y" both; "samtliga" means count = total; "samtliga utom N" means total −
    count = N. ``readings_by`` names a column (e.g. the indicator level KF/Nämnd)
    whose values give further readings of the goal's rows; a claim is only reported
    when no reading agrees. Goals with an unreadable line, and claims about a kind
    the goal lists nothing of, are skipped.

Why it matters:
    The analysis is the argument for the goal's assessment. If it says "samtliga
    indikatorer" while one is Ej uppfyllt, the assessment rests on a wrong premise.

Example rule:
    - id: malanalys-antal-indikatorer
      kind: GOL02
      table: claims
      params:
        bindings:
          - claims: "subject == 'indikatorer' and measure == 'uppfyllt'"
            count: {table: indicators, where: "bedomning == 'Uppfyllt'",
                    distinct: [level, indicator, name_line]}
            total: {table: indicators, distinct: [level, indicator, name_line]}
            readings_by: level
      title: Målanalysens antal indikatorer stämmer med indikatorerna

Example finding:
    Analysen av inriktningsmål 7.1 anger «tre av fyra» (3 av 4) men målet har 2 av
    4 (uppdrag enligt plan) — rad 1549, 1565, 1585, 1597, 1615
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.rules import fmt
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.expr import frame_mask
from rapportkoll.rules.kinds._common import first_str
from rapportkoll.rules.kinds._goals import (
    GoalCount,
    claim_goals,
    goal_rows,
    uncertain_goals,
)
from rapportkoll.rules.registry import RuleKind


class Binding(BaseModel):
    """Which claims speak of which rows of the goal."""

    model_config = ConfigDict(extra="forbid")
    claims: str
    count: GoalCount
    total: GoalCount
    readings_by: str | None = None
    label: dict[str, str] = {}


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bindings: list[Binding]
    skip_uncertain: bool = True


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    claims = ctx.rows()
    if claims.empty:
        return ctx.result
    claims = claims.assign(goal=claim_goals(ctx.bundle, claims))
    claims = claims[claims["goal"].notna()]
    skip = uncertain_goals(ctx.bundle) if p.skip_uncertain else set()
    for binding in p.bindings:
        _check(ctx, binding, claims[_mask(claims, binding.claims)], skip)
    return ctx.result


def _mask(frame: pd.DataFrame, where: str) -> pd.Series:
    if frame.empty:
        return pd.Series(False, index=frame.index, dtype=bool)
    return frame_mask(frame, where)


def _check(
    ctx: RuleContext,
    binding: Binding,
    claims: pd.DataFrame,
    skip: set[tuple[str, str]],
) -> None:
    if claims.empty:
        return
    by = binding.readings_by
    counted = _per_goal(goal_rows(ctx, binding.count), by)
    listed = _per_goal(goal_rows(ctx, binding.total), by)
    for _, claim in claims.iterrows():
        key = (str(claim["report"]), str(claim["goal"]))
        if key in skip:
            continue
        mine = listed.get(key)
        if mine is None:
            continue  # the goal lists nothing of this kind: nothing to compare
        hits = counted.get(key, _Summary())
        ctx.count([key[0]])
        readings = _readings(hits, mine)
        if any(_agrees(claim, n, total) for n, total in readings):
            continue
        _report(ctx, binding, claim, readings[0], mine.lines)


@dataclass
class _Summary:
    """A goal's rows of one kind: how many, their lines, how many per ``by`` value."""

    n: int = 0
    lines: list[int] = field(default_factory=list)
    by_value: dict[object, int] = field(default_factory=dict)


def _per_goal(rows: pd.DataFrame, by: str | None) -> dict[tuple[str, str], _Summary]:
    """Rows summarised per (report, goal) in one pass, so each claim looks its goal
    up instead of filtering every row (that was quadratic in the batch)."""
    out: dict[tuple[str, str], _Summary] = {}
    if rows.empty:
        return out
    values = rows[by].tolist() if by and by in rows else [None] * len(rows)
    for report, goal, line, value in zip(
        rows["report"], rows["goal"], rows["line"], values, strict=True
    ):
        summary = out.setdefault((str(report), str(goal)), _Summary())
        summary.n += 1
        summary.lines.append(int(line))
        if value is not None and value == value:  # NaN is no value
            summary.by_value[value] = summary.by_value.get(value, 0) + 1
    return out


def _readings(hits: _Summary, listed: _Summary) -> list[tuple[int, int]]:
    """(count, total) for all rows, then for each value of the ``by`` column."""
    out = [(hits.n, listed.n)]
    for value, total in listed.by_value.items():
        out.append((hits.by_value.get(value, 0), total))
    return out


def _number(value: object) -> int | None:
    """A stated count as an integer (None when empty)."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else round(number)


def _agrees(claim: pd.Series, n: int, total: int) -> bool:
    kind = first_str(claim.get("claim_kind"))
    if kind == "all":
        return total > 0 and n == total
    said = _number(claim.get("value"))
    if said is None:
        return True  # nothing stated that could disagree
    if kind == "all_but":
        return total - n == said
    if kind == "ratio":
        of = _number(claim.get("of_total"))
        return said == n and (of is None or of == total)
    return said == n


def _said(claim: pd.Series) -> str:
    printed = first_str(claim.get("printed"))
    if first_str(claim.get("claim_kind")) == "ratio":
        value, of = _number(claim.get("value")), _number(claim.get("of_total"))
        return f"«{printed} av …» ({value} av {of})"
    return f"«{printed}»"


def _report(
    ctx: RuleContext,
    binding: Binding,
    claim: pd.Series,
    reading: tuple[int, int],
    parts: list[int],
) -> None:
    n, total = reading
    what = binding.label.get(ctx.lang) or first_str(claim.get("subject"))
    lines = [int(claim["line"]), *sorted({int(x) for x in parts})[:30]]
    where = fmt.line_range(lines[:8], ctx.lang)
    goal = claim["goal"]
    ctx.add(
        message=ctx.t(
            f"Analysen av inriktningsmål {goal} anger {_said(claim)} men målet har "
            f"{n} av {total} ({what}) — {where}",
            f"The analysis of goal {goal} says {_said(claim)} but the goal has "
            f"{n} of {total} ({what}) — {where}",
        ),
        report=str(claim["report"]),
        file=str(claim["file"]),
        lines=lines,
        labels=[goal, first_str(claim.get("subject")), first_str(claim.get("measure"))],
        expected=float(n),
        reported=first_str(claim.get("printed")),
        tolerance=0.0,
    )


KIND = RuleKind("GOL02", "goal.analysis-matches-parts", Params, run, __doc__ or "")
