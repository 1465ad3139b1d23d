"""The pytest plugin, run with pytester against a fake engine returning a fixed run."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

FAKE_ENGINE = """
import sys, types
from rapportkoll.findings import Finding, Outcome, RuleResult, RunReport, Severity

def run_check(options):
    assert options.paths, "the plugin passes the paths to check"
    f = "data/002_905efd7e8d1a0751.txt"
    return RunReport(
        findings=[
            Finding("uppdragsmatris-summerar", "SUM02", Severity.ERROR,
                    "Raderna summerar till 11 men totalen är 1", f, (238, 230),
                    "ks-2024-08", expected=11.0, reported=1.0, difference=10.0,
                    tolerance=0.0, labels=("total",), hint="Kontrollera totalraden."),
            Finding("driftredovisning-summa-exakt", "ROW02", Severity.ERROR,
                    "Summa: avvikelsen är 15 899", f, (1394,), "ks-2024-08",
                    expected=15900.0, reported=15899.0, waiver="Avrundning"),
            Finding("prognoskommentar-finns", "REQ01", Severity.INFO,
                    "Kommentar saknas", f, (1390,), "ks-2024-08"),
        ],
        results=[
            RuleResult("uppdragsmatris-summerar", "SUM02", "parts-sum-to-total",
                       "Totalraden summerar", "ks-2024-08", Outcome.FAIL, 3, 1),
            RuleResult("driftredovisning-summa-exakt", "ROW02", "row-formula",
                       "Summa exakt", "ks-2024-08", Outcome.FAIL, 1, 1),
            RuleResult("prognoskommentar-finns", "REQ01", "required-cell",
                       "Kommentar finns", "ks-2024-08", Outcome.FAIL, 7, 1),
            RuleResult("driftredovisning-summerar", "SUM01", "parts-sum-to-total",
                       "Summerar", "ks-2024-08", Outcome.PASS, 4),
            RuleResult("indikator-bedomning-stammer", "ASM01", "assessment-vs-target",
                       "Bedömning", "ks-2024-08", Outcome.NOT_APPLICABLE),
            RuleResult("uppdrag-antal", "CNT01", "count-matches-listing",
                       "Antal", "ks-2024-08", Outcome.ERROR, error="kolumn saknas"),
        ],
    )

module = types.ModuleType("rapportkoll.engine")
module.run_check = run_check
sys.modules["rapportkoll.engine"] = module
"""


@pytest.fixture
def reporting_pytester(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> pytest.Pytester:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makeconftest(FAKE_ENGINE)
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    return pytester


def test_disabled_by_default(reporting_pytester: pytest.Pytester) -> None:
    result = reporting_pytester.runpytest("-p", "rapportkoll.pytest_plugin")
    result.assert_outcomes(passed=1)


def test_one_item_per_rule_and_report(reporting_pytester: pytest.Pytester) -> None:
    result = reporting_pytester.runpytest(
        "-p", "rapportkoll.pytest_plugin", "--rapportkoll", "-v", "-rs"
    )
    # SUM02 fails; ROW02 waived and REQ01 (info, below fail_on) pass; SUM01 passes;
    # ASM01 not applicable; CNT01 could not run
    result.assert_outcomes(passed=4, failed=2, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "*rapportkoll?ks-2024-08??ROW02 driftredovisning-summa-exakt? PASSED*",
            "*rapportkoll?ks-2024-08??SUM02 uppdragsmatris-summerar? FAILED*",
        ]
    )


def test_failure_shows_the_finding_table(reporting_pytester: pytest.Pytester) -> None:
    result = reporting_pytester.runpytest(
        "-p", "rapportkoll.pytest_plugin", "--rapportkoll", "-k", "SUM02"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*file:line*code*Förväntat*Rapporterat*Skillnad*Tolerans*Meddelande*",
            "*data/002_905efd7e8d1a0751.txt:238*SUM02*11*1*10*0*"
            "Raderna summerar till 11 men totalen är 1*",
            "*tips: Kontrollera totalraden.*",
        ]
    )


def test_ini_paths_enable_and_fail_on_from_pyproject(
    reporting_pytester: pytest.Pytester,
) -> None:
    reporting_pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\nrapportkoll_paths = ["data"]\n\n'
        '[tool.rapportkoll]\nfail_on = "info"\n'
    )
    result = reporting_pytester.runpytest(
        "-p", "rapportkoll.pytest_plugin", "-k", "REQ01"
    )
    result.assert_outcomes(failed=1)


def test_error_outcome_fails_with_its_reason(
    reporting_pytester: pytest.Pytester,
) -> None:
    result = reporting_pytester.runpytest(
        "-p", "rapportkoll.pytest_plugin", "--rapportkoll", "-k", "CNT01"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CNT01 uppdrag-antal: kolumn saknas*"])
