"""Catalogues referenced by rules (e.g. indicator directions), YAML next to the rules."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rapportkoll.model.errors import UserError


@cache
def load_catalogue(path: str) -> dict[str, Any]:
    """A YAML mapping; a bad file is a UserError naming it."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"cannot read catalogue: {exc.strerror}", where=path) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        raise UserError(f"invalid YAML: {exc}", where=where) from None
    if not isinstance(data, dict):
        raise UserError("a catalogue must be a mapping", where=path)
    return data
