"""GXS01 expectations.expectation-suite: Great Expectations suites over canonical tables.

What it checks:
    Each suite file in ``suites`` (JSON under expectations/: ``name``, ``table`` and a
    list of Great Expectations ``expectations`` with ``type`` and ``kwargs``) is
    validated by Great Expectations against its canonical table — once, over every
    report of the run. Every unexpected row becomes a finding at its line; the
    expectation's ``meta.title`` (sv/en) names the problem. Great Expectations is
    imported only when a suite runs, so runs without suites do not pay for it.

Why it matters:
    Vocabularies (statuses, prognoses, assessments, trends), date formats and value
    ranges are the shape of a report. Great Expectations suites let a team state them
    in a format their data platform already understands.

Example rule:
    - id: forvantningar-uppdrag
      kind: GXS01
      params: {suites: [../expectations/items.json]}
      title: Uppdragslistningen följer förväntningarna

Example finding:
    items: status «Pabdrjad» — Status är ett av de tillåtna värdena
    (expect_column_values_to_be_in_set) — rad 775
"""  # noqa: E501 - printed verbatim by `explain` and in docs/rules.md

from __future__ import annotations

import json
import logging
import os
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.model.errors import UserError
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.kinds._common import first_str
from rapportkoll.rules.registry import RuleKind


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    suites: list[str]
    max_findings_per_expectation: int = 50


def _load_suite(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"cannot read suite: {exc.strerror}", where=str(path)) from None
    except json.JSONDecodeError as exc:
        raise UserError(
            f"invalid JSON: {exc.msg}", where=f"{path}:{exc.lineno}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise UserError(
            "a suite is an object with 'table' and 'expectations'", where=str(path)
        )
    return data


@cache
def gx_context() -> Any:
    """One quiet, ephemeral Great Expectations context per process (imports GX)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def validate(frame: pd.DataFrame, table: str, suite: dict[str, Any]) -> list[Any]:
    """Run one suite over one table with Great Expectations; per-expectation results."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    context = gx_context()
    name = f"rk_{table}_{id(frame)}"
    source = context.data_sources.add_or_update_pandas(name)
    asset = source.add_dataframe_asset(name=table)
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": frame}
    )
    expectations = [
        ExpectationConfiguration(
            type=e["type"], kwargs=e.get("kwargs", {}), meta=e.get("meta", {})
        ).to_domain_obj()
        for e in suite["expectations"]
    ]
    gx_suite = gx.ExpectationSuite(
        name=str(suite.get("name", table)), expectations=expectations
    )
    result = batch.validate(gx_suite, result_format="COMPLETE")
    return list(result.results)


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    for ref in p.suites:
        path = Path(ctx.rule_dir) / ref
        suite = _load_suite(path)
        table = str(suite.get("table", ""))
        frame = ctx.bundle.table(table).reset_index(drop=True)
        if frame.empty:
            continue
        ctx.count(frame["report"])
        for outcome in validate(frame, table, suite):
            if not outcome.success:
                _report(ctx, p, frame, table, outcome)
    return ctx.result


def _report(
    ctx: RuleContext, p: Params, frame: pd.DataFrame, table: str, outcome: Any
) -> None:
    config = outcome.expectation_config
    meta = config.meta or {}
    title = meta.get("title", {})
    what = title.get(ctx.lang) or title.get("sv") or config.type
    column = config.kwargs.get("column", "")
    indices = (outcome.result or {}).get("unexpected_index_list") or []
    for index in indices[: p.max_findings_per_expectation]:
        if index not in frame.index:
            continue
        row = frame.loc[index]
        value = first_str(row.get(column)) if column else ""
        ctx.add(
            message=ctx.t(
                f"{table}: {column} «{value or 'tomt'}» — {what} ({config.type}) — "
                f"rad {row['line']}",
                f"{table}: {column} «{value or 'empty'}» — {what} ({config.type}) — "
                f"line {row['line']}",
            ),
            report=str(row["report"]),
            file=str(row["file"]),
            lines=[row["line"]],
            table=table,
            labels=[table, config.type, column, value, str(row["line"])],
            reported=value or None,
        )


KIND = RuleKind("GXS01", "expectations.expectation-suite", Params, run, __doc__ or "")
