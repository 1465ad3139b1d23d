"""Reporters: every output format rendered from one fixed run."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from rapportkoll.findings import RunReport, Severity
from rapportkoll.model.errors import UserError
from rapportkoll.reporters import FORMATS, render, write_atomic
from rapportkoll.reporters.i18n import format_number
from rapportkoll.reporters.markdown import render_markdown
from rapportkoll.reporters.text import render_text, write_text

IMPLEMENTED = [f for f in FORMATS if f in {"text", "json", "markdown"}]
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
    for fmt in IMPLEMENTED:
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
    from rapportkoll.findings import Finding

    f = Finding("r", "X01", Severity.INFO, "a *b* <c> | d", "f.txt", (1,), "rep")
    md = render_markdown(RunReport(findings=[f]))
    assert "a \\*b\\* \\<c\\> \\| d" in md


# --- goldens --------------------------------------------------------------------

TEXT_GOLDENS = {
    "text": "report.txt",
    "json": "report.json",
    "markdown": "report.md",
}


@pytest.mark.parametrize("fmt", sorted(TEXT_GOLDENS))
def test_golden(
    fmt: str, reporting_report: RunReport, reporting_update_goldens: bool
) -> None:
    check_golden(
        TEXT_GOLDENS[fmt], render(reporting_report, fmt), reporting_update_goldens
    )
