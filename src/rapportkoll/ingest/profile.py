"""Layout profiles: what is specific to a report template, declared in YAML.

A profile names the template's section headings, table headers and the canonical
column each maps to, the vocabularies of statuses, prognoses, assessments and trends
(canonical value -> spellings), sign conventions and the amount unit. Adding a
municipality's template means adding a profile file, not Python.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar

from rapportkoll.model.errors import UserError
from rapportkoll.model.formula import Formula
from rapportkoll.model.yamlfile import line_of, load_yaml, read_text, shown

if TYPE_CHECKING:
    import yaml

MAX_PROFILE_BYTES = 2 * 1024 * 1024

# Profiles are plain frozen dataclasses, so that reading a report needs neither
# pydantic nor its import time (~0.2 s): pydantic validates a profile file against
# these same classes (``load_profile``, ``check_profiles``), once per run in the
# process that starts the readers.
_STRICT: Final = {"extra": "forbid"}


@dataclass(frozen=True)
class FinanceTable:
    """A financial table: how to find it and what its numeric columns mean.

    ``heading``: line texts that start the table; ``columns``: canonical column
    names, left to right; ``total_rows``: labels of total rows; ``varav_rows``:
    'of which' rows; ``relations``: row formulas that hold in this table, e.g.
    'avvikelse_period = utfall_period - budget_period' (used to resolve ambiguous
    digit grouping, and checked by rules); ``end``: line texts that end it.
    """

    __pydantic_config__: ClassVar[dict[str, str]] = _STRICT

    name: str
    heading: list[str]
    columns: list[str]
    total_rows: list[str] = field(default_factory=list)
    varav_rows: list[str] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)
    unit: str = "tkr"
    end: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Profile:
    """One report template (e.g. Stratsys as used by Norrtälje kommun).

    ``detect``: phrases whose presence selects this profile (normalised match);
    ``doc_types``: doc type -> title phrases; ``vocabularies``: field -> canonical
    value -> spellings (status, prognos, bedomning, trend, kind, level);
    ``indicator_columns``: canonical column -> header spellings;
    ``claim_subjects``: measure -> phrases that bind a prose amount to a table
    fact; ``extra``: reader-specific settings (e.g. ocr).
    """

    __pydantic_config__: ClassVar[dict[str, str]] = _STRICT

    name: str
    description: str = ""
    detect: list[str] = field(default_factory=list)
    organisation_patterns: list[str] = field(default_factory=list)
    doc_types: dict[str, list[str]] = field(default_factory=dict)
    period_patterns: list[str] = field(default_factory=list)
    amount_unit: str = "tkr"
    vocabularies: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    headings: dict[str, list[str]] = field(default_factory=dict)
    indicator_columns: dict[str, list[str]] = field(default_factory=dict)
    finance_tables: list[FinanceTable] = field(default_factory=list)
    claim_subjects: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def builtin_profile_dir() -> Path:
    return Path(str(resources.files("rapportkoll") / "profiles"))


def _parsed(path: Path) -> tuple[Any, yaml.Node | None]:
    """A profile file's data and its YAML node tree (for lines in errors)."""
    data, node = load_yaml(read_text(path, "profile", MAX_PROFILE_BYTES), str(path))
    if not isinstance(data, dict):
        raise UserError("a profile must be a mapping", where=f"{path}:1")
    return data, node


def load_profile(path: Path) -> Profile:
    """Load one profile file, validated; a bad file is a UserError naming file:line
    and key."""
    from pydantic import TypeAdapter, ValidationError

    data, node = _parsed(path)
    try:
        profile = TypeAdapter(Profile).validate_python(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = " → ".join(str(p) for p in err["loc"])
        missing = err["type"] in ("missing", "missing_argument")
        found = "" if missing else f" (found {shown(err['input'])})"
        raise UserError(
            f"{loc}: {err['msg'][:160]}{found}",
            where=f"{path}:{line_of(node, tuple(err['loc']))}",
        ) from None
    _check_relations(profile, path, node)
    return profile


def _trusted(path: Path) -> Profile:
    """A profile file read without validation (no pydantic): for files that
    ``check_profiles`` checks in the process that starts the readers. A file it
    rejects ends the run, so a reader never reports on a bad profile."""
    data, _ = _parsed(path)
    tables = [FinanceTable(**t) for t in data.get("finance_tables", [])]
    return Profile(**{**data, "finance_tables": tables})


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


_LOADED: dict[str, tuple[Profile, ...]] = {}
"""The profiles of each folder, once per process (validated ones if checked)."""
_CHECKED: set[str] = set()


def _profile_files(directory: str) -> list[Path]:
    folder = Path(directory)
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def _profiles_in(directory: str) -> tuple[Profile, ...]:
    if directory not in _LOADED:
        _LOADED[directory] = tuple(map(_trusted, _profile_files(directory)))
    return _LOADED[directory]


def check_profiles(extra_dirs: tuple[str, ...] = ()) -> None:
    """Validate every profile file (built-in and in ``extra_dirs``) with pydantic: a
    bad one is a UserError naming file:line. Each folder is checked once per process
    and its validated profiles are the ones ``available_profiles`` then gives."""
    for directory in (str(builtin_profile_dir()), *extra_dirs):
        if directory not in _CHECKED:
            _LOADED[directory] = tuple(map(load_profile, _profile_files(directory)))
            _CHECKED.add(directory)


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


P = TypeVar("P")
T = TypeVar("T")
MAX_PROFILES = 16


def per_profile(build: Callable[[P], T]) -> Callable[[P], T]:
    """``build(profile)`` memoised per profile object: folded spellings and compiled
    patterns are made once per profile, not once per report.

    Profiles are frozen but hold dicts (not hashable), so the cache is keyed on the
    object's identity and keeps the object alive (its id cannot be reused while the
    entry lives). Profiles are loaded once per run, so the cache stays small; it is
    emptied if it ever holds more than MAX_PROFILES.
    """
    cache: dict[int, tuple[P, T]] = {}

    @functools.wraps(build)
    def cached(profile: P) -> T:
        hit = cache.get(id(profile))
        if hit is not None and hit[0] is profile:
            return hit[1]
        if len(cache) >= MAX_PROFILES:
            cache.clear()
        value = build(profile)
        cache[id(profile)] = (profile, value)
        return value

    return cached
