"""pandera schemas for the canonical tables, derived from their column contracts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd
import pandera.pandas as pa

from rapportkoll.model.tables import ISO_DATE, TABLES, VALUE_RANGES, TableSpec


@dataclass(frozen=True)
class SchemaViolation:
    """One failed schema check on a row (or the whole table when ``index`` is None)."""

    table: str
    column: str | None
    check: str
    index: int | None
    value: str


def _column(kind: str, name: str) -> pa.Column:
    nullable = kind.endswith("?")
    base = kind.rstrip("?")
    checks: list[pa.Check] = []
    if base == "date":
        checks.append(pa.Check.str_matches(ISO_DATE, name="iso_date"))
    if name in VALUE_RANGES:
        low, high = VALUE_RANGES[name]
        checks.append(
            pa.Check.ge(low, name="non_negative")
            if high is None
            else pa.Check.in_range(low, high, name=f"{name}_range")
        )
    dtype = {"str": None, "date": None, "int": "Int64", "float": "float64"}[base]
    # No coercion: every table is built with its contract dtypes (TableSpec.arrays),
    # so a column of another dtype is itself the violation (and coercing every
    # column cost a third of the validation time).
    return pa.Column(
        dtype, checks=checks, nullable=nullable, required=True, coerce=False
    )


@cache
def schema_for(name: str) -> pa.DataFrameSchema:
    spec: TableSpec = TABLES[name]
    return pa.DataFrameSchema(
        {c: _column(k, c) for c, k in spec.columns.items()}, name=name, strict=False
    )


def validate_table(name: str, frame: pd.DataFrame) -> list[SchemaViolation]:
    """Validate lazily; every failure becomes a violation, never an exception."""
    try:
        schema_for(name).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        out: list[SchemaViolation] = []
        for rec in cases.to_dict("records"):
            index = rec.get("index")
            out.append(
                SchemaViolation(
                    table=name,
                    column=None
                    if pd.isna(rec.get("column"))
                    else str(rec.get("column")),
                    check=str(rec.get("check")),
                    index=None if index is None or pd.isna(index) else int(index),
                    value=str(rec.get("failure_case")),
                )
            )
        return out
    return []
