"""Layout profiles: what is specific to a report template, declared in YAML.

A profile names the template's section headings, table headers and the canonical
column each maps to, the vocabularies of statuses, prognoses, assessments and trends
(canonical value -> spellings), sign conventions and the amount unit. Adding a
municipality's template means adding a profile file, not Python.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rapportkoll.model.errors import UserError
from rapportkoll.model.formula import Formula
from rapportkoll.model.yamlfile import line_of, load_yaml, read_text, shown

MAX_PROFILE_BYTES = 2 * 1024 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FinanceTable(_Strict):
    """A financial table: how to find it and what its numeric columns mean."""

    name: str
    heading: list[str] = Field(description="line texts that start the table")
    columns: list[str] = Field(description="canonical column names, left to right")
    total_rows: list[str] = Field(
        default_factory=list, description="labels of total rows"
    )
    varav_rows: list[str] = Field(default_factory=list, description="'of which' rows")
    relations: list[str] = Field(
        default_factory=list,
        description="row formulas that hold in this table, e.g. "
        "'avvikelse_period = utfall_period - budget_period'; used to resolve "
        "ambiguous digit grouping, and checked by rules",
    )
    unit: str = "tkr"
    end: list[str] = Field(default_factory=list, description="line texts that end it")


class Profile(_Strict):
    """One report template (e.g. Stratsys as used by Norrtälje kommun)."""

    name: str
    description: str = ""
    detect: list[str] = Field(
        default_factory=list,
        description="phrases whose presence selects this profile (normalised match)",
    )
    organisation_patterns: list[str] = Field(default_factory=list)
    doc_types: dict[str, list[str]] = Field(
        default_factory=dict, description="doc type -> title phrases"
    )
    period_patterns: list[str] = Field(default_factory=list)
    amount_unit: str = "tkr"
    vocabularies: dict[str, dict[str, list[str]]] = Field(
        default_factory=dict,
        description="field -> canonical value -> spellings (status, prognos, "
        "bedomning, trend, kind, level)",
    )
    headings: dict[str, list[str]] = Field(default_factory=dict)
    indicator_columns: dict[str, list[str]] = Field(
        default_factory=dict, description="canonical column -> header spellings"
    )
    finance_tables: list[FinanceTable] = Field(default_factory=list)
    claim_subjects: dict[str, list[str]] = Field(
        default_factory=dict,
        description="measure -> phrases that bind a prose amount to a table fact",
    )
    extra: dict[str, Any] = Field(
        default_factory=dict, description="reader-specific settings (e.g. ocr)"
    )


def builtin_profile_dir() -> Path:
    return Path(str(resources.files("rapportkoll") / "profiles"))


def load_profile(path: Path) -> Profile:
    """Load one profile file; a bad file is a UserError naming file:line and key."""
    data, node = load_yaml(read_text(path, "profile", MAX_PROFILE_BYTES), str(path))
    if not isinstance(data, dict):
        raise UserError("a profile must be a mapping", where=f"{path}:1")
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = " → ".join(str(p) for p in err["loc"])
        found = "" if err["type"] == "missing" else f" (found {shown(err['input'])})"
        raise UserError(
            f"{loc}: {err['msg'][:160]}{found}",
            where=f"{path}:{line_of(node, tuple(err['loc']))}",
        ) from None
    _check_relations(profile, path, node)
    return profile


def _check_relations(profile: Profile, path: Path, node: yaml.Node | None) -> None:
    """Readers parse the tables' relations: a bad one is the profile's error, named
    here at its line, not a crash in whichever reader meets it first."""
    for i, table in enumerate(profile.finance_tables):
        for j, relation in enumerate(table.relations):
            try:
                Formula.parse(relation)
            except ValueError as exc:
                loc = ("finance_tables", i, "relations", j)
                raise UserError(
                    f"{' → '.join(map(str, loc))}: {str(exc)[:160]}",
                    where=f"{path}:{line_of(node, loc)}",
                ) from None


@cache
def _profiles_in(directory: str) -> tuple[Profile, ...]:
    folder = Path(directory)
    if not folder.is_dir():
        return ()
    return tuple(load_profile(p) for p in sorted(folder.glob("*.yaml")))


def available_profiles(extra_dirs: tuple[str, ...] = ()) -> list[Profile]:
    """Built-in profiles plus those in ``extra_dirs`` (later ones override by name)."""
    by_name: dict[str, Profile] = {}
    for directory in (str(builtin_profile_dir()), *extra_dirs):
        for profile in _profiles_in(directory):
            by_name[profile.name] = profile
    return list(by_name.values())


def get_profile(name: str, extra_dirs: tuple[str, ...] = ()) -> Profile:
    for profile in available_profiles(extra_dirs):
        if profile.name == name:
            return profile
    names = ", ".join(sorted(p.name for p in available_profiles(extra_dirs)))
    raise UserError(f"unknown profile {name!r} (available: {names})")
