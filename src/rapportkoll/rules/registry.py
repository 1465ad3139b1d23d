"""The registry of rule kinds: stable codes, dotted names, params models, docs."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from pydantic import BaseModel

if TYPE_CHECKING:
    from rapportkoll.rules.context import KindResult, RuleContext

DOC_SECTIONS = ("What it checks", "Why it matters", "Example rule", "Example finding")

# One module per kind; codes are stable and never reused.
KIND_MODULES: tuple[str, ...] = (
    "parts_sum_to_total",
    "row_formula",
    "row_comparison",
    "count_matches_listing",
    "conditional",
    "decision_table",
    "assessment_vs_target",
    "claim_matches_fact",
    "goal_assessment",
    "goal_analysis",
    "claim_names_row",
    "claims_agree",
    "same_fact_across_reports",
    "item_across_reports",
    "required_cell",
    "text_pattern",
    "printed_number",
    "schema",
    "extraction",
    "expectation_suite",
)


@dataclass(frozen=True)
class RuleKind:
    """A built-in rule kind: ``code`` (e.g. SUM01), dotted ``name``, how it runs."""

    code: str
    name: str
    params: type[BaseModel]
    run: Callable[[RuleContext], KindResult]
    doc: str

    def sections(self) -> dict[str, str]:
        """The docstring's fixed sections, by heading."""
        heading = r"^({}):?\s*$".format("|".join(DOC_SECTIONS))
        parts = re.split(heading, self.doc, flags=re.M)
        return {
            parts[i]: parts[i + 1].strip("\n").rstrip()
            for i in range(1, len(parts) - 1, 2)
        }


@cache
def kinds() -> dict[str, RuleKind]:
    """All kinds, by code and by dotted name."""
    table: dict[str, RuleKind] = {}
    for module_name in KIND_MODULES:
        module = importlib.import_module(f"rapportkoll.rules.kinds.{module_name}")
        kind: RuleKind = module.KIND
        table[kind.code] = kind
        table[kind.name] = kind
    return table


def get_kind(ref: str) -> RuleKind | None:
    return kinds().get(ref)


def all_kinds() -> list[RuleKind]:
    return sorted({k.code: k for k in kinds().values()}.values(), key=lambda k: k.code)
