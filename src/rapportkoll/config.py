"""Project settings from ``[tool.rapportkoll]`` of the nearest pyproject.toml, checked.

Keys may be written with ``_`` or ``-`` (``fail_on`` = ``fail-on``). Relative paths are
relative to the folder of that pyproject.toml (``rapportkoll.pyproject`` reads the
table). Command-line flags win: the CLI calls ``config.merged(fail_on=...,
formats=...)`` with the flags the user gave (None = not given).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rapportkoll.findings import Severity
from rapportkoll.model.errors import UserError
from rapportkoll.model.yamlfile import shown
from rapportkoll.pyproject import (
    DEFAULT_JOBS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_LINES,
    PATH_KEYS,
    SECTION,
    Table,
    read_table,
)

KNOWN_FORMATS = ("text", "json", "markdown", "html", "junit", "sarif", "xlsx")


class Config(BaseModel):
    """Settings for one run; frozen, so every part of a run sees the same values."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    paths: tuple[Path, ...] = ()
    checks: tuple[Path, ...] = ()
    expectations: tuple[Path, ...] = ()
    profiles: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    formats: tuple[str, ...] = ("text",)
    output_dir: Path | None = None
    lang: Literal["sv", "en"] = "sv"
    waivers: Path | None = None
    jobs: int = Field(default=DEFAULT_JOBS, ge=0, description="0 = automatic")
    max_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=1)
    max_lines: int = Field(default=DEFAULT_MAX_LINES, ge=1)
    root: Path = Field(default=Path("."), exclude=True)
    source: Path | None = Field(default=None, exclude=True)

    @field_validator(*PATH_KEYS)
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if any(
            "\x00" in str(v) for v in (value if isinstance(value, tuple) else [value])
        ):
            raise ValueError("a path cannot contain a NUL character")
        return value

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [f for f in value if f not in KNOWN_FORMATS]
        if unknown:
            raise ValueError(
                f"unknown format {unknown[0]!r} (known: {', '.join(KNOWN_FORMATS)})"
            )
        return value

    def merged(self, **overrides: Any) -> Config:
        """A copy with ``overrides`` applied, validated; ``None`` means not given."""
        unknown = sorted(set(overrides) - set(type(self).model_fields))
        if unknown:
            raise TypeError(f"Config has no setting {unknown[0]!r}")
        given = {k: v for k, v in overrides.items() if v is not None}
        data = {**self.model_dump(), "root": self.root, "source": self.source, **given}
        try:
            return type(self).model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            key = str(err["loc"][0]) if err["loc"] else "?"
            raise UserError(
                f"{key}: {err['msg']} (found {shown(err.get('input'))})"
            ) from None


def load_config(start: Path) -> Config:
    """Settings from the nearest pyproject.toml; defaults when there is none."""
    return config_of(read_table(start))


def config_of(table: Table) -> Config:
    """The validated settings of ``table``; UserError at the line of a bad key."""
    if table.source is None:
        return Config(root=table.root)
    fields = [k for k in Config.model_fields if k not in ("root", "source")]
    for raw_key in table.raw:
        key = raw_key.replace("-", "_")
        if key not in fields:
            near = difflib.get_close_matches(key, fields, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise UserError(
                f"{SECTION} → {raw_key}: unknown key{hint}", where=table.where(raw_key)
            )
    try:
        return Config.model_validate(
            {**table.values(), "root": table.root, "source": table.source}
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0])
        raw = next((k for k in table.raw if k.replace("-", "_") == key), key)
        raise UserError(
            f"{SECTION} → {raw}: {err['msg']} (found {shown(table.raw.get(raw))})",
            where=table.where(raw),
        ) from None
