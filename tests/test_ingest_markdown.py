"""The markdown (tjänsteskrivelse) reader on data/004, through discover.read_paths."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rapportkoll.ingest.discover import read_paths
from rapportkoll.model.bundle import Bundle

DOC = Path(__file__).resolve().parents[1] / "data" / "004_bf7f54e920ff6444.txt"


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return read_paths([DOC])


def test_report_row(bundle: Bundle) -> None:
    row = bundle.reports.iloc[0]
    assert (row.organisation, row.doc_type, row.unit) == (
        "Kommunstyrelsen",
        "verksamhetsberättelse",
        "tkr",
    )
    assert (row.period_start, row.period_end, row.line) == (
        "2024-01-01",
        "2024-12-31",
        13,
    )
    assert row.profile == "norrtalje-tjansteskrivelse"


def test_goals_not_met(bundle: Bundle) -> None:
    goals = bundle.table("goals")
    assert list(goals.goal) == ["2.1", "2.2", "3.2", "3.3"]
    assert list(goals.line) == [45, 46, 47, 48]
    assert set(goals.bedomning) == {"Ej uppfyllt"}
    assert goals.iloc[1].title == (
        "Ta vara på digitaliseringens möjligheter i kontakten med invånare och företag"
    )


def test_tabell_a_items(bundle: Bundle) -> None:
    items = bundle.table("items")
    assert len(items) == 14
    assert list(items.line[:2]) == [59, 60]
    assert (items.prognos == "Avvikelse från plan").sum() == 10
    assert (items.prognos == "Enligt plan").sum() == 4
    first = items.iloc[0]
    assert pd.isna(first.slutdatum)  # "Under 2025 …": a year is not a date
    assert first.comment.startswith("Under 2025")
    grisslehamn = items[items.line == 63].iloc[0]
    assert (grisslehamn.prognos, grisslehamn.slutdatum) == ("Enligt plan", "2025-12-01")
    assert items[items.line == 60].iloc[0].slutdatum == "2025-04-28"
    assert set(items.kind) == {"okänd"}


def test_prose_lines_and_claims(bundle: Bundle) -> None:
    lines = bundle.table("text_lines")
    assert 59 not in set(lines.line)  # table rows are items, not prose
    assert lines[lines.line == 33].iloc[0].section == "Ärendet"
    claims = bundle.table("claims")
    total = claims[(claims.line == 33)].iloc[0]
    assert (total.value, total.unit, total.direction) == (60046.0, "tkr", 1)
    netto = claims[(claims.line == 27) & (claims.printed == "60,0 mnkr")].iloc[0]
    assert netto.measure == "netto_avvikelse_year"
    ratio = claims[(claims.line == 43)].iloc[0]
    assert (ratio.value, ratio.of_total, ratio.measure) == (4.0, 21.0, "ej_uppfyllt")
