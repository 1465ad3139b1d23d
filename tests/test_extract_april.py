"""Extraction of the April 2025 delårsrapport (Stratsys PDF text): cells and lines."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from rapportkoll.ingest.discover import read_paths
from rapportkoll.ingest.profile import get_profile
from rapportkoll.ingest.source import Limits, read_source
from rapportkoll.ingest.stratsys import READER
from rapportkoll.model.bundle import Bundle
from rapportkoll.model.schemas import validate_table
from rapportkoll.model.tables import TABLES

APRIL = Path("data/000_4d1abd7bdfbb87a9.txt")


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return read_paths([APRIL])


def one(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    rows = frame[mask]
    assert len(rows) == 1, f"{where}: {len(rows)} rows"
    return rows.iloc[0]


def test_the_stratsys_reader_is_chosen_for_pdf_text_not_for_ocr() -> None:
    profile = get_profile("norrtalje-stratsys")
    pdf = read_source(APRIL, str(APRIL), "a", Limits())
    ocr = Path("data/002_905efd7e8d1a0751.txt")
    assert READER.score(pdf, profile) > 0.8
    assert READER.score(read_source(ocr, str(ocr), "b", Limits()), profile) < 0.5
    assert READER.score(pdf, None) == 0.0


def test_report_row(bundle: Bundle) -> None:
    report = one(bundle.reports)
    assert report["organisation"] == "Kommunstyrelsekontoret"
    assert report["doc_type"] == "delårsrapport"
    assert (report["period_start"], report["period_end"]) == (
        "2025-01-01",
        "2025-04-30",
    )
    assert report["unit"] == "tkr"
    assert report["profile"] == "norrtalje-stratsys"
    assert report["title"] == "Delårsrapport per april 2025"


def test_goals(bundle: Bundle) -> None:
    goals = bundle.table("goals")
    assert len(goals) == 13
    g = one(goals, goal="3.2")
    assert g["line"] == 811
    assert g["title"].startswith("Öka tryggheten i hemmet")
    assert g["title"].endswith("samt äldre invånare.")
    assert (g["bedomning"], g["trend"]) == ("Ej uppfyllt", "Oförändrad")
    assert g["analysis_line"] == 818
    assert g["analysis"].startswith("Inriktningsmålet bedöms inte uppfyllt.")
    assert one(goals, goal="3.1")["trend"] == "Ej utvärderad"
    assert one(goals, goal="1.1")["line"] == 199


def test_matrix_cells_and_empty_cells(bundle: Bundle) -> None:
    m = bundle.table("item_matrix")
    assert len(m) == 21
    cell = one(m, kind="nämndinitiativ", status="Påbörjad", column="avvikelse")
    assert (cell["value"], cell["line"]) == (2, 180)
    empty = one(m, kind="uppdrag", status="Ej påbörjad", column="enligt_plan")
    assert (
        math.isnan(empty["value"]) and empty["printed"] == "" and empty["line"] == 172
    )
    assert (
        one(m, kind="uppdrag", status="Ej påbörjad", column="avvikelse")["value"] == 1
    )
    total = m[m["kind"] == "total"].set_index("column")
    assert total.loc["enligt_plan", "value"] == 33
    assert total.loc["avvikelse", "value"] == 3
    assert math.isnan(total.loc["total", "value"]) and total.loc["total", "line"] == 184


def test_items(bundle: Bundle) -> None:
    items = bundle.table("items")
    assert items["kind"].value_counts().to_dict() == {
        "uppdrag": 21,
        "nämndinitiativ": 15,
    }
    item = one(
        items,
        title="Ta fram åtgärdsplan för att inte överskrida den beslutade "
        "koldioxidbudgeten.",
    )
    assert item["kind"] == "nämndinitiativ" and item["goal"] == "5.1"
    assert (item["prognos"], item["slutdatum"], item["status"]) == (
        "Avvikelse från plan",
        "2025-02-28",
        "Påbörjad",
    )
    assert (item["line"], item["title_line"], item["comment_line"]) == (
        1243,
        1235,
        1245,
    )
    assert item["ansvarig"] == "Stab- och planeringsavdelningen"
    assert item["comment"] == "Ärendet sköts upp till kommunfullmäktigen den 26 maj."
    assert item["comment_date"] == "2025-04-30"
    first = one(items, line=305)
    assert first["ansvarig"] == "Ekonomiavdelningen" and first["title_line"] == 297
    grovsop = one(items, slutdatum="2025-09-08", goal="2.3")
    assert grovsop["comment"].startswith("Uppdraget kommer redovisas")
    assert grovsop["comment_date"] is None or pd.isna(grovsop["comment_date"])
    draft = one(items, line=1565)
    assert draft["comment"].startswith("***") and draft["status"] == "Ej påbörjad"


def test_indicator_cells_broken_over_lines(bundle: Bundle) -> None:
    ind = bundle.table("indicators")
    name = "Uppklarningsprocent, kontaktcenter."
    cell = one(ind, indicator=name, column="utfall_2022")
    assert (cell["value"], cell["printed"], cell["unit"], cell["line"]) == (
        83.0,
        "83.0%",
        "%",
        410,
    )
    assert cell["decimals"] == 1 and cell["level"] == "KF" and cell["goal"] == "2.1"
    assert cell["ansvarig"] == "Stab- och planeringsavdelningen"
    assert (cell["bedomning"], cell["trend"]) == ("Uppfyllt", "Oförändrad")
    assert one(ind, indicator=name, column="utfall_period")["line"] == 419
    larm = ind[ind["indicator"].str.startswith("Tid från larm")].set_index("column")
    assert larm.loc["utfall_2022", "value"] == pytest.approx(10.52)
    assert larm.loc["utfall_2022", "line"] == 921
    assert math.isnan(larm.loc["prognos", "value"])
    assert larm.loc["utfall_2022", "bedomning"] == "Inget värde angivet"
    guest = ind[ind["indicator"].str.startswith("Antal gästnätter")].set_index("column")
    assert guest.loc["utfall_2023", ["value", "line"]].tolist() == [392055, 1509]


def test_indicator_empty_cells_and_levels(bundle: Bundle) -> None:
    ind = bundle.table("indicators")
    platser = ind[ind["indicator"] == "Antal platser på trygghetsboenden."]
    by_col = platser.set_index("column")["value"]
    assert math.isnan(by_col["utfall_2022"])
    assert by_col[["utfall_2023", "mal", "prognos"]].tolist() == [8, 59, 19]
    lokal = ind[ind["indicator"].str.startswith("Lokalproducerade")].set_index("column")
    assert lokal["ansvarig"].isna().all()
    assert lokal.loc["utfall_2022", "value"] == 55 and lokal.loc["mal", "value"] == 57
    assert math.isnan(lokal.loc["utfall_period", "value"])
    hlr = ind[ind["indicator"].str.contains("första hjälpen och HLR")]
    assert set(hlr["level"]) == {"Nämnd"}
    assert one(ind, indicator="Företagsklimat.", column="mal")["ansvarig"] == (
        "Näringslivsenheten"
    )
    koncern = ind[ind["indicator"] == "Låneskuld (i koncern), kr per invånare."]
    assert koncern["value"].tolist() == [60429, 60231, 51342, 48121, 67679, 54661]


def test_ambiguous_indicator_row_is_reported(bundle: Bundle) -> None:
    issues = bundle.table("extraction_issues")
    issue = one(issues, line=259)
    assert issue["issue"] == "ambiguous" and issue["table"] == "indicators"
    assert "5 565 596" in issue["candidates"]


def test_operating_statement(bundle: Bundle) -> None:
    f = bundle.table("finance")
    d = f[f["table"] == "driftredovisning"]
    assert d.drop_duplicates("row")["row"].tolist() == [
        "Intäkter",
        "Kostnader",
        "Varav kapitalkostnader",
        "Summa Driftbudget",
    ]
    varav = one(d, row="Varav kapitalkostnader", column="avvikelse_prognos")
    assert (varav["value"], varav["line"], varav["row_kind"]) == (1066, 1684, "varav")
    total = one(d, row="Summa Driftbudget", column="budget_period")
    assert (total["value"], total["line"], total["row_kind"]) == (
        -108420,
        1689,
        "total",
    )
    assert one(d, row="Kostnader", column="utfall_period")["value"] == -115559


def test_per_verksamhet(bundle: Bundle) -> None:
    f = bundle.table("finance")
    p = f[f["table"] == "per_verksamhet"]
    cell = one(p, row="Kommundirektör", column="budget_period")
    assert (cell["value"], cell["line"], cell["position"]) == (-2096, 1737, 1)
    assert one(p, row="Kommundirektör", column="avvikelse_period")["value"] == 307
    assert one(p, row="Ekonomiavdelning", column="avvikelse_period")["value"] == 720
    total = one(p, row="Kommunstyrelsekontoret", column="avvikelse_prognos")
    assert (total["value"], total["line"], total["row_kind"], total["position"]) == (
        725,
        1751,
        "total",
        8,
    )


def test_investments(bundle: Bundle) -> None:
    f = bundle.table("finance")
    it = f[f["table"] == "investeringar_it"]
    cell = one(it, row="17031 - Digitala o E-tjänster -17", column="totalt_budget")
    assert (cell["value"], cell["line"]) == (-3000, 1898)
    pct = one(it, row="Totalt investeringar IT", column="avvikelse_procent")
    assert (pct["value"], pct["unit"], pct["row_kind"]) == (52, "%", "total")
    closed = one(it, row="Avslutade proj. med utfall 2024", column="utfall_2024")
    assert (closed["value"], closed["line"]) == (-906, 1900)
    r = f[f["table"] == "investeringar_raddningstjanst"]
    vagn = r[r["line"] == 1912].set_index("column")["value"]
    assert math.isnan(vagn["avvikelse_procent"]) and vagn["budget_2025"] == -100
    hojd = one(r, row="25000 - Höjdfordon 2025", column="total_prognos")
    assert (hojd["value"], hojd["line"]) == (-11600, 1907)
    issues = bundle.table("extraction_issues")
    assert one(issues, line=1901)["issue"] == "ambiguous"


def test_sick_leave(bundle: Bundle) -> None:
    f = bundle.table("finance")
    s = f[f["table"] == "sjukfranvaro"]
    apr = one(s, position=2, column="apr")
    assert (apr["value"], apr["decimals"], apr["unit"], apr["line"]) == (
        2.71,
        2,
        "%",
        1953,
    )
    assert math.isnan(one(s, position=2, column="maj")["value"])
    assert one(s, position=1, column="dec")["value"] == 3.97


def test_unit_header_claims(bundle: Bundle) -> None:
    c = bundle.table("claims")
    c = c[c["claim_kind"] == "unit_header"]
    assert len(c) == 14
    claim = one(c, line=1767)
    assert (claim["subject"], claim["measure"], claim["value"], claim["unit"]) == (
        "Ekonomiavdelningen",
        "avvikelse_period",
        720,
        "tkr",
    )
    prognos = one(c, line=1760)
    assert (prognos["subject"], prognos["measure"], prognos["value"]) == (
        "Kommundirektör",
        "avvikelse_prognos",
        175,
    )
    assert one(c, line=1811)["value"] == 5196


def test_text_lines(bundle: Bundle) -> None:
    t = bundle.table("text_lines")
    by_line = t.set_index("line")
    assert by_line.loc[39, "text"] == "lägre kostnad för perioden än"
    assert by_line.loc[36, "section"] == "Periodens utfall mot budget"
    assert by_line.loc[1568, "text"].startswith("***Uppdragets hemvist")
    for table_line in (172, 232, 305, 1737, 1898, 1946):
        assert table_line not in by_line.index


def test_every_table_passes_its_schema(bundle: Bundle) -> None:
    for name in TABLES:
        assert validate_table(name, bundle.table(name)) == [], name
