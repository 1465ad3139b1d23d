"""What a run needs to know, kept apart from the engine so that the command line can
start reading reports before it imports pandas and the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rapportkoll.ingest.discover import ReadOptions
from rapportkoll.ingest.source import Limits


class CheckConfig(Protocol):
    """What a run needs to know (``rapportkoll.config.Config`` provides it)."""

    paths: list[str]
    checks: list[str]
    expectations: list[str]
    profile: str | None
    profiles: list[str]
    lang: str
    jobs: int
    max_bytes: int
    max_lines: int


@dataclass
class CheckOptions:
    """Plain options for a run; the CLI and the pytest plugin build one."""

    paths: list[str] = field(default_factory=lambda: ["data"])
    checks: list[str] = field(default_factory=lambda: ["checks"])
    expectations: list[str] = field(default_factory=lambda: ["expectations"])
    profile: str | None = None
    profiles: list[str] = field(default_factory=lambda: ["profiles"])
    lang: str = "sv"
    jobs: int = 1
    max_bytes: int = Limits().max_bytes
    max_lines: int = Limits().max_lines


def read_options(config: CheckConfig) -> ReadOptions:
    """How the reports of ``config`` are read."""
    return ReadOptions(
        profile=config.profile,
        profile_dirs=tuple(p for p in config.profiles if Path(p).is_dir()),
        limits=Limits(max_bytes=config.max_bytes, max_lines=config.max_lines),
        jobs=config.jobs,
    )


def report_paths(config: CheckConfig) -> list[Path]:
    return [Path(p) for p in config.paths]
