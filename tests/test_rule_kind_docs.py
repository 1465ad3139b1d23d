"""Every rule kind documents what it checks, why, an example rule and finding."""

from __future__ import annotations

import pytest
import yaml

from rapportkoll.cli import main
from rapportkoll.rules.registry import DOC_SECTIONS, all_kinds

KINDS = all_kinds()


@pytest.mark.parametrize("kind", KINDS, ids=[k.code for k in KINDS])
def test_docstring_has_sections(kind: object) -> None:
    sections = kind.sections()  # type: ignore[attr-defined]
    for heading in DOC_SECTIONS:
        assert sections.get(heading, "").strip(), f"{kind.code}: '{heading}' missing"  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", KINDS, ids=[k.code for k in KINDS])
def test_example_rule_is_valid(kind: object) -> None:
    example = yaml.safe_load(kind.sections()["Example rule"])  # type: ignore[attr-defined]
    assert isinstance(example, list) and example[0]["kind"] == kind.code  # type: ignore[attr-defined]
    kind.params.model_validate(example[0].get("params", {}))  # type: ignore[attr-defined]


def test_codes_are_unique_and_stable() -> None:
    codes = [k.code for k in KINDS]
    assert len(codes) == len(set(codes))
    assert {
        "SUM01",
        "ROW01",
        "CNT01",
        "CND01",
        "DEC01",
        "ASM01",
        "CLM01",
        "XRP01",
        "ITM01",
        "REQ01",
        "TXT01",
        "SCH01",
        "EXT01",
        "GXS01",
    } <= set(codes)


def test_explain_prints_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "SUM01"]) == 0
    out = capsys.readouterr().out
    assert "What it checks" in out and "Example finding" in out


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "DEC01  status-prognos-och-slutdatum" in out
