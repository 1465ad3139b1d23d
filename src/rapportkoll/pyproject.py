"""The ``[tool.rapportkoll]`` table of the nearest pyproject.toml, read as written.

Reading it needs no pydantic: the command line takes what reading reports needs from
it and starts the reading workers, then validates the whole table
(``rapportkoll.config``) while they read. Relative paths are relative to the folder
of that pyproject.toml; keys may be written with ``_`` or ``-``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapportkoll.model.errors import UserError
from rapportkoll.model.yamlfile import read_text

SECTION = "[tool.rapportkoll]"
# Settings read as paths relative to the pyproject.toml's folder (``profiles`` is
# left as written).
PATH_KEYS = ("paths", "checks", "expectations", "output_dir", "waivers")
# Defaults of the settings that reading reports needs (rapportkoll.config.Config's).
DEFAULT_JOBS = 0  # automatic: one more than the CPUs
DEFAULT_MAX_BYTES = 200_000_000
DEFAULT_MAX_LINES = 2_000_000


@dataclass(frozen=True)
class Table:
    """The table as written (``raw``), where it was read from and its text."""

    raw: dict[str, Any]
    root: Path
    source: Path | None = None
    text: str = ""

    def values(self) -> dict[str, Any]:
        """Keys with ``_`` for ``-``, relative paths resolved against ``root``."""
        return {
            key.replace("-", "_"): _resolve(key.replace("-", "_"), value, self.root)
            for key, value in self.raw.items()
        }

    def where(self, key: str) -> str:
        """``file:line`` of ``key`` (as written) inside the table, if found."""
        if self.source is None:
            return ""
        inside = False
        for number, line in enumerate(self.text.splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                inside = stripped.replace(" ", "") == SECTION
                continue
            if inside and re.match(rf"[\"']?{re.escape(key)}[\"']?\s*=", stripped):
                return f"{shown_path(self.source)}:{number}"
        return shown_path(self.source)


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` (a file or a folder)."""
    start = Path(start).resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def read_table(start: Path) -> Table:
    """The table of the nearest pyproject.toml; an empty one when there is none.
    Not valid TOML, or a ``rapportkoll`` that is not a table: UserError at its line."""
    path = find_pyproject(start)
    if path is None:
        folder = Path(start).resolve()
        return Table({}, folder if folder.is_dir() else folder.parent)
    text = read_text(path, "pyproject.toml")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = found.group(1) if found else len(text.splitlines()) or 1
        where = f"{shown_path(path)}:{line}"
        raise UserError(f"not valid TOML: {exc}", where=where) from None
    tool = doc.get("tool", {})
    section = tool.get("rapportkoll", {}) if isinstance(tool, dict) else {}
    if not isinstance(section, dict):
        lines = text.splitlines()
        line = next(
            (n for n, t in enumerate(lines, 1) if re.match(r"\s*rapportkoll\s*=", t)),
            None,
        )
        where = f"{shown_path(path)}:{line}" if line else shown_path(path)
        raise UserError(f"{SECTION} must be a table", where=where)
    return Table(section, path.parent, path, text)


def _resolve(key: str, value: Any, root: Path) -> Any:
    """Paths in pyproject.toml are relative to its folder, not the working folder."""
    if key not in PATH_KEYS:
        return value
    if isinstance(value, str):
        return root / value
    if isinstance(value, list):
        return [root / v if isinstance(v, str) else v for v in value]
    return value


def shown_path(path: Path) -> str:
    """The path as the user would type it: relative to the working folder if inside."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
