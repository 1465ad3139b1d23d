"""Extraction of the OCR'd delårsrapport per augusti 2024 (kommunstyrelsekontoret).

Every expectation below was read by hand from data/002_905efd7e8d1a0751.txt, with
its line; none was copied from the reader's output.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from rapportkoll.ingest.discover import read_paths
from rapportkoll.ingest.ocr import READER
from rapportkoll.ingest.profile import get_profile
from rapportkoll.ingest.source import Limits, read_source
from rapportkoll.model.bundle import Bundle
from rapportkoll.model.schemas import validate_table
from rapportkoll.model.tables import TABLES

AUG = "data/002_905efd7e8d1a0751.txt"
APR = "data/000_4d1abd7bdfbb87a9.txt"


def _source(path: str) -> Any:
    return read_source(Path(path), path, Path(path).stem, Limits())


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return READER.read(_source(AUG), get_profile("norrtalje-stratsys"))


def _one(frame: pd.DataFrame, **where: Any) -> dict[str, Any]:
    mask = pd.Series(True, index=frame.index)
    for key, value in where.items():
        mask &= frame[key] == value
    found = frame[mask]
    assert len(found) == 1, f"{where}: {len(found)} rows"
    return dict(found.iloc[0])


# --- report ---------------------------------------------------------------------


def test_report_row(bundle: Bundle) -> None:
    row = _one(bundle.reports)
    assert row["organisation"] == "Kommunstyrelsekontoret"
    assert row["doc_type"] == "delårsrapport"
    assert (row["period_start"], row["period_end"]) == ("2024-01-01", "2024-08-31")
    assert row["unit"] == "tkr"
    assert row["line"] == 225


def test_end_to_end_through_discover() -> None:
    merged = read_paths([Path(AUG)])
    assert merged.reports["period_end"].tolist() == ["2024-08-31"]
    assert len(merged.table("items")) == 36


# --- goals ----------------------------------------------------------------------

GOALS = [
    # goal, heading line, bedömning, trend
    ("1.1", 257, "Uppfyllt", "Oförändrad"),  # 'Uppfylit Oférandrat'
    ("1.2", 354, "Uppfyllt", "Oförändrad"),  # split over lines 360/362
    ("2.1", 478, "Uppfyllt", "Positiv"),
    ("3.2", 809, "Uppfyllt", "Positiv"),
    ("6.1", 1013, "Ej uppfyllt", "Oförändrad"),  # 'Ej uppfylit Of6randrad'
    ("6.3", 1149, "Uppfyllt", "Ej utvärderad"),
    ("7.3", 1333, "Uppfyllt", "Negativ"),
]


@pytest.mark.parametrize(("goal", "line", "bedomning", "trend"), GOALS)
def test_goal(bundle: Bundle, goal: str, line: int, bedomning: str, trend: str) -> None:
    row = _one(bundle.table("goals"), goal=goal)
    assert (row["line"], row["bedomning"], row["trend"]) == (line, bedomning, trend)


def test_eighteen_goals_and_analysis(bundle: Bundle) -> None:
    goals = bundle.table("goals")
    assert len(goals) == 18  # "arbetar under aret med 18 inriktningsmal" (line 207)
    row = _one(goals, goal="1.1")
    assert row["title"] == "En ekonomi i balans"
    assert row["analysis_line"] == 263
    assert row["analysis"].startswith("Inriktningsmalet bedéms uppfyllt.")
    assert _one(goals, goal="2.4")["title"].endswith("vid kommunala beslut")


# --- items ----------------------------------------------------------------------

ITEMS = [
    # line, kind, goal, ansvarig, prognos, slutdatum, status, comment date
    (
        371,
        "uppdrag",
        "1.2",
        "Ekonomiavdelningen",
        "Avvikelse från plan",
        "2024-05-06",
        "Slutförd",
        "2024-07-31",
    ),
    (
        382,
        "uppdrag",
        "1.2",
        "Stab- och planeringsavdelningen",
        "Avvikelse från plan",
        "2024-04-08",
        "Slutförd",
        "2024-07-31",
    ),
    (
        423,
        "nämndinitiativ",
        "1.2",
        "Ekonomiavdelningen",
        "Enligt plan",
        "2024-12-02",
        "Påbörjad",
        "2024-08-31",
    ),  # date split '(2024' / '-08-31):'
    (
        439,
        "nämndinitiativ",
        "1.2",
        "HR-avdelningen",
        "Enligt plan",
        "2024-09-09",
        "Slutförd",
        "2024-08-31",
    ),
    (
        459,
        "nämndinitiativ",
        "1.2",
        "Kommundirektor",
        "Enligt plan",
        "2025-02-28",
        "Påbörjad",
        "2024-08-31",
    ),  # 'Pabdorjad'
    (
        613,
        "uppdrag",
        "2.5",
        "Stab- och planeringsavdelningen",
        "Enligt plan",
        "2024-12-02",
        "Påbörjad",
        "2024-08-31",
    ),
    (
        622,
        "uppdrag",
        "2.5",
        "Naringslivsenheten",
        "Avvikelse från plan",
        "2024-04-22",
        "Påbörjad",
        "2024-08-31",
    ),
    (
        722,
        "uppdrag",
        "3.1",
        "Raddningstjansten",
        "Enligt plan",
        "2024-11-11",
        "Påbörjad",
        "2024-08-31",
    ),  # printed column by column
    (
        755,
        "nämndinitiativ",
        "3.1",
        "Stab- och planeringsavdelningen",
        "Enligt plan",
        "2024-09-09",
        "Slutförd",
        "2024-07-31",
    ),
    (
        773,
        "nämndinitiativ",
        "3.1",
        "Stab- och planeringsavdelningen",
        "Avvikelse från plan",
        "2024-05-06",
        "Påbörjad",
        "2024-08-31",
    ),  # 'Pabbriad'
    (
        786,
        "nämndinitiativ",
        "3.1",
        "Raddningstjansten",
        "Enligt plan",
        "2024-12-31",
        "Påbörjad",
        "2024-08-31",
    ),
    (
        908,
        "nämndinitiativ",
        "3.3",
        "Stab- och planeringsavdelningen",
        "Enligt plan",
        "2024-09-09",
        "Påbörjad",
        "2024-08-31",
    ),
    (
        940,
        "nämndinitiativ",
        "4.3",
        "Stab- och planeringsavdelningen",
        "Enligt plan",
        "2024-09-09",
        "Slutförd",
        "2024-04-30",
    ),
    (
        979,
        "uppdrag",
        "5.1",
        "HR-avdelningen",
        "Enligt plan",
        "2024-03-18",
        "Slutförd",
        "2024-04-30",
    ),
    (
        1058,
        "nämndinitiativ",
        "6.1",
        "Naringslivsenheten",
        "Avvikelse från plan",
        "2024-09-09",
        "Påbörjad",
        "2024-08-31",
    ),
    (
        1076,
        "nämndinitiativ",
        "6.1",
        "Naringslivsenheten",
        "Enligt plan",
        "2024-09-09",
        "Påbörjad",
        "2024-08-31",
    ),
    (
        1227,
        "uppdrag",
        "7.1",
        "Stab- och planeringsavdelningen",
        "Enligt plan",
        "2024-09-09",
        "Slutförd",
        "2024-08-31",
    ),
    (
        1264,
        "uppdrag",
        "7.1",
        "Stab- och planeringsavdelningen",
        "Enligt plan",
        "2024-04-08",
        "Slutförd",
        "2024-04-30",
    ),
    (
        1323,
        "nämndinitiativ",
        "7.2",
        "Naringslivsenheten",
        "Avvikelse från plan",
        "2024-06-03",
        "Påbörjad",
        "2024-08-31",
    ),
    (
        1379,
        "nämndinitiativ",
        "7.4",
        "Stab- och planeringsavdelningen",
        "Enligt plan",
        "2024-12-31",
        "Påbörjad",
        "2024-08-31",
    ),
]


@pytest.mark.parametrize(
    ("line", "kind", "goal", "ansvarig", "prognos", "slutdatum", "status", "date"),
    ITEMS,
)
def test_item(
    bundle: Bundle,
    line: int,
    kind: str,
    goal: str,
    ansvarig: str,
    prognos: str,
    slutdatum: str,
    status: str,
    date: str,
) -> None:
    row = _one(bundle.table("items"), line=line)
    got = (
        row["kind"],
        row["goal"],
        row["ansvarig"],
        row["prognos"],
        row["slutdatum"],
        row["status"],
        row["comment_date"],
    )
    assert got == (kind, goal, ansvarig, prognos, slutdatum, status, date)


def test_item_titles_and_comments(bundle: Bundle) -> None:
    items = bundle.table("items")
    row = _one(items, line=1076)  # title printed above the row's cells
    assert (
        row["title"]
        == "Uppdera till férvaltning att arbeta fram ett arshjul for foretagsbesok"
    )
    assert row["title_line"] == 1072
    row = _one(items, line=722)
    assert row["title"].startswith("Ta fram en plan for hur ideella organisationer")
    assert row["title_line"] == 709
    assert _one(items, line=755)["comment"] == "Klar"  # between '(2' and '024-07-31):'
    row = _one(items, line=613)
    assert row["title"] == "Utreda permanent 16sning fér vanthall i Hallstavik."
    assert row["comment_line"] == 619


def test_item_counts(bundle: Bundle) -> None:
    # "arbetar med 18 uppdrag och 18 namndinitiativ under 2024" (line 240)
    counts = bundle.table("items")["kind"].value_counts().to_dict()
    assert counts == {"uppdrag": 18, "nämndinitiativ": 18}


# --- matrix ---------------------------------------------------------------------

MATRIX = [
    (230, "uppdrag", "Påbörjad", [4, 2, 6]),
    (232, "uppdrag", "Slutförd", [8, 4, 12]),
    (234, "nämndinitiativ", "Påbörjad", [9, 5, 14]),
]


@pytest.mark.parametrize(("line", "kind", "status", "values"), MATRIX)
def test_matrix_row(
    bundle: Bundle, line: int, kind: str, status: str, values: list[int]
) -> None:
    rows = bundle.table("item_matrix")
    rows = rows[rows["line"] == line]
    assert rows["kind"].unique().tolist() == [kind]
    assert rows["status"].unique().tolist() == [status]
    assert dict(zip(rows["column"], rows["value"], strict=True)) == dict(
        zip(["enligt_plan", "avvikelse", "total"], values, strict=True)
    )


def test_matrix_rows_with_a_missing_cell_are_reported(bundle: Bundle) -> None:
    # 'Namndinitiativ Slutférd 4 4' and 'Total Summa 25 1': 2 numbers, 3 columns
    issues = bundle.table("extraction_issues")
    matrix = issues[issues["table"] == "item_matrix"]
    assert sorted(matrix["line"]) == [236, 238]
    assert set(matrix["issue"]) == {"ambiguous"}
    assert not bundle.table("item_matrix")["line"].isin([236, 238]).any()


# --- finance --------------------------------------------------------------------

COLS = [
    "budget_period",
    "utfall_period",
    "avvikelse_period",
    "utfall_prev_period",
    "budget_year",
    "prognos",
    "avvikelse_prognos",
]
FINANCE = [
    (
        "driftredovisning",
        1390,
        "part",
        [59400, 54278, -5122, 46956, 89569, 77456, -12113],
    ),
    (
        "driftredovisning",
        1391,
        "part",
        [-260871, -239849, 21021, -209502, -394854, -376691, 18163],
    ),
    (
        "driftredovisning",
        1392,
        "varav",
        [-18644, -8796, 9848, -9065, -27966, -13911, 14055],
    ),
    (
        "driftredovisning",
        1394,
        "total",
        [-201471, -185571, 15899, -162546, -305285, -299235, 6050],
    ),
    ("per_verksamhet", 1422, "part", [-3834, -2617, 1216, -600, -5760, -5560, 200]),
    (
        "per_verksamhet",
        1423,
        "part",
        [-21280, -21586, -305, -18702, -31508, -32508, -1000],
    ),
    (
        "per_verksamhet",
        1425,
        "part",
        [-18965, -17338, 1627, -12765, -27274, -27924, -650],
    ),
    (
        "per_verksamhet",
        1428,
        "part",
        [-30066, -24447, 5618, -21654, -45633, -38133, 7500],
    ),
    (
        "per_verksamhet",
        1429,
        "total",
        [-201471, -185571, 15899, -162546, -305285, -299235, 6050],
    ),
]


@pytest.mark.parametrize(("table", "line", "kind", "values"), FINANCE)
def test_finance_row(
    bundle: Bundle, table: str, line: int, kind: str, values: list[int]
) -> None:
    rows = bundle.table("finance")
    rows = rows[(rows["table"] == table) & (rows["line"] == line)]
    assert rows["row_kind"].unique().tolist() == [kind]
    assert rows["column"].tolist() == COLS
    assert rows["value"].tolist() == values


def test_finance_labels(bundle: Bundle) -> None:
    finance = bundle.table("finance")
    drift = finance[finance["table"] == "driftredovisning"]
    assert drift.drop_duplicates("line")["row"].tolist() == [
        "Intékter",
        "Kostnader",
        "Varav kapitalkostnader",
        "Summa Driftbudget",
    ]
    per = finance[finance["table"] == "per_verksamhet"].drop_duplicates("line")
    assert per["line"].tolist() == list(range(1422, 1430))
    assert per["row"].iloc[-1] == "Kommunstyrelsekontoret"


def test_investments_raddningstjansten(bundle: Bundle) -> None:
    rows = bundle.table("finance")
    rows = rows[rows["table"] == "investeringar_raddningstjanst"]
    materiel = rows[
        rows["line"] == 1578
    ]  # '24002 Raddningsmateriel 2024 -300 -300 0% …'
    assert materiel["value"].tolist() == [-300, -300, 0, -172, 0, -172, -300]
    total = rows[rows["line"] == 1583]
    assert total["row_kind"].unique().tolist() == ["total"]
    assert total["value"].tolist() == [-31050, -27800, 10, -5226, -8049, -3339, -18050]
    assert _one(total, column="avvikelse_procent")["unit"] == "%"


def test_investment_rows_missing_cells_are_reported(bundle: Bundle) -> None:
    issues = bundle.table("extraction_issues")
    lines = set(issues[issues["table"] == "finance"]["line"])
    # IT rows with 3 numbers for 4 columns after the deviation; 'Tankbil' likewise;
    # '-3.000' (line 1576) is a thousands group read as decimals.
    assert {1553, 1554, 1555, 1556, 1575, 1576, 1582} <= lines
    dotted = _one(issues, line=1576, text="-3.000")
    assert dotted["candidates"] == "-3 000"
    finance = bundle.table("finance")
    assert not ((finance["line"] == 1576) & (finance["printed"] == "-3.000")).any()


def test_sick_leave(bundle: Bundle) -> None:
    rows = bundle.table("finance")
    rows = rows[rows["table"] == "sjukfranvaro"]
    kommunen = rows[rows["line"] == 1630]
    assert dict(zip(kommunen["column"], kommunen["value"], strict=True)) == {
        "feb": 9.2,
        "mar": 8.1,
        "maj": 7.3,
        "jul": 3.2,
        "aug": 3.2,
    }
    namnden = rows[rows["line"] == 1634]
    assert namnden["column"].tolist() == [
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
    ]
    assert namnden["value"].tolist() == [5.7, 5.2, 4.6, 3.0, 3.4, 1.4, 1.6]
    issues = bundle.table("extraction_issues")
    lost = issues[issues["line"].isin([1630, 1634])]
    # '8' (a digit missing), '52', '53', '49' (decimal comma lost)
    assert sorted(lost["text"]) == ["49", "52", "53", "8"]


# --- indicators -----------------------------------------------------------------

IND_COLS = [
    "utfall_2021",
    "utfall_2022",
    "utfall_2023",
    "utfall_period",
    "mal",
    "prognos",
]
INDICATORS = [
    # line, goal, bedömning, trend, values (utfall 2021..2023, aug, mål, prognos)
    (269, "1.1", "Uppfyllt", "Negativ", [6.0, 17.0, 6.4, 7.9, 0.0, 2.0]),
    (285, "1.1", "Uppfyllt", "Negativ", [9.6, 11.4, 6.6, 5.0, 1.4, 2.5]),
    (302, "1.1", "Uppfyllt", "Negativ", [55226, 60429, 60231, 59640, 78305, 62396]),
    (311, "1.1", "Uppfyllt", "Positiv", [23.4, 27.4, 29.5, 29.3, 37.3, 37.3]),
    (535, "2.1", "Uppfyllt", "Positiv", [89.1, 89.8, 89.7, 90.1, 92.0, 92.0]),
    (683, "3.1", "Uppfyllt", "Positiv", [25, 31, 71, 71, 73, 73]),
    (872, "3.3", "Uppfyllt", "Oförändrad", [0, 437, 418, 0, 400, 400]),
    (882, "3.3", "Ej uppfyllt", "Positiv", [0, 363, 204, 320, 400, 320]),
    (1029, "6.1", "Ej uppfyllt", "Oförändrad", [169, 154, 164, 164, 150, 164]),
    (1037, "6.1", "Ej uppfyllt", "Negativ", [73, 72, 74, 73, 75, 73]),
    (1169, "6.3", "Ej uppfyllt", "Negativ", [48, 55, 39, 7, 35, 15]),
    (1218, "7.1", "Uppfyllt", "Oförändrad", [104, 95, 103, 100, 100, 100]),
    (1349, "7.3", "Uppfyllt", "Negativ", [50, 42, 49, 15, 30, 30]),
]


@pytest.mark.parametrize(("line", "goal", "bedomning", "trend", "values"), INDICATORS)
def test_indicator(
    bundle: Bundle,
    line: int,
    goal: str,
    bedomning: str,
    trend: str,
    values: list[float],
) -> None:
    rows = bundle.table("indicators")
    rows = rows[rows["line"] == line]
    assert rows["column"].tolist() == IND_COLS
    assert all(math.isclose(a, b) for a, b in zip(rows["value"], values, strict=True))
    assert rows["goal"].unique().tolist() == [goal]
    assert rows["bedomning"].unique().tolist() == [bedomning]
    assert rows["trend"].unique().tolist() == [trend]


def test_indicator_details(bundle: Bundle) -> None:
    rows = bundle.table("indicators")
    first = rows[rows["line"] == 269].iloc[0]
    assert first["indicator"].startswith("Budgetfoljsamhet")
    assert first["ansvarig"] == "Ekonomiavdelningen"  # 'Ekonomiavdelning' + 'en'
    assert (first["unit"], first["comment_date"], first["level"]) == (
        "%",
        "2024-08-31",
        "KF",
    )
    assert rows[rows["line"] == 1218]["level"].unique().tolist() == ["Nämnd"]
    assert rows[rows["line"] == 302]["year"].tolist() == [
        2021,
        2022,
        2023,
        2024,
        2024,
        2024,
    ]


def test_indicator_values_read_without_confidence_are_reported(bundle: Bundle) -> None:
    issues = bundle.table("extraction_issues")
    ind = issues[issues["table"] == "indicators"]
    texts = {(int(r.line), r.text) for r in ind.itertuples()}
    # decimal commas lost: '740', '814', '822' (line 493), '94,001', '932' (line 500)
    assert {
        (493, "740"),
        (493, "814"),
        (493, "822"),
        (500, "94,001"),
        (500, "932"),
    } <= texts
    assert _one(ind, line=493, text="814")["candidates"] == "81,4"
    lines = set(ind["line"])
    # values split over lines: '2| 2100 2100' + '100' (855/856), 'Tid fran larm' (849),
    # 'Antal gastnatter' (1194); too few numbers: 280, 671, 677, 825, 894, 1048;
    # digit grouping ambiguous: 290 (Laneskuld kommun), 968; column-wise: 336, 517
    assert {856, 849, 1194, 280, 671, 677, 825, 894, 1048, 290, 968, 336, 517} <= lines
    indicators = bundle.table("indicators")
    assert not indicators["line"].isin([280, 290, 671, 825, 848, 855, 968, 1193]).any()
    uppklarning = indicators[indicators["line"] == 493]
    assert "utfall_2023" not in uppklarning["column"].tolist()  # '814' is not guessed


# --- claims, repairs, prose -----------------------------------------------------

CLAIMS = [
    (1432, "Kommundirektor", "avvikelse_period", 1216),
    (1442, "Ekonomiavdelningen", "avvikelse_period", -303),
    (1449, "Ekonomiavdelningen", "avvikelse_prognos", -1000),
    (1493, "Stab och planeringsavdelningen", "avvikelse_period", 5162),
    (1515, "Raddningstjansten", "avvikelse_prognos", 0),
    (1535, "IT-enheten", "avvikelse_prognos", 7500),
]


@pytest.mark.parametrize(("line", "subject", "measure", "value"), CLAIMS)
def test_unit_header_claims(
    bundle: Bundle, line: int, subject: str, measure: str, value: int
) -> None:
    row = _one(bundle.table("claims"), line=line)
    assert (
        row["claim_kind"],
        row["subject"],
        row["measure"],
        row["value"],
        row["unit"],
    ) == ("unit_header", subject, measure, value, "tkr")


def test_repairs_keep_the_original(bundle: Bundle) -> None:
    repairs = bundle.table("repairs")
    got = {(int(r.line), r.field, r.original, r.repaired) for r in repairs.itertuples()}
    assert (1018, "bedomning", "Ej uppfylit", "Ej uppfyllt") in got
    assert (1018, "trend", "Of6randrad", "Oförändrad") in got
    assert (773, "status", "Pabbriad", "Påbörjad") in got
    positiv = repairs[(repairs["line"] == 493) & (repairs["field"] == "trend")]
    assert positiv["repaired"].tolist() == ["Positiv"]
    assert "Positi v" in positiv["original"].iloc[0]  # a cell split over two lines


def test_text_lines_have_sections(bundle: Bundle) -> None:
    lines = bundle.table("text_lines")
    row = _one(lines, line=49)
    assert row["text"].startswith("Kommunstyrelsekontoret redovisar for perioden")
    assert row["section"] == "Periodens utfall mot budget"
    assert not lines["line"].isin([230, 371, 1390, 1422]).any()  # table lines


def test_schemas(bundle: Bundle) -> None:
    for name in TABLES:
        assert validate_table(name, bundle.table(name)) == [], name


def test_score_prefers_ocr_text() -> None:
    profile = get_profile("norrtalje-stratsys")
    assert READER.score(_source(AUG), profile) > 0.6
    assert READER.score(_source(APR), profile) < 0.2
