"""End to end on the real reports: known real discrepancies, and single edits found at their line."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from rapportkoll.cli import EXIT_ERROR, EXIT_FINDINGS, main
from rapportkoll.engine import CheckOptions, run_check
from rapportkoll.findings import RunReport, Severity

APRIL = Path("data/000_4d1abd7bdfbb87a9.txt")
AUGUST = Path("data/002_905efd7e8d1a0751.txt")
VB = Path("data/004_bf7f54e920ff6444.txt")
FAST_CHECKS = [
    str(p)
    for p in sorted(Path("checks").glob("*.yaml"))
    if p.name != "expectations.yaml"
]


def _run(paths: list[Path]) -> RunReport:
    return run_check(CheckOptions(paths=[str(p) for p in paths], checks=FAST_CHECKS))


@pytest.fixture(scope="module")
def seeds() -> RunReport:
    return _run([Path("data")])


def _has(report: RunReport, rule: str, file: Path, line: int) -> bool:
    return any(
        f.rule == rule
        and f.file == file.as_posix()
        and line in f.lines
        and not f.waived
        for f in report.findings
    )


@pytest.mark.parametrize(
    ("rule", "file", "line"),
    [
        # The summary matrix's grand total cell is empty.
        ("matrisens-totalceller-ifyllda", APRIL, 184),
        # Bedömning Uppfyllt while the forecast misses a lower-is-better target.
        ("indikator-bedomning-foljer-mal-och-prognos", APRIL, 239),
        # 2023 outcome restated between the August 2024 and April 2025 reports.
        ("indikatorutfall-andras-mellan-rapporter", APRIL, 232),
        # The deadline decided in Tabell A (17 februari 2025) differs in April 2025.
        ("beslutat-nytt-slutdatum-andrat", APRIL, 1243),
        # Draft marker left in a comment.
        ("utkastmarkeringar-kvar", APRIL, 1568),
        # Ekonomiavdelningen's comment says -303 tkr, the table -305 tkr.
        ("verksamhetskommentar-periodens-avvikelse", AUGUST, 1442),
        # Unreadable OCR values are reported, not guessed.
        ("olasliga-eller-tvetydiga-varden", AUGUST, 238),
    ],
)
def test_real_discrepancies_are_found(
    seeds: RunReport, rule: str, file: Path, line: int
) -> None:
    assert _has(seeds, rule, file, line), [
        (f.rule, f.lines) for f in seeds.findings if f.file == file.as_posix()
    ][:40]


def test_rounding_is_never_an_error(seeds: RunReport) -> None:
    # 1 216 printed where 1 217 is computed (August, Kommundirektör) is rounding.
    rounding = [
        f
        for f in seeds.findings
        if f.rule == "avvikelse-perioden-ar-utfall-minus-budget"
        and f.file == AUGUST.as_posix()
        and 1422 in f.lines
    ]
    assert rounding and all(f.severity is Severity.INFO for f in rounding)
    assert not any(
        f.severity is Severity.ERROR
        and f.difference is not None
        and f.tolerance is not None
        and abs(f.difference) <= f.tolerance
        for f in seeds.findings
    )


def test_consistent_april_finance_is_silent(seeds: RunReport) -> None:
    errors = [
        f
        for f in seeds.findings
        if f.file == APRIL.as_posix()
        and f.table in {"finance"}
        and f.severity is Severity.ERROR
        and f.rule.startswith(
            ("driftredovisning", "verksamheter", "avvikelse", "prognosavvikelse")
        )
    ]
    assert errors == []


def _mutated(tmp_path: Path, line: int, old: str, new: str) -> Path:
    target = tmp_path / APRIL.name
    lines = APRIL.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("line", "old", "new"),
    [
        (1741, "-10 264", "-10 364"),  # per-unit utfall
        (1677, "22 070", "22 170"),  # operating statement utfall
        (180, "11 2 13", "11 3 13"),  # matrix count
        (1757, "+307", "+370"),  # per-unit comment header
        (349, "Enligt plan 2026-01-30", "Enligt plan 2025-01-30"),  # deadline passed
        (1243, "Avvikelse från plan", "Enligt plan"),  # prognosis of a late item
    ],
)
def test_single_edit_is_reported_at_its_line(
    tmp_path: Path, line: int, old: str, new: str
) -> None:
    before = {(f.rule, f.line) for f in _run([APRIL]).findings}
    after = _run([_mutated(tmp_path, line, old, new)])
    new_findings = [
        f
        for f in after.findings
        if (f.rule, f.line) not in before
        and line in f.lines
        and f.severity is not Severity.INFO
    ]
    assert new_findings, [(f.rule, f.lines) for f in after.findings][:30]


def test_cli_exit_codes_and_outputs_are_deterministic(tmp_path: Path) -> None:
    digests = []
    for run in range(2):
        out = tmp_path / f"run{run}.json"
        code = main(
            ["check", str(APRIL), "--format", "json", "--output", str(out), "--quiet"]
            + [x for c in FAST_CHECKS for x in ("--checks", c)]
        )
        assert code == EXIT_FINDINGS
        digests.append(hashlib.sha256(out.read_bytes()).hexdigest())
        document = json.loads(out.read_text(encoding="utf-8"))
        assert {
            "rule",
            "code",
            "severity",
            "message",
            "file",
            "lines",
            "expected",
            "reported",
            "difference",
            "tolerance",
        } <= set(document["findings"][0])
    assert digests[0] == digests[1]


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    copy = tmp_path / "in.txt"
    shutil.copy(APRIL, copy)
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()
    main(
        ["check", str(copy), "--quiet"]
        + [x for c in FAST_CHECKS for x in ("--checks", c)]
    )
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == digest


def test_bad_rule_file_exits_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rules:\n  - id: x-rule\n    kind: SUM99\n    title: t\n", encoding="utf-8"
    )
    assert main(["check", str(APRIL), "--checks", str(bad)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert f"{bad}:2" in err and "SUM99" in err and "Traceback" not in err
