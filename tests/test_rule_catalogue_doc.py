"""docs/rules.md is the catalogue of the rule files (regenerate it when they change)."""

from __future__ import annotations

from pathlib import Path

from rapportkoll.rules.describe import catalogue_markdown
from rapportkoll.rules.loader import load_rules

DOC = Path("docs/rules.md")


def test_docs_rules_md_is_current() -> None:
    rules, _ = load_rules([Path("checks")])
    want = catalogue_markdown(rules, "sv")
    assert DOC.read_text(encoding="utf-8") == want, (
        "docs/rules.md is stale: run `rapportkoll rules --markdown > docs/rules.md`"
    )


def test_catalogue_names_every_rule_and_kind() -> None:
    rules, _ = load_rules([Path("checks")])
    text = catalogue_markdown(rules, "en")
    for rule in rules:
        assert f"### `{rule.spec.id}`" in text
        assert f"### {rule.kind.code} {rule.kind.name}" in text
    assert text.startswith("# Rule catalogue")
