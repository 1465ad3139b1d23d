"""A representative subset of the checks, written for pandera and for Great
Expectations alone, over the same canonical tables — to compare their cost with
rapportkoll's rules stage.

The subset: vocabularies (status, prognos, bedömning), required cells (ansvarig,
status, slutdatum, prognos), ranges (counts and indicator values not negative), a
row formula (avvikelse = utfall − budget, both operating tables) and parts summing
to their total (per report, table and column). The sums need a wide table and
group sums; that preparation is plain pandas, shared by both tools and timed with
each. Tolerances are ±half a unit per printed value, as rapportkoll's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from rapportkoll.model.bundle import Bundle
from rapportkoll.rules.kinds.expectation_suite import gx_context

STATUSES = ["Ej påbörjad", "Påbörjad", "Slutförd", "Struken"]
PROGNOSES = ["Enligt plan", "Avvikelse från plan"]
BEDOMNINGAR = [
    "Uppfyllt",
    "Delvis uppfyllt",
    "Ej uppfyllt",
    "Ej utvärderad",
    "Inget värde angivet",
]
REQUIRED = ["ansvarig", "status", "slutdatum", "prognos"]
OPERATING = ("driftredovisning", "per_verksamhet")
# the rapportkoll rules that state the same subset (by rule id in checks/)
RAPPORTKOLL_SUBSET = (
    "driftredovisning-summerar",
    "verksamheter-summerar-till-total",
    "avvikelse-perioden-ar-utfall-minus-budget",
    "uppdrag-har-obligatoriska-falt",
    "kanoniska-tabeller-foljer-schemat",
)


@dataclass(frozen=True)
class Tables:
    """The frames both tools validate."""

    items: pd.DataFrame
    indicators: pd.DataFrame
    goals: pd.DataFrame
    matrix: pd.DataFrame
    formula: pd.DataFrame  # one row per operating-table row: diff and tolerance
    sums: pd.DataFrame  # one row per (report, table, column): diff and tolerance


def prepare(bundle: Bundle) -> Tables:
    """Wide operating tables, the row formula's and the sums' differences."""
    finance = bundle.table("finance")
    finance = finance[finance["table"].isin(OPERATING)]
    keys = ["report", "table", "row", "row_kind", "line"]
    wide = finance.pivot_table(
        index=keys, columns="column", values="value", aggfunc="first"
    ).reset_index()
    for column in ("avvikelse_period", "utfall_period", "budget_period"):
        if column not in wide:
            wide[column] = float("nan")
    formula = wide[keys].copy()
    formula["diff"] = wide["avvikelse_period"] - (
        wide["utfall_period"] - wide["budget_period"]
    )
    formula["tolerance"] = 1.5
    parts = finance[finance["row_kind"] == "part"]
    totals = finance[finance["row_kind"] == "total"]
    group = ["report", "table", "column"]
    summed = (
        parts.groupby(group)
        .agg(parts_sum=("value", "sum"), n=("value", "size"))
        .reset_index()
    )
    sums = summed.merge(totals[[*group, "value", "line"]], on=group, how="inner")
    sums["diff"] = sums["parts_sum"] - sums["value"]
    sums["tolerance"] = 0.5 * (sums["n"] + 1)
    return Tables(
        bundle.table("items"),
        bundle.table("indicators"),
        bundle.table("goals"),
        bundle.table("item_matrix"),
        formula,
        sums,
    )


def run_pandera(bundle: Bundle) -> tuple[int, float]:
    """(failing values or rows, seconds) with pandera schemas, lazy validation."""
    t0 = time.perf_counter()
    import pandera.pandas as pa

    tables = prepare(bundle)
    within = pa.Check(lambda s: s.abs() <= 1e9, element_wise=False)

    def tolerance(frame: pd.DataFrame) -> pd.Series:
        return frame["diff"].isna() | (frame["diff"].abs() <= frame["tolerance"])

    schemas: list[tuple[Any, pd.DataFrame]] = [
        (
            pa.DataFrameSchema(
                {
                    "status": pa.Column(str, pa.Check.isin(STATUSES), nullable=False),
                    "prognos": pa.Column(str, pa.Check.isin(PROGNOSES), nullable=False),
                    "ansvarig": pa.Column(str, nullable=False),
                    "slutdatum": pa.Column(str, nullable=False),
                }
            ),
            tables.items,
        ),
        (
            pa.DataFrameSchema(
                {
                    "bedomning": pa.Column(
                        str, pa.Check.isin(BEDOMNINGAR), nullable=True
                    ),
                    "value": pa.Column(float, [pa.Check.ge(0), within], nullable=True),
                }
            ),
            tables.indicators,
        ),
        (
            pa.DataFrameSchema(
                {
                    "bedomning": pa.Column(
                        str, pa.Check.isin(BEDOMNINGAR), nullable=True
                    ),
                }
            ),
            tables.goals,
        ),
        (
            pa.DataFrameSchema(
                {
                    "value": pa.Column(float, pa.Check.ge(0), nullable=True),
                }
            ),
            tables.matrix,
        ),
        (pa.DataFrameSchema(checks=[pa.Check(tolerance)]), tables.formula),
        (pa.DataFrameSchema(checks=[pa.Check(tolerance)]), tables.sums),
    ]
    failing = 0
    for schema, frame in schemas:
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases  # a frame-wide check lists every cell of a row
            failing += len(cases.drop_duplicates(["check", "index"]))
    return failing, time.perf_counter() - t0


def _suites() -> list[
    tuple[str, Callable[[Tables], pd.DataFrame], list[dict[str, Any]]]
]:
    def in_set(column: str, values: list[str]) -> dict[str, Any]:
        return {
            "type": "expect_column_values_to_be_in_set",
            "kwargs": {"column": column, "value_set": values},
        }

    def not_null(column: str) -> dict[str, Any]:
        return {
            "type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": column},
        }

    def at_least_zero(column: str) -> dict[str, Any]:
        return {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": column, "min_value": 0},
        }

    def within_tolerance(t: pd.DataFrame) -> pd.DataFrame:
        out = t.dropna(subset=["diff"]).copy()
        out["excess"] = out["diff"].abs() - out["tolerance"]
        return out

    excess = {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "excess", "max_value": 0},
    }
    return [
        (
            "items",
            lambda t: t.items,
            [
                in_set("status", STATUSES),
                in_set("prognos", PROGNOSES),
                *(not_null(c) for c in REQUIRED),
            ],
        ),
        (
            "indicators",
            lambda t: t.indicators,
            [in_set("bedomning", BEDOMNINGAR), at_least_zero("value")],
        ),
        ("goals", lambda t: t.goals, [in_set("bedomning", BEDOMNINGAR)]),
        ("item_matrix", lambda t: t.matrix, [at_least_zero("value")]),
        ("formula", lambda t: within_tolerance(t.formula), [excess]),
        ("sums", lambda t: within_tolerance(t.sums), [excess]),
    ]


def run_gx(bundle: Bundle) -> tuple[int, float, float]:
    """(failing rows, seconds validating, seconds importing GX and its context)."""
    t0 = time.perf_counter()
    context = gx_context()
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    setup = time.perf_counter() - t0
    t1 = time.perf_counter()
    tables = prepare(bundle)
    failing = 0
    source = context.data_sources.add_or_update_pandas("bench")
    for name, frame_of, expectations in _suites():
        frame = frame_of(tables).reset_index(drop=True)
        if frame.empty:
            continue
        asset = source.add_dataframe_asset(name=name)
        batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
            batch_parameters={"dataframe": frame}
        )
        suite = gx.ExpectationSuite(
            name=name,
            expectations=[
                ExpectationConfiguration(
                    type=e["type"], kwargs=e["kwargs"]
                ).to_domain_obj()
                for e in expectations
            ],
        )
        result = batch.validate(suite, result_format="SUMMARY")
        for outcome in result.results:
            failing += int((outcome.result or {}).get("unexpected_count") or 0)
    return failing, time.perf_counter() - t1, setup
