"""DEC01 status.decision-table: a row's output must be one the decision table allows.

What it checks:
    ``inputs`` are named conditions (a boolean expression) or columns with a finite
    list of values; ``decisions`` map each combination of input values to the
    ``allowed`` values of the ``output`` column (``any`` matches every value of an
    input). The table itself is checked when the rule file is loaded: every
    combination of inputs must be covered by exactly one decision — a gap or an
    overlap is an error in the rule file, not a silent pass. Rows whose inputs fall
    outside the declared values are left to the vocabulary checks.

Why it matters:
    Status, prognosis and deadline rules are policy. Written as a table they can be
    reviewed by a controller, and checked for holes, instead of hiding in code.

Example rule:
    - id: status-prognos-datum
      kind: DEC01
      table: items
      params:
        inputs:
          slutdatum_passerat: "slutdatum < period_end"
          status: {column: status, values: [Ej påbörjad, Påbörjad, Slutförd]}
        output: prognos
        decisions:
          - {status: Slutförd, slutdatum_passerat: any,
             allowed: [Enligt plan, Avvikelse från plan]}
          - {status: [Ej påbörjad, Påbörjad], slutdatum_passerat: true,
             allowed: [Avvikelse från plan]}
          - {status: [Ej påbörjad, Påbörjad], slutdatum_passerat: false,
             allowed: [Enligt plan, Avvikelse från plan]}
      title: Status, prognos och slutdatum stämmer med beslutstabellen

Example finding:
    nämndinitiativ «Ta fram åtgärdsplan …»: prognos «Enligt plan» är inte tillåten när
    slutdatum_passerat=true, status=Påbörjad (tillåtet: Avvikelse från plan) — rad 1243
"""

from __future__ import annotations

from itertools import product
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, model_validator

from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.expr import frame_mask, parse
from rapportkoll.rules.kinds._common import first_str
from rapportkoll.rules.kinds.conditional import describe
from rapportkoll.rules.registry import RuleKind


class ColumnInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    column: str
    values: list[str]


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    inputs: dict[str, str | ColumnInput]
    output: str
    decisions: list[dict[str, Any]]
    label: str = "title"

    def domain(self, name: str) -> list[Any]:
        spec = self.inputs[name]
        return [True, False] if isinstance(spec, str) else list(spec.values)

    def matches(self, decision: dict[str, Any], combo: dict[str, Any]) -> bool:
        for name, value in combo.items():
            want = decision.get(name, "any")
            if want == "any":
                continue
            options = want if isinstance(want, list) else [want]
            if value not in options:
                return False
        return True

    @model_validator(mode="after")
    def _complete_and_disjoint(self) -> Params:
        for spec in self.inputs.values():
            if isinstance(spec, str):
                parse(spec)
        for i, d in enumerate(self.decisions):
            if "allowed" not in d:
                raise ValueError(f"decisions → {i}: 'allowed' is missing")
            unknown = set(d) - set(self.inputs) - {"allowed"}
            if unknown:
                raise ValueError(f"decisions → {i}: unknown input(s) {sorted(unknown)}")
        names = list(self.inputs)
        for values in product(*(self.domain(n) for n in names)):
            combo = dict(zip(names, values, strict=True))
            hits = [i for i, d in enumerate(self.decisions) if self.matches(d, combo)]
            shown = ", ".join(f"{k}={v}" for k, v in combo.items())
            if not hits:
                raise ValueError(
                    f"the decision table has a gap: no decision for {shown}"
                )
            if len(hits) > 1:
                raise ValueError(
                    f"the decision table overlaps: decisions {hits} all match {shown}"
                )
        return self


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    rows = ctx.rows()
    if rows.empty:
        return ctx.result
    values: dict[str, pd.Series] = {}
    for name, spec in p.inputs.items():
        values[name] = (
            frame_mask(rows, spec) if isinstance(spec, str) else rows[spec.column]
        )
    ctx.count(rows["report"])
    # Cells by position (``.array[pos]`` is ``.iloc[pos]`` without its overhead).
    cells = {n: v.array for n, v in values.items()}
    outputs = rows[p.output].array if p.output in rows.columns else [None] * len(rows)
    for pos in range(len(rows)):
        combo = {
            n: (bool(v[pos]) if isinstance(p.inputs[n], str) else v[pos])
            for n, v in cells.items()
        }
        if any(combo[n] not in p.domain(n) for n in combo):
            continue
        decision = next(d for d in p.decisions if p.matches(d, combo))
        allowed = (
            decision["allowed"]
            if isinstance(decision["allowed"], list)
            else [decision["allowed"]]
        )
        actual = first_str(outputs[pos])
        if actual in allowed or not actual:
            continue
        _report(ctx, p, rows.iloc[pos], combo, actual, allowed)
    return ctx.result


def _report(
    ctx: RuleContext,
    p: Params,
    row: pd.Series,
    combo: dict[str, Any],
    actual: str,
    allowed: list[str],
) -> None:
    shown = ", ".join(
        f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in combo.items()
    )
    ok = ", ".join(allowed)
    period = first_str(row.get("period_end"))
    what = describe(ctx, row, p.label, "kind")
    deadline = first_str(row.get("slutdatum"))
    ctx.add(
        message=ctx.t(
            f"{what}: {p.output} «{actual}» är inte tillåten "
            f"när {shown} (tillåtet: {ok}; slutdatum {deadline}, "
            f"period t.o.m. {period}) — rad {row['line']}",
            f"{what}: {p.output} «{actual}» is not allowed "
            f"when {shown} (allowed: {ok}; deadline {deadline}, "
            f"period ending {period}) — line {row['line']}",
        ),
        report=str(row["report"]),
        file=str(row["file"]),
        lines=[row["line"]],
        labels=[first_str(row.get(p.label)), p.output],
        expected=ok,
        reported=actual,
    )


KIND = RuleKind("DEC01", "status.decision-table", Params, run, __doc__ or "")
