"""Catalogues referenced by rules (e.g. indicator directions): YAML beside the rules."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from rapportkoll.model.errors import UserError
from rapportkoll.model.yamlfile import load_yaml, read_text


@cache
def load_catalogue(path: str) -> dict[str, Any]:
    """A YAML mapping; a bad file is a UserError naming it."""
    data, _ = load_yaml(read_text(Path(path), "catalogue"), path)
    if not isinstance(data, dict):
        raise UserError("a catalogue must be a mapping", where=f"{path}:1")
    return data
