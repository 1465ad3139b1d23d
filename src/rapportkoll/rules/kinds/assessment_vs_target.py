"""ASM01 assessment.assessment-vs-target: an indicator's bedömning must follow from mål and prognos.

What it checks:
    For each indicator, the printed Bedömning is compared with what its Mål and
    Prognos imply, given the indicator's direction (higher or lower is better) from a
    catalogue under checks/. Comparison uses the printed precision: when the intervals
    of mål and prognos overlap either assessment is accepted. No prognosis means the
    assessment must be one of ``no_value`` (e.g. "Inget värde angivet"). An indicator
    whose direction is not in the catalogue gets the ``default_direction`` and an info
    finding saying so, when the direction decides the assessment.

Why it matters:
    "Uppfyllt" next to a forecast that misses the target is the most quoted kind of
    error in a follow-up report: readers take the assessment column at its word.

Example rule:
    - id: indikator-bedomning-foljer-mal-och-prognos
      kind: ASM01
      table: indicators
      params: {catalogue: catalogues/indicator_directions.yaml}
      title: Indikatorns bedömning följer mål och prognos

Example finding:
    Indikatorn «Budgetföljsamhet (grad av budgetavvikelse i % för kommunen som
    helhet).» bedöms Uppfyllt men prognosen 47,7 % når inte målet 0,0 % (lägre är
    bättre) — rad 239
"""  # noqa: E501 - printed verbatim by `explain` and in docs/rules.md

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.findings import Severity
from rapportkoll.model.text import fold
from rapportkoll.rules import fmt
from rapportkoll.rules.catalogue import load_catalogue
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.kinds._common import as_int, certain_rows, first_str, records
from rapportkoll.rules.kinds._wide import widen
from rapportkoll.rules.registry import RuleKind


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    catalogue: str | None = None
    directions: dict[str, list[str]] = {}
    default_direction: str = "higher"
    met: str = "Uppfyllt"
    not_met: str = "Ej uppfyllt"
    no_value: list[str] = ["Inget värde angivet", "Ej utvärderad"]
    target: str = "mal"
    forecast: str = "prognos"


def _directions(ctx: RuleContext, p: Params) -> list[tuple[str, str]]:
    table = dict(p.directions)
    if p.catalogue:
        data = load_catalogue(str(Path(ctx.rule_dir) / p.catalogue))
        for direction, names in (data.get("directions") or {}).items():
            table.setdefault(direction, []).extend(names or [])
    pairs = [(fold(n), d) for d, names in table.items() for n in names]
    return sorted(pairs, key=lambda t: -len(t[0]))


def direction_of(name: str, pairs: list[tuple[str, str]]) -> str | None:
    folded = fold(name)
    return next((d for pattern, d in pairs if pattern in folded), None)


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    rows = certain_rows(ctx)
    if rows.empty:
        return ctx.result
    key = ["report", "goal", "indicator"]
    rows = rows.assign(goal=rows["goal"].fillna(""))
    wide = widen(rows, key, "column", {p.target, p.forecast})
    meta = rows.drop_duplicates(key)[
        [*key, "bedomning", "bedomning_line", "line", "name_line"]
    ].rename(columns={"line": "line_first"})
    wide = wide.merge(meta, on=key, how="left")
    pairs = _directions(ctx, p)
    ctx.count(wide["report"])
    for row in records(wide):
        _check(ctx, p, row, pairs)
    return ctx.result


def _check(
    ctx: RuleContext, p: Params, row: Mapping[str, Any], pairs: list[tuple[str, str]]
) -> None:
    bedomning = first_str(row.get("bedomning"))
    target, forecast = row.get(p.target), row.get(p.forecast)
    line = row.get("bedomning_line")
    line = int(line) if pd.notna(line) else int(row["line_first"])
    if pd.isna(forecast):
        if bedomning and bedomning not in p.no_value:
            _add(
                ctx,
                row,
                line,
                ctx.t(
                    f"bedöms {bedomning} men saknar prognos (väntat: {p.no_value[0]})",
                    f"is assessed {bedomning} but has no forecast "
                    f"(expected: {p.no_value[0]})",
                ),
                p.no_value[0],
                bedomning,
            )
        return
    if pd.isna(target) or bedomning in p.no_value or not bedomning:
        return
    direction = direction_of(str(row["indicator"]), pairs)
    sign = 1.0 if (direction or p.default_direction) == "higher" else -1.0
    half = 0.5 * 10.0 ** -as_int(row.get(f"{p.forecast}__dec")) + 0.5 * 10.0 ** -as_int(
        row.get(f"{p.target}__dec")
    )
    margin = sign * (float(forecast) - float(target))
    if abs(margin) <= half:
        return
    expected = p.met if margin > 0 else p.not_met
    if direction is None and float(forecast) != float(target):
        _unknown_direction(ctx, p, row, line)
    if bedomning == expected:
        return
    dec = as_int(row.get(f"{p.forecast}__dec"))
    words = {
        1.0: ("högre är bättre", "higher is better"),
        -1.0: ("lägre är bättre", "lower is better"),
    }[sign]
    f_txt, t_txt = (
        fmt.number(forecast, dec, ctx.lang),
        fmt.number(target, dec, ctx.lang),
    )
    verb_sv = "når" if margin > 0 else "når inte"
    verb_en = "meets" if margin > 0 else "misses"
    _add(
        ctx,
        row,
        line,
        ctx.t(
            f"bedöms {bedomning} men prognosen {f_txt} {verb_sv} målet {t_txt} "
            f"({words[0]})",
            f"is assessed {bedomning} but the forecast {f_txt} {verb_en} the target "
            f"{t_txt} ({words[1]})",
        ),
        expected,
        bedomning,
        extra_lines=[row.get(f"{p.target}__line"), row.get(f"{p.forecast}__line")],
    )


def _unknown_direction(
    ctx: RuleContext, p: Params, row: Mapping[str, Any], line: int
) -> None:
    better_sv = "högre" if p.default_direction == "higher" else "lägre"
    ctx.add(
        message=ctx.t(
            f"Indikatorn «{row['indicator']}» saknas i riktningskatalogen; "
            f"antar att {better_sv} är bättre"
            f" — rad {line}",
            f"Indicator «{row['indicator']}» is not in the direction catalogue; "
            f"assuming {p.default_direction} is better — line {line}",
        ),
        report=str(row["report"]),
        file=str(row["file"]),
        lines=[line],
        labels=[row["indicator"], "direction"],
        severity=Severity.INFO,
    )


def _add(
    ctx: RuleContext,
    row: Mapping[str, Any],
    line: int,
    what: str,
    expected: str,
    reported: str,
    extra_lines: list[object] | None = None,
) -> None:
    lines = [line, *[as_int(x) for x in (extra_lines or []) if as_int(x, -1) >= 0]]
    ctx.add(
        message=ctx.t(
            f"Indikatorn «{row['indicator']}» {what} — rad {line}",
            f"Indicator «{row['indicator']}» {what} — line {line}",
        ),
        report=str(row["report"]),
        file=str(row["file"]),
        lines=lines,
        labels=[row["goal"], row["indicator"]],
        expected=expected,
        reported=reported,
    )


KIND = RuleKind("ASM01", "assessment.assessment-vs-target", Params, run, __doc__ or "")
