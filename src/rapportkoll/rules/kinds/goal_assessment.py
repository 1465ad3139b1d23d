"""GOL01 goal.assessment-follows-parts: an inriktningsmål's Bedömning against its parts.

What it checks:
    For every inriktningsmål, the rule counts its own indicators and uppdrag/
    nämndinitiativ (rows of other tables with the same ``goal``), as named in
    ``counts`` — e.g. ``ind_ej`` = indicators assessed Ej uppfyllt, ``itm_avv`` =
    items with prognosis Avvikelse från plan. The ``cases`` are a decision table over
    the goal's own columns (bedomning, trend …) and those counts: each case whose
    ``when`` holds is a finding with the case's severity and message. Which
    combinations are findings is data in the rule file, not code. Goals whose
    section has a line the reader could not read are skipped (a dropped indicator
    would change the counts).

Why it matters:
    The goal's assessment is what the nämnd reads; it must follow from the
    indicators and uppdrag it is built on. "Uppfyllt" over mostly failing
    indicators, or no assessment at all over assessed indicators, hides the state
    of the goal.

Example rule:
    - id: inriktningsmal-bedomning-foljer-indikatorer
      kind: GOL01
      table: goals
      params:
        counts:
          ind: {table: indicators, where: "bedomning in ['Uppfyllt', 'Ej uppfyllt']",
                distinct: [level, indicator, name_line]}
          ind_ej: {table: indicators, where: "bedomning == 'Ej uppfyllt'",
                   distinct: [level, indicator, name_line]}
        cases:
          - when: "bedomning == 'Uppfyllt' and ind > 0 and ind_ej * 2 > ind"
            severity: warning
            message:
              sv: "bedöms Uppfyllt men {ind_ej} av {ind} indikatorer är Ej uppfyllt"
              en: "assessed met but {ind_ej} of {ind} indicators are not met"
      title: Inriktningsmålets bedömning följer indikatorerna

Example finding:
    Inriktningsmål 6.1 «Främja växande företag …» bedöms Uppfyllt men 2 av 3
    indikatorer är Ej uppfyllt — rad 1013, 1029, 1037
"""

from __future__ import annotations

import re

import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.findings import Severity
from rapportkoll.rules import fmt
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.expr import frame_mask
from rapportkoll.rules.kinds._common import first_str
from rapportkoll.rules.kinds._goals import (
    GoalCount,
    goal_rows,
    uncertain_goals,
)
from rapportkoll.rules.registry import RuleKind

_FIELD = re.compile(r"\{(\w+)\}")


class Case(BaseModel):
    """One row of the decision table: a condition and the finding it gives."""

    model_config = ConfigDict(extra="forbid")
    when: str
    severity: Severity = Severity.WARNING
    message: dict[str, str]


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    counts: dict[str, GoalCount]
    cases: list[Case]
    skip_uncertain: bool = True


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    goals = ctx.rows()
    if goals.empty:
        return ctx.result
    goals = goals.copy()
    goals["goal"] = goals["goal"].astype(str)
    if p.skip_uncertain:
        skip = uncertain_goals(ctx.bundle)
        keep = [
            (r, g) not in skip for r, g in zip(goals.report, goals.goal, strict=True)
        ]
        goals = goals[keep]
    lines: dict[tuple[str, str], list[int]] = {}
    for name, spec in p.counts.items():
        rows = goal_rows(ctx, spec)
        per: dict[tuple[str, str], int] = {}  # rows per (report, goal)
        if len(rows):
            for r, g, line in zip(
                rows["report"], rows["goal"], rows["line"], strict=True
            ):
                key = (str(r), str(g))
                per[key] = per.get(key, 0) + 1
                lines.setdefault(key, []).append(int(line))
        goals[name] = [
            per.get((r, g), 0) for r, g in zip(goals.report, goals.goal, strict=True)
        ]
    ctx.count(goals["report"])
    for case in p.cases:
        hits = goals[frame_mask(goals, case.when)]
        for _, goal in hits.iterrows():
            _report(ctx, case, goal, lines.get((goal["report"], goal["goal"]), []))
    return ctx.result


def _fill(template: str, row: pd.Series) -> str:
    """'{ind_ej}' → the row's value; only plain names, no attribute access."""
    return _FIELD.sub(lambda m: first_str(row.get(m.group(1), m.group(0))), template)


def _report(ctx: RuleContext, case: Case, goal: pd.Series, parts: list[int]) -> None:
    text = case.message.get(ctx.lang) or next(iter(case.message.values()))
    title = first_str(goal.get("title"))
    title = title if len(title) <= 60 else title[:57] + "…"
    lines = [int(goal["line"]), *sorted(set(parts))[:30]]
    where = fmt.line_range(lines[:8], ctx.lang)
    ctx.add(
        message=ctx.t(
            f"Inriktningsmål {goal['goal']} «{title}» {_fill(text, goal)} — {where}",
            f"Goal {goal['goal']} «{title}» {_fill(text, goal)} — {where}",
        ),
        report=str(goal["report"]),
        file=str(goal["file"]),
        lines=lines,
        labels=[first_str(goal["goal"]), case.when],
        reported=first_str(goal.get("bedomning")) or None,
        severity=case.severity,
    )


KIND = RuleKind("GOL01", "goal.assessment-follows-parts", Params, run, __doc__ or "")
