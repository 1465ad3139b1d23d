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

import re

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.model.tables import ISO_DATE, TABLES, VALUE_RANGES
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.expr import on_distinct
from rapportkoll.rules.kinds._common import as_int
from rapportkoll.rules.registry import RuleKind


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tables: list[str] = sorted(TABLES)


# The column contracts' own checks (model/tables.py), which the pandera schemas of
# model/schemas.py are built from too: a table that passes here passes there.
_ISO_DATE = re.compile(ISO_DATE)


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    for name in p.tables:
        frame = ctx.bundle.tables.get(name)
        if frame is None or frame.empty:
            continue
        ctx.count(frame["report"])
        if not _plainly_valid(name, frame):
            _validate(ctx, name, frame)
    return ctx.result


def _plainly_valid(name: str, frame: pd.DataFrame) -> bool:
    """True when every column plainly meets its contract: present, typed, filled
    where required, dates ISO, values in range.

    Only what pandera cannot fault passes (a column of an unusual type is not
    plain, whatever its values); any other table is validated with pandera, whose
    import and validation cost about a second, which clean tables never pay.
    """
    for column, kind in TABLES[name].columns.items():
        if column not in frame.columns:
            return False
        values = frame[column]
        if not kind.endswith("?") and bool(values.isna().any()):
            return False
        if not _plain_column(column, kind.rstrip("?"), values):
            return False
    return True


def _plain_column(column: str, base: str, values: pd.Series) -> bool:
    """A column of the right dtype whose filled values pass the schema's checks."""
    dtype = values.dtype
    if base == "int" and dtype != "Int64":
        return False
    if base == "float" and dtype != np.float64:
        return False
    # (Only dates and ranged numbers look at their values: the rest are done.)
    if base == "date" and not bool(on_distinct(values.dropna(), _iso_dates).all()):
        return False
    if column in VALUE_RANGES:
        if base not in {"int", "float"}:
            return False
        filled = values.dropna()
        low, high = VALUE_RANGES[column]
        if bool((filled < low).any()) or (high is not None and (filled > high).any()):
            return False
    return True


def _iso_dates(values: pd.Series) -> pd.Series:
    """Texts shaped like ISO dates (anything else is not)."""
    return values.map(lambda v: isinstance(v, str) and bool(_ISO_DATE.fullmatch(v)))


def _validate(ctx: RuleContext, name: str, frame: pd.DataFrame) -> None:
    """Validate with pandera; every failed check becomes a finding at its row."""
    # pandera is imported when a table needs it, not when rule kinds are listed.
    from rapportkoll.model.schemas import validate_table

    for v in validate_table(name, frame):
        row = (
            frame.loc[v.index]
            if v.index is not None and v.index in frame.index
            else None
        )
        report = str(row["report"]) if row is not None else str(frame["report"].iloc[0])
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


KIND = RuleKind("SCH01", "schema.canonical-table", Params, run, __doc__ or "")
