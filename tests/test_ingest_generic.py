"""Tables found by shape in reports without a profile (fixtures/layouts)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from rapportkoll.ingest.generic import (
    READER,
    column_names,
    find_tables,
    infer_convention,
    row_kind,
)
from rapportkoll.ingest.source import Limits, Source, read_source

LAYOUTS = Path(__file__).resolve().parent / "fixtures" / "layouts"


def source(name: str) -> Source:
    path = LAYOUTS / name
    return read_source(path, name, name.split(".")[0], Limits())


def finance(name: str) -> pd.DataFrame:
    return READER.read(source(name), None).table("finance")


def cell(frame: pd.DataFrame, row: str, column: str) -> dict[str, object]:
    hit = frame[(frame.row == row) & (frame.column == column)]
    assert len(hit) == 1
    return dict(hit.iloc[0])


def test_aligned_pdftotext_layout() -> None:
    frame = finance("aligned_layout.txt")
    assert set(frame.table) == {"driftredovisning"}
    skola = cell(frame, "Skola", "avvikelse_period")
    assert (skola["value"], skola["printed"], skola["line"]) == (-6279.0, "- 6 279", 7)
    assert cell(frame, "Kultur", "budget_year")["value"] == -37650.0
    total = cell(frame, "Summa driftbudget", "utfall_period")
    assert (total["row_kind"], total["position"], total["unit"]) == ("total", 4, "tkr")
    assert sorted(set(frame.column)) == sorted(
        [
            "budget_period",
            "utfall_period",
            "avvikelse_period",
            "prognos_year",
            "budget_year",
        ]
    )


def test_sign_conventions_are_inferred_per_table() -> None:
    aligned = find_tables(source("aligned_layout.txt").lines)[0]
    assert infer_convention(aligned, column_names(aligned)) == "utfall - budget"
    invest = find_tables(source("tab_investments.txt").lines)[0]
    assert column_names(invest) == ["budget", "utfall", "avvikelse"]
    assert infer_convention(invest, column_names(invest)) == "budget - utfall"


def test_tab_separated_in_kronor() -> None:
    frame = finance("tab_investments.txt")
    assert set(frame.table) == {"investeringar"}
    assert set(frame.unit) == {"kr"}
    row = cell(frame, "Gatubelysning", "avvikelse")
    assert (row["value"], row["line"]) == (-450000.0, 6)
    assert cell(frame, "Totalt", "budget")["row_kind"] == "total"


def test_markdown_pipe_table_in_mnkr_with_decimals() -> None:
    frame = finance("pipe_mnkr.md")
    assert set(frame.table) == {"resultatrakning"}
    kost = cell(frame, "Verksamhetens kostnader", "budget_2025")
    assert (kost["value"], kost["decimals"], kost["unit"]) == (-1980.4, 1, "mnkr")
    assert cell(frame, "Resultat", "avvikelse")["row_kind"] == "total"
    assert len(frame) == 12


def test_prose_is_kept_and_tables_are_not() -> None:
    lines = READER.read(source("aligned_layout.txt"), None).table("text_lines")
    assert list(lines.line) == [1, 3, 11, 12]


def test_row_kinds() -> None:
    assert row_kind("Summa driftbudget") == "total"
    assert row_kind("Varav kapitalkostnader") == "varav"
    assert row_kind("Nettokostnad") == "part"
    assert row_kind("Netto") == "total"
