"""Per-inriktningsmål helpers: the goal a claim's sentence belongs to, counts per goal.

A claim belongs to a goal when its sentence is part of that goal's analysis text
(compared folded, spaces ignored) and its line lies between the analysis line and
the next goal's heading in the same report. Binding by text, not only by line,
keeps prose after the last goal (finance, staff) from being taken for its analysis.
"""

from __future__ import annotations

import re

import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.model.bundle import Bundle
from rapportkoll.model.text import fold
from rapportkoll.rules.context import RuleContext
from rapportkoll.rules.kinds._common import issues_within

_SPACE = re.compile(r"\s+")


class GoalCount(BaseModel):
    """Rows of ``table`` that belong to a goal (its ``goal`` column), optionally
    filtered by ``where``; ``distinct`` columns identify one thing when a table is
    long (an indicator has one row per value column)."""

    model_config = ConfigDict(extra="forbid")
    table: str
    where: str | None = None
    distinct: list[str] = []


def _squash(text: object) -> str:
    return _SPACE.sub("", fold(str(text))) if isinstance(text, str) else ""


def goal_spans(bundle: Bundle) -> pd.DataFrame:
    """One row per goal: report, file, goal, line, next_line (next heading or end)."""
    goals = bundle.table("goals")
    if goals.empty:
        return pd.DataFrame(columns=["report", "file", "goal", "line", "next_line"])
    goals = goals.sort_values(["report", "line"]).copy()
    nxt = goals.groupby("report")["line"].shift(-1)
    goals["next_line"] = nxt.fillna(10**9).astype(int)
    return goals


def claim_goals(bundle: Bundle, claims: pd.DataFrame) -> pd.Series:
    """The goal whose analysis each claim's sentence is part of (NA when none)."""
    known = _goal_of_every_claim(bundle)
    keys = zip(claims["report"], claims["line"], claims["sentence"], strict=True)
    return pd.Series(
        [known.get((str(r), int(n), str(s)), pd.NA) for r, n, s in keys],
        index=claims.index,
        dtype="object",
    )


# One binding per bundle: several rules ask, and each would redo the text search.
_CACHE: list[tuple[pd.DataFrame, dict[tuple[str, int, str], str]]] = []


def _goal_of_every_claim(bundle: Bundle) -> dict[tuple[str, int, str], str]:
    claims = bundle.table("claims")
    for frame, known in _CACHE:
        if frame is claims:
            return known
    known = _bind_claims(bundle, claims)
    _CACHE.insert(0, (claims, known))
    del _CACHE[4:]
    return known


def _bind_claims(
    bundle: Bundle, claims: pd.DataFrame
) -> dict[tuple[str, int, str], str]:
    out: dict[tuple[str, int, str], str] = {}
    spans = goal_spans(bundle)
    if spans.empty or claims.empty:
        return out
    spans = spans[spans["analysis_line"].notna()]
    # Per report: (analysis line, next heading, goal, squashed analysis), built once.
    by_report: dict[object, list[tuple[int, int, str, str]]] = {}
    for report, start, stop, goal, analysis in zip(
        spans["report"],
        spans["analysis_line"],
        spans["next_line"],
        spans["goal"],
        spans["analysis"],
        strict=True,
    ):
        by_report.setdefault(report, []).append(
            (int(start), int(stop), str(goal), _squash(analysis))
        )
    for report, line, sentence in zip(
        claims["report"], claims["line"], claims["sentence"], strict=True
    ):
        # Folding a sentence costs more than the span test: only inside a span.
        around = [s for s in by_report.get(report, []) if s[0] <= int(line) < s[1]]
        squashed = _squash(sentence) if around else ""
        for _, _, goal, text in around:
            if squashed and squashed in text:
                out[(str(report), int(line), str(sentence))] = goal
                break
    return out


def uncertain_goals(bundle: Bundle) -> set[tuple[str, str]]:
    """(report, goal) pairs whose section holds a line the reader could not read.

    Counting a goal's indicators when one of them was dropped as unreadable would
    report the reading, not the report; the extraction finding already points there.
    """
    issues = bundle.table("extraction_issues")
    spans = goal_spans(bundle)
    if issues.empty or spans.empty:
        return set()
    spans = spans.reset_index(drop=True)
    hit = issues_within(
        bundle,
        "report",
        zip(spans["report"], spans["line"], spans["next_line"] - 1, strict=True),
    )
    return {
        (str(r), str(g))
        for r, g, h in zip(spans["report"], spans["goal"], hit, strict=True)
        if h
    }


def goal_rows(ctx: RuleContext, spec: GoalCount) -> pd.DataFrame:
    """The rows ``spec`` selects, one per distinct thing, with a ``goal`` column.

    Made once per run and spec (bindings share their totals): callers must not
    change the frame."""
    key = ("goal_rows", spec.table, spec.where, tuple(spec.distinct))
    return ctx.once(key, lambda: _goal_rows(ctx, spec))


def _goal_rows(ctx: RuleContext, spec: GoalCount) -> pd.DataFrame:
    rows = ctx.rows(spec.table, spec.where)
    if rows.empty or "goal" not in rows:
        return rows.iloc[0:0]
    rows = rows[rows["goal"].notna()]
    rows = rows.assign(goal=rows["goal"].astype(str))
    keys = ["report", "goal", *[c for c in spec.distinct if c in rows]]
    if spec.distinct:
        rows = rows.drop_duplicates(keys)
    return rows
