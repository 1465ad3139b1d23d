"""REQ01 format.required-cell: a cell that must be filled in is empty.

What it checks:
    For every row selected by ``where``, each column in ``columns`` must hold a value
    (not empty, not blank). For long numeric tables, select the cells with ``where``
    (e.g. the matrix's total column) and require ``value``. A column that is empty
    for every row of a report is taken as absent from that report's layout (e.g. a
    tjänsteskrivelse's table of deadlines has no ansvarig) and not flagged, unless
    ``skip_absent_columns`` is false. A cell on a line where the reader could not
    read a value with confidence is not called empty: EXT01 reports that line.

Why it matters:
    An empty ansvarig, status or slutdatum makes an uppdrag impossible to follow up;
    an empty total cell leaves the reader to add up the table themselves.

Example rule:
    - id: uppdrag-har-status-och-slutdatum
      kind: REQ01
      table: items
      params: {columns: [ansvarig, status, slutdatum, prognos]}
      title: Uppdrag och initiativ har ansvarig, status, slutdatum och prognos

Example finding:
    item_matrix «total · total»: value saknas — rad 184
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.expr import on_distinct
from rapportkoll.rules.kinds._common import first_str, group_codes, uncertain
from rapportkoll.rules.registry import RuleKind


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    columns: list[str]
    label: list[str] = ["title"]
    skip_absent_columns: bool = True


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    rows = ctx.rows()
    if rows.empty:
        return ctx.result
    missing = [c for c in p.columns if c not in rows.columns]
    if missing:
        raise KeyError(f"table {ctx.spec.table} has no column(s) {missing}")
    ctx.count(rows["report"])
    reports, count = group_codes([rows["report"]])
    sizes = np.bincount(reports, minlength=count)
    doubt = uncertain(ctx.bundle, rows).to_numpy()
    for column in p.columns:
        empty = on_distinct(rows[column], _blank).to_numpy(dtype=bool, copy=True)
        if p.skip_absent_columns:
            # A column no row of a report fills is one its template lacks.
            absent = np.bincount(reports[empty], minlength=count) == sizes
            empty &= ~absent[reports]
        empty &= ~doubt
        for _, row in rows[empty].iterrows():
            label = " · ".join(first_str(row.get(c)) for c in p.label if c in row)
            ctx.add(
                message=ctx.t(
                    f"{ctx.spec.table} «{label}»: {column} saknas — rad {row['line']}",
                    f"{ctx.spec.table} «{label}»: {column} is empty — "
                    f"line {row['line']}",
                ),
                report=str(row["report"]),
                file=str(row["file"]),
                lines=[row["line"]],
                labels=[label, column],
            )
    return ctx.result


def _blank(values: pd.Series) -> pd.Series:
    """Empty cells and cells of only blanks."""
    text = values.astype("string").str.strip().eq("").fillna(True)
    return values.isna() | text


KIND = RuleKind("REQ01", "format.required-cell", Params, run, __doc__ or "")
