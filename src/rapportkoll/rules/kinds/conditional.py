"""CND01 status.conditional: when a row meets a condition, another must hold too.

What it checks:
    For every row selected by ``where`` and ``when``, the expression ``then`` must be
    true. Expressions use the restricted rule language and may use the report's
    ``period_start`` and ``period_end`` (e.g. a deadline before the period end).

Why it matters:
    Statuses, prognoses and dates are set by different people at different times; a
    passed deadline on an unfinished uppdrag reported "Enligt plan" tells the nämnd
    that all is well when it is not.

Example rule:
    - id: passerat-slutdatum-ej-enligt-plan
      kind: CND01
      table: items
      params:
        when: "status != 'Slutförd' and slutdatum < period_end"
        then: "prognos == 'Avvikelse från plan'"
        show: [slutdatum, status, prognos]
      title: Passerat slutdatum men inte slutförd ska vara avvikelse från plan

Example finding:
    nämndinitiativ «Ta fram åtgärdsplan …»: Passerat slutdatum men inte slutförd ska
    vara avvikelse från plan (slutdatum 2025-02-28, status Påbörjad, prognos Enligt
    plan; period t.o.m. 2025-04-30) — rad 1243
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.expr import frame_mask
from rapportkoll.rules.kinds._common import first_str
from rapportkoll.rules.registry import RuleKind


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    when: str = "True"
    then: str
    show: list[str] = []
    label: str = "title"
    kind_label: str | None = "kind"
    line_columns: list[str] = ["line"]


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    rows = ctx.rows()
    if rows.empty:
        return ctx.result
    applies = frame_mask(rows, p.when)
    rows = rows[applies]
    ctx.count(rows["report"])
    bad = rows[~frame_mask(rows, p.then)]
    for _, row in bad.iterrows():
        _report(ctx, p, row)
    return ctx.result


def describe(
    ctx: RuleContext,
    row: pd.Series | Mapping[str, Any],
    label: str,
    kind_label: str | None,
) -> str:
    name = first_str(row.get(label))
    short = name if len(name) <= 70 else name[:67].rstrip() + "…"
    kind = first_str(row.get(kind_label)) if kind_label else ""
    return f"{kind} «{short}»".strip()


def _report(ctx: RuleContext, p: Params, row: pd.Series) -> None:
    title = ctx.spec.title.get(ctx.lang)
    shown = ", ".join(f"{c} {first_str(row.get(c)) or '–'}" for c in p.show)
    period = first_str(row.get("period_end"))
    tail = (
        ctx.t(f"; period t.o.m. {period}", f"; period ending {period}")
        if period
        else ""
    )
    lines = [row[c] for c in p.line_columns if c in row and pd.notna(row[c])]
    ctx.add(
        message=f"{describe(ctx, row, p.label, p.kind_label)}: "
        f"{title} ({shown}{tail}) — " + ctx.t(f"rad {lines[0]}", f"line {lines[0]}"),
        report=str(row["report"]),
        file=str(row["file"]),
        lines=lines,
        labels=[first_str(row.get(p.label))],
        reported=", ".join(first_str(row.get(c)) for c in p.show) or None,
    )


KIND = RuleKind("CND01", "status.conditional", Params, run, __doc__ or "")
