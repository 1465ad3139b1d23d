"""Data-driven rule-kind tests: YAML cases with inline tables (``pytest -k SUM01``).

A case expects ``[severity, lines]`` per finding; the first line is the finding's main
line (where it is shown), the others follow sorted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rapportkoll.engine import run_rules
from rapportkoll.model.bundle import TableBuilder
from rapportkoll.rules.loader import load_rule_file

CASES = Path(__file__).parent / "rule_cases"
REPORT = {
    "report": "r",
    "file": "r.txt",
    "line": 1,
    "organisation": "Nämnden",
    "doc_type": "delårsrapport",
    "period_start": "2025-01-01",
    "period_end": "2025-04-30",
    "unit": "tkr",
}


def _cases() -> list[Any]:
    out = []
    for file in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        for case in data["cases"]:
            out.append(
                pytest.param(data["rule"], case, id=f"{file.stem}-{case['name']}")
            )
    return out


def _bundle(tables: dict[str, list[dict[str, Any]]]) -> Any:
    builder = TableBuilder()
    reports = tables.get("reports") or [REPORT]
    for row in reports:
        builder.add("reports", **{**REPORT, **row})
    for name, rows in tables.items():
        if name == "reports":
            continue
        for row in rows:
            builder.add(name, **{"report": "r", "file": "r.txt", **row})
    return builder.build()


@pytest.mark.parametrize(("rule", "case"), _cases())
def test_rule_case(rule: dict[str, Any], case: dict[str, Any], tmp_path: Path) -> None:
    spec = {**rule, **case.get("rule", {})}
    rule_file = tmp_path / "rule.yaml"
    rule_file.write_text(
        yaml.safe_dump({"rules": [spec]}, allow_unicode=True), encoding="utf-8"
    )
    rules, _ = load_rule_file(rule_file)
    report = run_rules(_bundle(case["tables"]), rules)
    got = [[f.severity.value, list(f.lines)] for f in report.findings]
    assert got == case["expect"], [f.message for f in report.findings]
    for text in case.get("messages", []):
        assert any(text in f.message for f in report.findings), [
            f.message for f in report.findings
        ]
