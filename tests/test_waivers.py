"""Waivers: accepted findings stay visible but pass; expired, unused ones are found."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rapportkoll.findings import Outcome, RunReport, Severity
from rapportkoll.model.errors import UserError
from rapportkoll.waivers import (
    apply_waivers,
    load_waivers,
    parse_waivers,
    write_baseline,
)

SUM02 = "uppdragsmatris-summerar"


def _fingerprint(report: RunReport, rule: str) -> str:
    return next(f.fingerprint for f in report.findings if f.rule == rule)


def _file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def _one(fp: str, expires: str = "2025-12-31") -> str:
    return (
        "version: 1\nwaivers:\n"
        f"  - fingerprint: {fp}\n"
        "    reason: OCR-fel, rättas i nästa version\n"
        "    accepted_by: Controller\n"
        f"    expires: {expires}\n"
    )


def test_waived_finding_is_kept_and_passes_the_gate(
    reporting_report: RunReport, tmp_path: Path
) -> None:
    path = _file(tmp_path, _one(_fingerprint(reporting_report, SUM02)))
    out = apply_waivers(reporting_report, load_waivers(path), date(2025, 6, 1))
    sum02 = [f for f in out.findings if f.rule == SUM02]
    assert [f.waiver for f in sum02] == ["OCR-fel, rättas i nästa version (Controller)"]
    assert len(out.findings) == len(reporting_report.findings)
    assert out.count(Severity.ERROR) == reporting_report.count(Severity.ERROR) - 1
    results = {(r.rule, r.outcome) for r in out.results if r.report == str(path)}
    assert results == {
        ("waiver-expired", Outcome.PASS),
        ("waiver-unused", Outcome.PASS),
    }
    assert not any(f.waived for f in reporting_report.findings if f.rule == SUM02)


def test_waiver_holds_through_its_expiry_day_then_is_an_error(
    reporting_report: RunReport, tmp_path: Path
) -> None:
    path = _file(tmp_path, "\n" + _one(_fingerprint(reporting_report, SUM02)))
    waivers = load_waivers(path)
    on_the_day = apply_waivers(reporting_report, waivers, date(2025, 12, 31))
    assert [f.rule for f in on_the_day.findings if f.code.startswith("WVR")] == []
    after = apply_waivers(reporting_report, waivers, date(2026, 1, 1))
    assert not any(f.waived for f in after.findings if f.rule == SUM02)
    wvr = [f for f in after.findings if f.code == "WVR01"]
    assert [(f.file, f.lines, f.severity) for f in wvr] == [
        (str(path), (4,), Severity.ERROR)
    ]
    assert "gick ut 2025-12-31" in wvr[0].message
    assert after.fails(Severity.ERROR)


def test_unused_waiver_is_a_warning(
    reporting_report: RunReport, tmp_path: Path
) -> None:
    path = _file(tmp_path, _one("0123456789abcdef"))
    out = apply_waivers(reporting_report, load_waivers(path), date(2025, 6, 1))
    rows = out.flatten(["code", "severity", "file", "line"])
    assert [r for r in rows if r[0].startswith("WVR")] == [
        ["WVR02", "warning", str(path), 3]
    ]
    assert "waiver-unused" in out.rules


@pytest.mark.parametrize(
    ("body", "where", "match"),
    [
        ("waivers:\n  - fingerprint: a\n    reson: x\n", ":3", "reson: unknown key"),
        (
            "waivers:\n  - fingerprint: a\n    reason: x\n    accepted_by: y\n"
            "    expires: snart\n",
            ":5",
            "expires: .*found 'snart'",
        ),
        ("waivers:\n  - fingerprint: a\n    reason: x\n", ":2", "accepted_by"),
        ("waiver: []\n", ":1", "waiver: unknown key"),
        ("waivers: [\n", ":2", "not valid YAML"),
        (_one("a") + _one("a").split("waivers:\n")[1], ":7", "already waived"),
    ],
)
def test_bad_waiver_file_names_file_and_line(body: str, where: str, match: str) -> None:
    with pytest.raises(UserError, match=match) as info:
        parse_waivers(body, "w.yaml")
    assert info.value.where == f"w.yaml{where}"


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read waiver file"):
        load_waivers(tmp_path / "nope.yaml")


def test_baseline_round_trip_waives_every_active_finding(
    reporting_report: RunReport, tmp_path: Path
) -> None:
    path = tmp_path / "baseline.yaml"
    n = write_baseline(reporting_report, path, "Controller", date(2026, 6, 30))
    assert n == 5  # six findings, one already waived
    text = path.read_text(encoding="utf-8")
    assert "accepted_by: Controller" in text and "expires: 2026-06-30" in text
    out = apply_waivers(reporting_report, load_waivers(path), date(2026, 1, 1))
    assert [f for f in out.active() if f.code != "WVR02"] == []
    assert not out.fails(Severity.INFO)
