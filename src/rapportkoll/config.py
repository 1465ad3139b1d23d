"""Project settings from ``[tool.rapportkoll]`` in the nearest pyproject.toml.

Keys may be written with ``_`` or ``-`` (``fail_on`` = ``fail-on``). Relative paths are
relative to the folder of that pyproject.toml. Command-line flags win: the CLI calls
``config.merged(fail_on=..., formats=...)`` with the flags the user gave (None = not
given).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rapportkoll.findings import Severity
from rapportkoll.model.errors import UserError
from rapportkoll.model.yamlfile import read_text, shown

SECTION = "[tool.rapportkoll]"
PATH_KEYS = ("paths", "checks", "expectations", "profiles", "output_dir", "waivers")
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
    jobs: int = Field(default=0, ge=0, description="0 = automatic (CPUs + 1)")
    max_bytes: int = Field(default=200_000_000, ge=1)
    max_lines: int = Field(default=2_000_000, ge=1)
    root: Path = Field(default=Path("."), exclude=True)
    source: Path | None = Field(default=None, exclude=True)

    @field_validator("paths", "checks", "expectations", "output_dir", "waivers")
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


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` (a file or a folder)."""
    start = Path(start).resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def load_config(start: Path) -> Config:
    """Settings from the nearest pyproject.toml; defaults when there is none."""
    path = find_pyproject(start)
    if path is None:
        folder = Path(start).resolve()
        return Config(root=folder if folder.is_dir() else folder.parent)
    text = read_text(path, "pyproject.toml")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = found.group(1) if found else len(text.splitlines()) or 1
        where = f"{_shown(path)}:{line}"
        raise UserError(f"not valid TOML: {exc}", where=where) from None
    tool = doc.get("tool", {})
    section = tool.get("rapportkoll", {}) if isinstance(tool, dict) else {}
    if not isinstance(section, dict):
        lines = text.splitlines()
        line = next(
            (n for n, t in enumerate(lines, 1) if re.match(r"\s*rapportkoll\s*=", t)),
            None,
        )
        where = f"{_shown(path)}:{line}" if line else _shown(path)
        raise UserError(f"{SECTION} must be a table", where=where)
    return _from_section(section, path, text)


def _from_section(section: dict[str, Any], path: Path, text: str) -> Config:
    fields = [k for k in Config.model_fields if k not in ("root", "source")]
    data: dict[str, Any] = {}
    for raw_key, value in section.items():
        key = raw_key.replace("-", "_")
        if key not in fields:
            near = difflib.get_close_matches(key, fields, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise UserError(
                f"{SECTION} → {raw_key}: unknown key{hint}",
                where=_where(path, text, raw_key),
            )
        data[key] = _resolve(key, value, path.parent)
    try:
        return Config.model_validate({**data, "root": path.parent, "source": path})
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0])
        raw = next((k for k in section if k.replace("-", "_") == key), key)
        raise UserError(
            f"{SECTION} → {raw}: {err['msg']} (found {shown(section.get(raw))})",
            where=_where(path, text, raw),
        ) from None


def _resolve(key: str, value: Any, root: Path) -> Any:
    """Paths in pyproject.toml are relative to its folder, not the working folder."""
    if key not in PATH_KEYS or key == "profiles":
        return value
    if isinstance(value, str):
        return root / value
    if isinstance(value, list):
        return [root / v if isinstance(v, str) else v for v in value]
    return value


def _where(path: Path, text: str, key: str) -> str:
    """``file:line`` of ``key`` inside the [tool.rapportkoll] table, if found."""
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.replace(" ", "") == SECTION
            continue
        if inside and re.match(rf"[\"']?{re.escape(key)}[\"']?\s*=", stripped):
            return f"{_shown(path)}:{number}"
    return _shown(path)


def _shown(path: Path) -> str:
    """The path as the user would type it: relative to the working folder if inside."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
