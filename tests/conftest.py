"""Shared fixtures. Reporting fixtures (``reporting_*``) build a fixed RunReport."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapportkoll.findings import (
    Finding,
    Outcome,
    RuleInfo,
    RuleResult,
    RunReport,
    Severity,
)

REPO = Path(__file__).resolve().parents[1]
KS_2025 = "data/000_4d1abd7bdfbb87a9.txt"
KS_2024 = "data/002_905efd7e8d1a0751.txt"
DRIFT = "Driftredovisning per verksamhet"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current reporters (review the diff)",
    )


@pytest.fixture
def reporting_update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def _lines(path: str, numbers: range, seeded: dict[int, str] | None = None) -> dict:
    """Real source lines by number; ``seeded`` replaces a line with a seeded error."""
    text = (REPO / path).read_text(encoding="utf-8").splitlines()
    out = {n: text[n - 1] for n in numbers}
    out.update(seeded or {})
    return out


def _rules() -> dict[str, RuleInfo]:
    def info(
        rid: str, code: str, kind: str, sev: Severity, title: str, expl: str, area: str
    ) -> RuleInfo:
        return RuleInfo(rid, code, kind, sev, title, expl, area)

    rules = [
        info(
            "driftredovisning-avvikelse-stammer",
            "ROW01",
            "row-formula",
            Severity.ERROR,
            "Avvikelsen är prognos minus budget",
            "Kolumnen Avvikelse Budget-Prognos ska vara Prognos minus Budget helår "
            "på varje rad, inom avrundning.",
            "finance",
        ),
        info(
            "driftredovisning-summerar",
            "SUM01",
            "parts-sum-to-total",
            Severity.ERROR,
            "Verksamheterna summerar till förvaltningens total",
            "Verksamheternas värden i varje kolumn ska summera till raden för hela "
            "förvaltningen, inom summan av avrundningarna.",
            "finance",
        ),
        info(
            "uppdrag-antal-stammer-med-listan",
            "CNT01",
            "count-matches-listing",
            Severity.WARNING,
            "Sammanställningen stämmer med listan över uppdrag",
            "Antalet per status i sammanställningen ska vara lika med antalet "
            "uppdrag och initiativ med den statusen i listan.",
            "items",
        ),
        info(
            "uppdragsmatris-summerar",
            "SUM02",
            "parts-sum-to-total",
            Severity.ERROR,
            "Sammanställningens totalrad summerar",
            "Raden Total Summa ska vara summan av raderna ovanför, kolumn för kolumn.",
            "items",
        ),
        info(
            "driftredovisning-summa-exakt",
            "ROW02",
            "row-formula",
            Severity.ERROR,
            "Summaradens avvikelse är exakt",
            "Summaradens avvikelse ska vara utfall minus budget utan avrundning.",
            "finance",
        ),
        info(
            "prognoskommentar-finns",
            "REQ01",
            "required-cell",
            Severity.INFO,
            "Varje verksamhet har en prognoskommentar",
            "En verksamhet med prognosavvikelse ska ha en kommentar.",
            "finance",
        ),
        info(
            "indikator-bedomning-stammer",
            "ASM01",
            "assessment-vs-target",
            Severity.WARNING,
            "Bedömningen stämmer med utfall och mål",
            "En indikator bedömd som uppfylld ska ha utfall på rätt sida om målet.",
            "goals",
        ),
    ]
    return {r.id: r for r in rules}


def _results(rules: dict[str, RuleInfo]) -> list[RuleResult]:
    outcomes = {
        ("ks-2025-04", "driftredovisning-avvikelse-stammer"): (Outcome.FAIL, 8, 1),
        ("ks-2025-04", "driftredovisning-summerar"): (Outcome.FAIL, 7, 1),
        ("ks-2025-04", "uppdrag-antal-stammer-med-listan"): (Outcome.FAIL, 6, 1),
        ("ks-2025-04", "uppdragsmatris-summerar"): (Outcome.PASS, 3, 0),
        ("ks-2025-04", "driftredovisning-summa-exakt"): (Outcome.PASS, 1, 0),
        ("ks-2025-04", "prognoskommentar-finns"): (Outcome.FAIL, 7, 1),
        ("ks-2025-04", "indikator-bedomning-stammer"): (Outcome.ERROR, 0, 0),
        ("ks-2024-08", "driftredovisning-avvikelse-stammer"): (Outcome.PASS, 4, 0),
        ("ks-2024-08", "driftredovisning-summerar"): (Outcome.NOT_APPLICABLE, 0, 0),
        ("ks-2024-08", "uppdrag-antal-stammer-med-listan"): (Outcome.PASS, 4, 0),
        ("ks-2024-08", "uppdragsmatris-summerar"): (Outcome.FAIL, 3, 1),
        ("ks-2024-08", "driftredovisning-summa-exakt"): (Outcome.FAIL, 1, 1),
        ("ks-2024-08", "prognoskommentar-finns"): (Outcome.NOT_APPLICABLE, 0, 0),
        ("ks-2024-08", "indikator-bedomning-stammer"): (Outcome.PASS, 12, 0),
    }
    out = []
    for (report, rid), (outcome, checked, n) in outcomes.items():
        r = rules[rid]
        error = (
            "kolumnen 'mal' saknas i tabellen indicators"
            if outcome is Outcome.ERROR
            else None
        )
        out.append(
            RuleResult(
                rid, r.code, r.kind, r.title, report, outcome, checked, n, r.area, error
            )
        )
    return out


def _findings() -> list[Finding]:
    return [
        Finding(
            "driftredovisning-avvikelse-stammer",
            "ROW01",
            Severity.ERROR,
            "Räddningstjänst: Prognos −90 422 minus Budget helår −90 972 är 550 men "
            "avvikelsen är 505 (skillnad 45, tolerans 1,5) — rad 1747",
            KS_2025,
            (1747,),
            "ks-2025-04",
            table=DRIFT,
            hint="Räkna om avvikelsen eller rätta prognosen.",
            expected=550.0,
            reported=505.0,
            difference=45.0,
            tolerance=1.5,
            labels=("Räddningstjänst", "Avvikelse Budget-Prognos"),
            area="finance",
        ),
        Finding(
            "driftredovisning-summerar",
            "SUM01",
            Severity.ERROR,
            "Raderna Kommundirektör … IT summerar till 680 men totalen är 725 "
            "(skillnad 45, tolerans 3,5) — rad 1737–1751",
            KS_2025,
            (1751, 1737, 1739, 1741, 1743, 1745, 1747, 1749),
            "ks-2025-04",
            table=DRIFT,
            hint="Kontrollera verksamheternas avvikelser mot totalen.",
            expected=725.0,
            reported=680.0,
            difference=45.0,
            tolerance=3.5,
            labels=("Avvikelse Budget-Prognos",),
            area="finance",
        ),
        Finding(
            "uppdrag-antal-stammer-med-listan",
            "CNT01",
            Severity.WARNING,
            "Sammanställningen anger 11 påbörjade nämndinitiativ enligt plan men "
            "listan har 10 — rad 180",
            KS_2025,
            (180,),
            "ks-2025-04",
            table="item_matrix",
            hint="Räkna initiativen i listan igen eller rätta sammanställningen.",
            expected=11.0,
            reported=10.0,
            difference=1.0,
            tolerance=0.0,
            labels=("Nämndinitiativ", "Påbörjad", "Enligt plan"),
            area="items",
        ),
        Finding(
            "prognoskommentar-finns",
            "REQ01",
            Severity.INFO,
            "Räddningstjänst har en prognosavvikelse men ingen prognoskommentar",
            KS_2025,
            (1747,),
            "ks-2025-04",
            table=DRIFT,
            labels=("Räddningstjänst",),
            area="finance",
        ),
        Finding(
            "uppdragsmatris-summerar",
            "SUM02",
            Severity.ERROR,
            "Raderna Uppdrag Påbörjad … Nämndinitiativ Slutförd summerar till 11 men "
            "totalen är 1 (skillnad 10, tolerans 0) — rad 230–238",
            KS_2024,
            (238, 230, 232, 234),
            "ks-2024-08",
            table="item_matrix",
            hint="Totalraden kan ha tappat en siffra vid textutvinningen.",
            expected=11.0,
            reported=1.0,
            difference=10.0,
            tolerance=0.0,
            labels=("total", "Avvikelse från plan"),
            area="items",
        ),
        Finding(
            "driftredovisning-summa-exakt",
            "ROW02",
            Severity.ERROR,
            "Summa: Utfall −185 571 minus Budget −201 471 är 15 900 men avvikelsen "
            "är 15 899 (skillnad 1, tolerans 0) — rad 1394",
            KS_2024,
            (1394,),
            "ks-2024-08",
            table="Driftbudget",
            expected=15900.0,
            reported=15899.0,
            difference=1.0,
            tolerance=0.0,
            labels=("Summa", "Avvikelse Jan-Aug"),
            area="finance",
            waiver="Avrundning i ekonomisystemet; accepterad av ekonomichefen",
        ),
    ]


@pytest.fixture
def reporting_report() -> RunReport:
    """A fixed run over two real reports (see ``_build_report``)."""
    return _build_report()


def _build_report() -> RunReport:
    """A fixed run over two real reports.

    Excerpts are the real source lines, except that line 1747 and line 180 of the
    2025 report carry seeded errors (505 for 550), as the test documents do; the
    2024 findings are real (an OCR total row that lost a digit, a one-krona rounding).
    """
    rules = _rules()
    seeded = {
        1747: "Räddningstjänst -29 584 -27 193 2 391 -25 912 -90 972 -90 422 505 "
    }
    excerpts = {
        KS_2025: {
            **_lines(KS_2025, range(170, 187)),
            **_lines(KS_2025, range(1735, 1754), seeded),
        },
        KS_2024: {
            **_lines(KS_2024, range(227, 241)),
            **_lines(KS_2024, range(1387, 1397)),
        },
    }
    report = RunReport(
        findings=_findings(),
        results=_results(rules),
        rules=rules,
        reports=[
            {
                "report": "ks-2025-04",
                "file": KS_2025,
                "organisation": "Kommunstyrelsekontoret",
                "doc_type": "delårsrapport",
                "period_end": "2025-04-30",
                "unit": "tkr",
            },
            {
                "report": "ks-2024-08",
                "file": KS_2024,
                "organisation": "Kommunstyrelsekontoret",
                "doc_type": "delårsrapport",
                "period_end": "2024-08-31",
                "unit": "tkr",
            },
        ],
        excerpts=excerpts,
        timings={"rules": 0.123},
    )
    report.sort()
    return report


@pytest.fixture
def reporting_report_en(reporting_report: RunReport) -> RunReport:
    reporting_report.lang = "en"
    return reporting_report
