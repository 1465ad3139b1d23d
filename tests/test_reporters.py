"""Reporters: every output format rendered from one fixed run."""

from __future__ import annotations

import dataclasses
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from rapportkoll.findings import Finding, RuleResult, RunReport, Severity
from rapportkoll.model.errors import UserError
from rapportkoll.reporters import FORMATS, render, write_atomic
from rapportkoll.reporters.i18n import format_number
from rapportkoll.reporters.markdown import render_markdown
from rapportkoll.reporters.text import render_text, write_text

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, data: bytes, update: bool) -> None:
    """Compare with tests/golden/<name>; ``--update-goldens`` rewrites it instead."""
    path = GOLDEN / name
    if update:
        write_atomic(path, data)
        return
    assert path.exists(), f"missing golden {path}; run pytest --update-goldens"
    assert data.decode("utf-8") == path.read_text(encoding="utf-8"), name


# --- registry -------------------------------------------------------------------


def test_every_format_renders_deterministically(reporting_report: RunReport) -> None:
    for fmt in FORMATS:
        first = render(reporting_report, fmt)
        assert first, fmt
        assert render(reporting_report, fmt) == first, fmt


def test_unknown_format_is_a_user_error(reporting_report: RunReport) -> None:
    with pytest.raises(UserError, match="unknown format 'pdf'"):
        render(reporting_report, "pdf")


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out" / "r.json"
    write_atomic(target, b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["r.json"]


def test_format_number_swedish_and_english() -> None:
    assert format_number(-108433.0, "sv") == "−108 433"
    assert format_number(14.9, "sv") == "14,9"
    assert format_number(-108433.0, "en") == "-108,433"
    assert format_number(None, "sv") == ""


# --- text -----------------------------------------------------------------------


def test_text_lists_findings_ruff_style(reporting_report: RunReport) -> None:
    out = render_text(reporting_report)
    lines = out.splitlines()
    assert (
        "data/000_4d1abd7bdfbb87a9.txt:180   CNT01 uppdrag-antal-stammer-med-listan  "
        "Sammanställningen anger 11 påbörjade nämndinitiativ enligt plan men listan "
        "har 10 — rad 180"
    ) in lines
    # grouped per file: every 2025 finding comes before every 2024 finding
    files = [ln.split(":")[0] for ln in lines if ln.startswith("data/")]
    assert files == sorted(files) and len(files) == 6
    assert "  undantag: Avrundning i ekonomisystemet" in out
    assert lines[-1] == (
        "3 fel, 1 varning, 1 info · 1 undantagen · regler: 5 godkända, "
        "6 underkända, 2 ej tillämpliga, 1 kunde inte köras"
    )


def test_text_quiet_prints_only_the_summary(reporting_report: RunReport) -> None:
    out = render_text(reporting_report, quiet=True)
    assert out.count("\n") == 1 and out.startswith("3 fel, 1 varning")


def test_text_english(reporting_report_en: RunReport) -> None:
    out = render_text(reporting_report_en, quiet=True)
    assert out.startswith("3 errors, 1 warning, 1 info · 1 waived · rules: 5 passed")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_colour_only_on_tty_without_no_color(
    reporting_report: RunReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    plain, tty = io.StringIO(), _Tty()
    write_text(reporting_report, plain)
    write_text(reporting_report, tty)
    assert "\x1b[" not in plain.getvalue()
    assert "\x1b[31mSUM01\x1b[0m" in tty.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    again = _Tty()
    write_text(reporting_report, again)
    assert "\x1b[" not in again.getvalue()


def test_text_without_findings() -> None:
    assert render_text(RunReport()).startswith("Inga avvikelser.\n\n0 fel")


# --- json -----------------------------------------------------------------------


def test_json_document_shape(reporting_report: RunReport) -> None:
    doc = json.loads(render(reporting_report, "json"))
    assert list(doc) == [
        "findings",
        "reports",
        "results",
        "rules",
        "summary",
        "version",
    ]
    assert doc["version"] == 1
    first = doc["findings"][0]
    assert (first["file"], first["lines"][0], first["code"]) == (
        "data/000_4d1abd7bdfbb87a9.txt",
        180,
        "CNT01",
    )
    waived = [f for f in doc["findings"] if f["waived"]]
    assert [(f["code"], f["reported"], f["expected"]) for f in waived] == [
        ("ROW02", 15899, 15900)
    ]
    assert doc["summary"]["by_severity"] == {"error": 3, "info": 1, "warning": 1}
    assert doc["summary"]["waived"] == 1
    assert "timings" not in doc and "0.123" not in json.dumps(doc)


def test_json_result_has_every_field_of_rule_result(
    reporting_report: RunReport,
) -> None:
    doc = json.loads(render(reporting_report, "json"))
    names = {f.name for f in dataclasses.fields(RuleResult)}
    assert doc["results"] and all(set(r) == names for r in doc["results"])
    first = doc["results"][0]
    assert (first["rule"], first["outcome"], first["error"]) == (
        "driftredovisning-avvikelse-stammer",
        "pass",
        None,
    )


def test_json_is_independent_of_input_order(reporting_report: RunReport) -> None:
    before = render(reporting_report, "json")
    reporting_report.findings.reverse()
    reporting_report.results.reverse()
    reporting_report.reports.reverse()
    assert render(reporting_report, "json") == before


# --- markdown -------------------------------------------------------------------


def test_markdown_groups_by_severity_and_links(reporting_report: RunReport) -> None:
    md = render_markdown(reporting_report, link_base="https://x/blob/abc/")
    assert md.startswith("## ❌ rapportkoll: 3 fel, 1 varning, 1 info\n")
    assert "| Fel | 3 | 1 |" in md
    assert (
        md.index("### Fel (3)")
        < md.index("### Varning (1)")
        < md.index("### Undantagna avvikelser (1)")
    )
    assert (
        "[`data/002_905efd7e8d1a0751.txt:238`]"
        "(https://x/blob/abc/data/002_905efd7e8d1a0751.txt#L238) **SUM02**"
    ) in md


def test_markdown_caps_long_lists(reporting_report: RunReport) -> None:
    md = render_markdown(reporting_report, max_items=1)
    assert md.count("… +2 till") == 1  # three errors, one shown
    assert "#L1394" in md  # the waived list has one entry: not capped


def test_markdown_escapes_markup() -> None:
    f = Finding("r", "X01", Severity.INFO, "a *b* <c> | d", "f.txt", (1,), "rep")
    md = render_markdown(RunReport(findings=[f]))
    assert "a \\*b\\* \\<c\\> \\| d" in md


# --- html -----------------------------------------------------------------------


def test_html_is_self_contained(reporting_report: RunReport) -> None:
    html = render(reporting_report, "html").decode()
    assert "<script src" not in html and "<link" not in html
    for attr in ("src=", "href=", "url("):
        for chunk in html.split(attr)[1:]:
            assert not chunk.lstrip("\"'").startswith(("http:", "https:", "//"))


def test_html_shows_source_numbers_and_explanation(reporting_report: RunReport) -> None:
    html = render(reporting_report, "html").decode()
    assert (
        '<span class="l hl"><i>1747</i>Räddningstjänst -29 584 -27 193 2 391 '
        '-25 912 -90 972 -90 422 <mark class="rep">505</mark> </span>'
    ) in html
    assert (
        '<span class="l hl"><i>238</i>Total Summa <mark class="exp">25</mark>'
        not in html
    )
    assert 'Total Summa 25 <mark class="rep">1</mark>' in html
    assert "Verksamheternas värden i varje kolumn ska summera" in html
    assert html.count('<article class="finding') == 6
    assert 'data-waived="1"' in html and "Avrundning i ekonomisystemet" in html


def test_html_english_labels(reporting_report_en: RunReport) -> None:
    html = render(reporting_report_en, "html").decode()
    assert '<html lang="en">' in html and "Passed rules" in html


# --- xlsx -----------------------------------------------------------------------


def _workbook_cells(data: bytes) -> dict[str, list[list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return {
        ws.title: [list(row) for row in ws.iter_rows(values_only=True)]
        for ws in book.worksheets
    }


def test_xlsx_findings_and_summary(reporting_report: RunReport) -> None:
    from openpyxl import load_workbook

    data = render(reporting_report, "xlsx")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Avvikelser", "Sammanfattning"]
    sheet = book["Avvikelser"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O7"
    cells = _workbook_cells(data)
    head, *rows = cells["Avvikelser"]
    assert head[:6] == ["Allvarlighet", "Kod", "Regel", "Rapport", "Fil", "Rad"]
    assert len(rows) == 6
    sum02 = next(r for r in rows if r[1] == "SUM02")
    assert sum02[5:7] == [238, "238, 230, 232, 234"]
    assert sum02[9:13] == [11, 1, 10, 0]
    summary = cells["Sammanfattning"]
    assert summary[1][:3] == ["fel", 3, 1]
    assert ["ks-2024-08", "uppdragsmatris-summerar", "SUM02", "underkänd", 3, 1] in (
        summary
    )


# --- goldens --------------------------------------------------------------------

TEXT_GOLDENS = {
    "text": "report.txt",
    "json": "report.json",
    "markdown": "report.md",
    "junit": "report-junit.xml",
    "sarif": "report.sarif",
    "html": "report.html",
}


def test_golden_xlsx(
    reporting_report: RunReport, reporting_update_goldens: bool
) -> None:
    cells = _workbook_cells(render(reporting_report, "xlsx"))
    text = json.dumps(cells, indent=1, ensure_ascii=False, default=str) + "\n"
    check_golden("report.xlsx.json", text.encode(), reporting_update_goldens)


@pytest.mark.parametrize("fmt", sorted(TEXT_GOLDENS))
def test_golden(
    fmt: str, reporting_report: RunReport, reporting_update_goldens: bool
) -> None:
    check_golden(
        TEXT_GOLDENS[fmt], render(reporting_report, fmt), reporting_update_goldens
    )


# --- junit ----------------------------------------------------------------------


def _cases(xml: bytes) -> dict[tuple[str, str], ET.Element]:
    root = ET.fromstring(xml)
    return {
        (c.get("classname", ""), c.get("name", "")): c for c in root.iter("testcase")
    }


def test_junit_one_case_per_rule_and_report(reporting_report: RunReport) -> None:
    xml = render(reporting_report, "junit")
    root = ET.fromstring(xml)
    assert root.tag == "testsuites"
    assert [s.get("name") for s in root.iter("testsuite")] == [
        "ks-2024-08",
        "ks-2025-04",
    ]
    assert (root.get("tests"), root.get("failures")) == ("14", "5")
    assert (root.get("errors"), root.get("skipped")) == ("1", "2")
    cases = _cases(xml)
    assert len(cases) == len(reporting_report.results)
    passed = cases[("rapportkoll.ks-2025-04", "SUM02 uppdragsmatris-summerar")]
    assert list(passed) == []


def test_junit_failure_error_skip_and_waived(reporting_report: RunReport) -> None:
    cases = _cases(render(reporting_report, "junit"))
    failed = cases[("rapportkoll.ks-2024-08", "SUM02 uppdragsmatris-summerar")]
    failure = failed.find("failure")
    assert failure is not None and failure.text is not None
    assert failure.text.startswith(
        "data/002_905efd7e8d1a0751.txt:238 SUM02 error: Raderna Uppdrag Påbörjad"
    )
    assert "[Förväntat 11, Rapporterat 1, Skillnad 10, Tolerans 0]" in failure.text
    waived = cases[("rapportkoll.ks-2024-08", "ROW02 driftredovisning-summa-exakt")]
    assert waived.find("failure") is None
    out = waived.find("system-out")
    assert out is not None and "Avrundning i ekonomisystemet" in (out.text or "")
    err = cases[("rapportkoll.ks-2025-04", "ASM01 indikator-bedomning-stammer")]
    error = err.find("error")
    assert error is not None and "kolumnen 'mal' saknas" in error.get("message", "")
    skipped = cases[("rapportkoll.ks-2024-08", "SUM01 driftredovisning-summerar")]
    assert skipped.find("skipped") is not None


def test_junit_finding_without_result_still_fails() -> None:
    f = Finding(
        "waiver-expired", "WVR01", Severity.ERROR, "gick ut", "w.yaml", (3,), "w.yaml"
    )
    cases = _cases(render(RunReport(findings=[f]), "junit"))
    case = cases[("rapportkoll.w.yaml", "WVR01 waiver-expired")]
    assert case.find("failure") is not None


# --- sarif ----------------------------------------------------------------------


def test_sarif_structure(reporting_report: RunReport) -> None:
    log = json.loads(render(reporting_report, "sarif"))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    assert set(log) == {"$schema", "version", "runs"}
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "rapportkoll"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(reporting_report.rules)
    for rule in driver["rules"]:
        assert set(rule) >= {
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
        }
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
    assert len(run["results"]) == len(reporting_report.findings)
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
        (loc,) = result["locations"]
        region = loc["physicalLocation"]["region"]
        assert isinstance(region["startLine"], int) and region["startLine"] >= 1
        assert set(result["partialFingerprints"]) == {"rapportkoll/v1"}


def test_sarif_locations_levels_and_suppressions(reporting_report: RunReport) -> None:
    results = json.loads(render(reporting_report, "sarif"))["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    total = by_rule["uppdragsmatris-summerar"]
    assert total["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "data/002_905efd7e8d1a0751.txt"},
        "region": {"startLine": 238},
    }
    related = [
        r["physicalLocation"]["region"]["startLine"] for r in total["relatedLocations"]
    ]
    assert related == [230, 232, 234]
    assert total["properties"]["expected"] == 11
    assert by_rule["prognoskommentar-finns"]["level"] == "note"
    assert by_rule["uppdrag-antal-stammer-med-listan"]["level"] == "warning"
    waived = by_rule["driftredovisning-summa-exakt"]
    assert waived["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": (
                "Avrundning i ekonomisystemet; accepterad av ekonomichefen"
            ),
        }
    ]
    assert "suppressions" not in total
    fingerprints = [r["partialFingerprints"]["rapportkoll/v1"] for r in results]
    assert len(set(fingerprints)) == len(results)
