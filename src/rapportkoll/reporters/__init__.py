"""Reporters: one module per output format, each ``render(RunReport) -> bytes``.

``FORMATS`` names every format with its file extension; modules are imported on first
use so a format's optional dependency (openpyxl for xlsx) costs nothing until asked for.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Final

from rapportkoll.atomicio import write_atomic
from rapportkoll.findings import RunReport
from rapportkoll.model.errors import UserError

__all__ = ["FORMATS", "Format", "render", "write_atomic"]


@dataclass(frozen=True)
class Format:
    """An output format: its name, the file name it is written to, its module."""

    name: str
    filename: str
    module: str
    binary: bool = False

    def render(self, report: RunReport, **options: Any) -> bytes:
        module = importlib.import_module(f"rapportkoll.reporters.{self.module}")
        data: bytes = module.render(report, **options)
        return data


FORMATS: Final[dict[str, Format]] = {
    f.name: f
    for f in [
        Format("text", "rapportkoll.txt", "text"),
        Format("json", "rapportkoll.json", "json"),
        Format("markdown", "rapportkoll.md", "markdown"),
        Format("html", "rapportkoll.html", "html"),
        Format("junit", "rapportkoll-junit.xml", "junit"),
        Format("sarif", "rapportkoll.sarif", "sarif"),
        Format("xlsx", "rapportkoll.xlsx", "xlsx", binary=True),
    ]
}


def render(report: RunReport, fmt: str, **options: Any) -> bytes:
    """``report`` rendered in format ``fmt`` (a key of ``FORMATS``) as bytes."""
    try:
        spec = FORMATS[fmt]
    except KeyError:
        known = ", ".join(FORMATS)
        raise UserError(f"unknown format {fmt!r} (known: {known})") from None
    return spec.render(report, **options)
