"""Claims read from prose: real sentences from the seed documents, with their lines."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rapportkoll.ingest.numberwords import month_number, word_value
from rapportkoll.ingest.prose import extract_claims

DATA = Path(__file__).resolve().parents[1] / "data"
DELAR = DATA / "000_4d1abd7bdfbb87a9.txt"
OCR = DATA / "002_905efd7e8d1a0751.txt"
TJANSTE = DATA / "004_bf7f54e920ff6444.txt"


def text_lines(path: Path, first: int, last: int) -> pd.DataFrame:
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [
        {
            "report": "r",
            "file": path.name,
            "line": n,
            "sheet": None,
            "text": lines[n - 1],
            "section": None,
        }
        for n in range(first, last + 1)
    ]
    return pd.DataFrame(rows)


def claims(path: Path, first: int, last: int) -> pd.DataFrame:
    return extract_claims(text_lines(path, first, last), None)


def row(frame: pd.DataFrame, printed: str, line: int) -> dict[str, object]:
    hits = frame[(frame.printed == printed) & (frame.line == line)]
    assert len(hits) == 1, frame[["line", "printed"]].to_string()
    return dict(hits.iloc[0])


def test_amounts_bind_to_their_own_words() -> None:
    # "positiv nettoavvikelse om 14,9 mnkr som fördelar sig med ett underskott om
    # 2,9 mnkr på intäktssidan och ett överskott om 17,8 mnkr på kostnadssidan"
    frame = claims(DELAR, 1693, 1697)
    subjects = {
        "netto_avvikelse_period": ["nettoavvikelse"],
        "intakter_avvikelse_period": ["intäktssidan"],
        "kostnader_avvikelse_period": ["kostnadssidan"],
    }
    from rapportkoll.ingest.profile import Profile

    frame = extract_claims(
        text_lines(DELAR, 1693, 1697), Profile(name="t", claim_subjects=subjects)
    )
    netto = row(frame, "14,9 mnkr", 1694)
    assert (netto["value"], netto["unit"], netto["decimals"]) == (14.9, "mnkr", 1)
    assert (netto["direction"], netto["measure"]) == (1, "netto_avvikelse_period")
    assert netto["subject"] == "Kommunstyrelsekontoret"
    intakter = row(frame, "2,9 mnkr", 1695)
    assert (intakter["direction"], intakter["measure"]) == (
        -1,
        "intakter_avvikelse_period",
    )
    kostnader = row(frame, "17,8 mnkr", 1695)
    assert (kostnader["direction"], kostnader["measure"]) == (
        1,
        "kostnader_avvikelse_period",
    )
    assert list(frame.claim_kind) == ["amount"] * 3


def test_direction_after_the_number_and_years_are_not_claims() -> None:
    # "prognostiserar en avvikelse om 0,7 mnkr i överskott mot budget 2025."
    frame = claims(DELAR, 1702, 1702)
    assert list(frame.printed) == ["0,7 mnkr"]
    assert frame.iloc[0]["direction"] == 1


def test_signed_amounts_in_unit_headers() -> None:
    frame = claims(DELAR, 1811, 1811)  # "…för perioden, + 5 196 tkr:"
    claim = row(frame, "+ 5 196 tkr", 1811)
    assert (claim["value"], claim["direction"], claim["decimals"]) == (5196.0, 1, 0)


def test_ratio_and_varav_counts_across_lines() -> None:
    frame = claims(DELAR, 27, 30)
    ratio = row(frame, "12", 28)
    assert (ratio["claim_kind"], ratio["of_total"], ratio["subject"]) == (
        "ratio",
        13.0,
        "inriktningsmål",
    )
    # "arbetar med 21 \n uppdrag och 15 initiativ, varav 20 uppdrag samt 13 initiativ
    # beräknas genomföras enligt plan"
    assert row(frame, "21", 28)["subject"] == "uppdrag"
    assert row(frame, "15", 29)["subject"] == "initiativ"
    assert row(frame, "21", 28)["measure"] == "total"
    assert row(frame, "15", 29)["measure"] == "total"
    for printed, subject in [("20", "uppdrag"), ("13", "initiativ")]:
        claim = row(frame, printed, 29)
        assert (claim["subject"], claim["measure"]) == (subject, "enligt_plan")
    assert row(frame, "samtliga", 27)["claim_kind"] == "all"
    assert row(frame, "samtliga", 27)["subject"] == "målområden"


def test_samtliga_utom() -> None:
    frame = claims(DELAR, 148, 152)
    claim = row(frame, "Samtliga utom ett", 150)
    assert (claim["claim_kind"], claim["value"], claim["subject"]) == (
        "all_but",
        1.0,
        "inriktningsmål",
    )
    assert (frame.printed == "ett").sum() == 0
    # "inom sex av Norrtälje kommuns målområde" is a count, not a section number
    assert row(frame, "sex", 148)["subject"] == "målområden"


def test_number_words_and_article_words() -> None:
    # "Totalt 19 uppdrag är påbörjade, ett är slutfört och ett uppdrag är inte
    # påbörjat. … Två av initiativen avviker från ursprunglig tidplan"
    frame = claims(DELAR, 189, 192)
    ones = frame[(frame.printed == "ett") & (frame.line == 189)]
    assert list(ones.measure) == ["status_slutford", "status_ej_paborjad"]
    assert list(ones.subject) == ["uppdrag", "uppdrag"]
    two = row(frame, "Två", 191)
    assert (two["value"], two["subject"], two["measure"]) == (
        2.0,
        "initiativ",
        "avvikelse",
    )


def test_word_ratio_tre_av_fyra() -> None:
    frame = claims(DELAR, 1549, 1550)
    claim = row(frame, "tre", 1549)
    assert (claim["claim_kind"], claim["value"], claim["of_total"]) == (
        "ratio",
        3.0,
        4.0,
    )
    assert (claim["subject"], claim["measure"]) == ("uppdrag", "enligt_plan")


def test_tjansteskrivelse_counts() -> None:
    frame = claims(TJANSTE, 29, 29)
    assert row(frame, "52", 29)["subject"] == "uppdrag"
    assert row(frame, "42", 29)["measure"] == "status_slutford"
    fyra = row(frame, "Fyra", 29)
    assert (fyra["claim_kind"], fyra["of_total"], fyra["measure"]) == (
        "ratio",
        10.0,
        "enligt_plan",
    )
    assert row(frame, "sex", 29)["measure"] == "avvikelse"
    assert row(frame, "Ett", 29)["subject"] == "initiativ"
    # "Av de 21 inriktningsmålen … inom 17 av inriktningsmålen"
    frame = claims(TJANSTE, 35, 35)
    claim = row(frame, "17", 35)
    assert (claim["claim_kind"], claim["of_total"]) == ("ratio", 21.0)


def test_ocr_text_without_diacritics() -> None:
    # "Tolv uppdrag ar genomforda. Sex …": the OCR text lost its diacritics
    frame = claims(OCR, 240, 248)
    assert row(frame, "Tolv", 244)["subject"] == "uppdrag"
    assert row(frame, "atta", 241)["value"] == 8.0
    ratio = claims(OCR, 41, 44)
    claim = row(ratio, "17", 42)
    assert (claim["claim_kind"], claim["of_total"]) == ("ratio", 18.0)


@pytest.mark.parametrize(
    "sentence",
    [
        "Uppdraget redovisas den 7 april 2025 till kommunstyrelsen.",
        "Se avsnitt 6.1. för detaljer och bilaga 2 om målområde 3.",
        "Lagen (2018:585) gäller sedan 2019-04-01 för alla.",
        "1. Godkänna verksamhetsberättelsen.",
        "Projektet 17031 fortsätter.",
        "Kapaciteten blir 90-120 platser under två till tre år.",
        "En arbetsgrupp har initierats och ett möte hölls.",
    ],
)
def test_not_claims(sentence: str) -> None:
    frame = extract_claims(
        pd.DataFrame(
            [
                {
                    "report": "r",
                    "file": "f",
                    "line": 1,
                    "sheet": None,
                    "text": sentence,
                    "section": None,
                }
            ]
        ),
        None,
    )
    assert list(frame.printed) == []


def test_units_and_percent_points() -> None:
    frame = extract_claims(
        pd.DataFrame(
            [
                {
                    "report": "r",
                    "file": "f",
                    "line": 3,
                    "sheet": None,
                    "text": "Sjukfrånvaron minskade med 0,5 procentenheter till 4,33 % "
                    "och kostnaden blev 2,5 miljoner kronor lägre.",
                    "section": "HR",
                }
            ]
        ),
        None,
    )
    assert list(zip(frame.printed, frame.unit, strict=True)) == [
        ("0,5 procentenheter", "%-enheter"),
        ("4,33 %", "%"),
        ("2,5 miljoner kronor", "mnkr"),
    ]
    assert list(frame.direction) == [-1, -1, -1]
    assert list(frame.section) == ["HR"] * 3


def test_number_words() -> None:
    assert word_value("Tolv") == 12
    assert word_value("tjugotre") == 23
    assert word_value("tva") == 2
    assert month_number("okt") == 10
    assert month_number("uppdrag") is None


def test_later_than_planned_is_a_deviation() -> None:
    frame = claims(OCR, 244, 246)
    # "Sex uppdrag är påbörjade, fyra … enligt plan och två … senare än planerat":
    # four and two are parts of the six started ones (OCR: 'pabdrjade')
    assert row(frame, "Sex", 244)["measure"] == "status_paborjad"
    assert row(frame, "fyra", 244)["measure"] == "status_paborjad&enligt_plan"
    assert row(frame, "tva", 245)["measure"] == "status_paborjad&avvikelse"
    assert row(frame, "Tolv", 244)["measure"] == "status_slutford"
    assert row(frame, "5", 246)["measure"] == "avvikelse"
    assert row(frame, "13", 245)["measure"] == "enligt_plan"


def test_paragraphs_join_when_the_sheet_cell_is_empty() -> None:
    # Readers give sheet=NaN for text sources; NaN != NaN must not split paragraphs.
    lines = text_lines(DELAR, 1549, 1550).assign(sheet=float("nan"))
    frame = extract_claims(lines, None)
    tre = row(frame, "tre", 1549)
    assert (tre["claim_kind"], tre["of_total"], tre["measure"]) == (
        "ratio",
        4.0,
        "enligt_plan",
    )


def test_goal_analysis_measures() -> None:
    # "en indikator förväntas nå satta målvärden, två av indikatorerna kommer inte
    # kunna redovisas"
    frame = claims(DELAR, 614, 617)
    assert row(frame, "en", 614)["measure"] == "uppfyllt"
    assert row(frame, "två", 615)["measure"] == "ej_bedomd"
    # OCR: "tva uppdrag ar genomférda", "Tva indikatorer nar inte uppsatta malvarden"
    assert row(claims(OCR, 607, 608), "tva", 607)["measure"] == "status_slutford"
    assert row(claims(OCR, 1022, 1024), "Tva", 1022)["measure"] == "ej_uppfyllt"
    # OCR: "tva av fyra ndmndinitiativ &r genomférda"
    two = row(claims(OCR, 663, 665), "tva", 664)
    assert (two["subject"], two["of_total"], two["measure"]) == (
        "nämndinitiativ",
        4.0,
        "status_slutford",
    )


def test_totals() -> None:
    # "Kommunstyrelsekontoret arbetar med 18 uppdrag och 18 namndinitiativ under
    # 2024. Av de 18 uppdragen ar 10 uppdrag fran Mal och Budget …"
    frame = claims(OCR, 240, 242)
    totals = frame[frame.measure == "total"][["line", "value", "subject"]]
    assert totals.values.tolist() == [
        [240, 18.0, "uppdrag"],
        [240, 18.0, "nämndinitiativ"],
        [240, 18.0, "uppdrag"],
    ]
    assert pd.isna(row(frame, "10", 241)["measure"])
    # "Av de 21 inriktningsmålen … uppnås målet inom 17 av inriktningsmålen."
    frame = claims(TJANSTE, 35, 35)
    assert row(frame, "21", 35)["measure"] == "total"
    seventeen = row(frame, "17", 35)
    assert (seventeen["claim_kind"], seventeen["of_total"], seventeen["measure"]) == (
        "ratio",
        21.0,
        "uppfyllt",
    )


def test_an_article_naming_one_item_is_not_a_count() -> None:
    # "Ett uppdrag som tidigare befarades inte kunna genomföras enligt tidplan har nu
    # status att kunna slutföras enligt plan."
    frame = claims(DELAR, 194, 196)
    assert frame[frame.line == 195].empty, frame[["line", "printed"]]


def test_ocr_direction_word() -> None:
    # "ett underskott om 5,1 mnkr pa intaktssidan och ett éverskott om 21,0 mnkr pa
    # kostnadssidan": 'éverskott' is OCR for 'överskott'
    frame = claims(OCR, 1401, 1403)
    assert row(frame, "5,1 mnkr", 1402)["direction"] == -1
    assert row(frame, "21,0 mnkr", 1402)["direction"] == 1


def test_sick_leave_own_and_whole_kommun() -> None:
    frame = claims(DELAR, 1957, 1961)
    assert row(frame, "2,7%", 1957)["measure"] == "sjukfranvaro"
    # "Som en jämförelse har kommunen i delår 1 en sjukfrånvaro på 4,33%."
    assert row(frame, "4,33%", 1958)["measure"] == "sjukfranvaro_kommun"
    # a target in %-enheter is not a rate
    assert pd.isna(row(frame, "0,5%-enheter", 1960)["measure"])
    frame = claims(OCR, 1640, 1642)
    assert row(frame, "1,6 %", 1640)["measure"] == "sjukfranvaro"
    assert row(frame, "3,2 %", 1641)["measure"] == "sjukfranvaro_kommun"


def test_an_investment_named_in_prose() -> None:
    frame = claims(DELAR, 1868, 1870)
    prognos = row(frame, "11,6 mnkr", 1870)
    assert (prognos["measure"], prognos["subject"]) == (
        "objekt_prognos",
        "höjdfordonet",
    )
    budget = row(frame, "12,5 mnkr", 1868)
    assert (budget["measure"], budget["subject"]) == ("objekt_budget", "höjdfordonet")
    # "utökad budget med 3,5 mnkr": not the shape "budget för X är N"
    assert pd.isna(row(frame, "3,5 mnkr", 1869)["measure"])
