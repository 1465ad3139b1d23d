"""The whole findings list on each seed equals the reviewed list in tests/expected/.

Every entry there was checked by reading the document at its line: ``verdict`` says
whether it is a real inconsistency of the published report (``real``), a value the
reader could not read with confidence and the controller must look at
(``unreadable``), or rounding (``rounding``, info only). A new finding, a lost one or
a changed severity fails this test: review it by reading the line, then update the
list (and say why in ``why``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from rapportkoll.engine import CheckOptions, run_check
from rapportkoll.findings import RunReport

EXPECTED = Path(__file__).parent / "expected"
VERDICTS = {"real", "unreadable", "rounding"}
FAST_CHECKS = [
    str(p)
    for p in sorted(Path("checks").glob("*.yaml"))
    if p.name != "expectations.yaml"
]

Key = tuple[int, str, str]


def _expected(path: Path) -> tuple[str, list[dict[str, Any]]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return str(doc["file"]), list(doc["findings"])


@pytest.fixture(scope="module")
def seeds() -> RunReport:
    return run_check(CheckOptions(paths=["data"], checks=FAST_CHECKS))


def _actual(report: RunReport, file: str) -> Counter[Key]:
    return Counter(
        (f.lines[0] if f.lines else 0, f.rule, f.severity.value)
        for f in report.findings
        if f.file == file
    )


@pytest.mark.parametrize(
    "expected_file", sorted(EXPECTED.glob("*.yaml")), ids=lambda p: p.stem
)
def test_findings_are_the_reviewed_list(seeds: RunReport, expected_file: Path) -> None:
    file, entries = _expected(expected_file)
    want: Counter[Key] = Counter(
        (int(e["line"]), str(e["rule"]), str(e["severity"])) for e in entries
    )
    got = _actual(seeds, file)
    missing = sorted((want - got).elements())
    unexpected = sorted((got - want).elements())
    details = {
        k: f.message
        for f in seeds.findings
        if f.file == file
        for k in [(f.lines[0] if f.lines else 0, f.rule, f.severity.value)]
        if k in set(unexpected)
    }
    assert not missing and not unexpected, {
        "missing": missing,
        "unexpected": [(k, details.get(k, "")) for k in unexpected],
    }


@pytest.mark.parametrize(
    "expected_file", sorted(EXPECTED.glob("*.yaml")), ids=lambda p: p.stem
)
def test_every_reviewed_entry_says_why(expected_file: Path) -> None:
    _, entries = _expected(expected_file)
    for e in entries:
        assert e.get("verdict") in VERDICTS, e
        assert len(str(e.get("why", ""))) > 15, e
        assert e["verdict"] != "rounding" or e["severity"] == "info", e


def test_every_seed_has_a_reviewed_list() -> None:
    files = {_expected(p)[0] for p in EXPECTED.glob("*.yaml")}
    seeds = {p.as_posix() for p in Path("data").glob("*.txt")}
    assert seeds <= files, seeds - files
