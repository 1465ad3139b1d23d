"""SCH01 schema.canonical-table: a canonical table breaks its pandera schema.

What it checks:
    Every canonical table of the run (or those listed in ``tables``) is validated
    lazily against its pandera schema (model/schemas.py): types, required columns,
    ISO dates, non-negative lines. Each failed check on a row becomes a finding at the
    row's line; nothing raises.

Why it matters:
    The schema is the contract between extraction and rules. A date that is not a
    date or a count that is not a number would make every rule downstream wrong in a
    way nobody sees; here it is said once, at its line.

Example rule:
    - id: kanoniska-tabeller-foljer-schemat
      kind: SCH01
      severity: error
      title: Extraherade tabeller följer schemat

Example finding:
    items: slutdatum «2025-13-01» bryter mot kontrollen iso_date — rad 1243
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from rapportkoll.model.tables import TABLES
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.kinds._common import as_int
from rapportkoll.rules.registry import RuleKind


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tables: list[str] = sorted(TABLES)


def run(ctx: RuleContext) -> KindResult:
    # pandera is imported when a schema rule runs, not when rule kinds are listed.
    from rapportkoll.model.schemas import validate_table

    p = ctx.params
    assert isinstance(p, Params)
    for name in p.tables:
        frame = ctx.bundle.tables.get(name)
        if frame is None or frame.empty:
            continue
        ctx.count(frame["report"])
        for v in validate_table(name, frame):
            row = (
                frame.loc[v.index]
                if v.index is not None and v.index in frame.index
                else None
            )
            report = (
                str(row["report"]) if row is not None else str(frame["report"].iloc[0])
            )
            file = str(row["file"]) if row is not None else str(frame["file"].iloc[0])
            line = as_int(row["line"], 1) if row is not None else 1
            ctx.add(
                message=ctx.t(
                    f"{name}: {v.column or 'tabellen'} «{v.value}» bryter mot "
                    f"kontrollen {v.check} — rad {line}",
                    f"{name}: {v.column or 'the table'} «{v.value}» fails the check "
                    f"{v.check} — line {line}",
                ),
                report=report,
                file=file,
                lines=[line],
                table=name,
                labels=[name, v.column or "", v.check, str(v.index)],
                reported=v.value,
            )
    return ctx.result


KIND = RuleKind("SCH01", "schema.canonical-table", Params, run, __doc__ or "")
