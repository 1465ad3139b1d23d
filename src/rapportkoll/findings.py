"""Findings, outcomes and the run report: what rules produce and reporters consume."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from typing import Any


class Severity(str, Enum):
    """How much a finding matters; ordered info < warning < error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class Outcome(str, Enum):
    """What one rule concluded for one report."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


def fingerprint_of(*parts: object) -> str:
    """A stable id from rule, report and labels: survives edits that move lines."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def record(obj: Any) -> dict[str, Any]:
    """A flat dataclass's fields as a dict, without ``asdict``'s deep copy.

    Findings, results and rule infos hold only scalars and tuples, so a shallow
    copy is enough, and ~10x cheaper on the 600,000 results of a national batch.
    """
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


@dataclass(frozen=True, slots=True)
class Finding:
    """One discrepancy, with the numbers and every line of every value involved."""

    rule: str
    code: str
    severity: Severity
    message: str
    file: str
    lines: tuple[int, ...]
    report: str
    table: str | None = None
    hint: str | None = None
    expected: float | str | None = None
    reported: float | str | None = None
    difference: float | None = None
    tolerance: float | None = None
    labels: tuple[str, ...] = ()
    area: str = "other"
    sheet: str | None = None
    waiver: str | None = None
    fingerprint: str = ""

    def __post_init__(self) -> None:
        if not self.fingerprint:
            object.__setattr__(
                self,
                "fingerprint",
                fingerprint_of(self.rule, self.report, self.table, *self.labels),
            )

    @property
    def line(self) -> int:
        return self.lines[0] if self.lines else 0

    @property
    def waived(self) -> bool:
        return self.waiver is not None

    def sort_key(self) -> tuple[Any, ...]:
        return (self.file, self.line, -self.severity.rank, self.rule, self.fingerprint)

    def with_waiver(self, reason: str) -> Finding:
        return replace(self, waiver=reason)

    def to_dict(self) -> dict[str, Any]:
        data = record(self)
        data["severity"] = self.severity.value
        data["lines"] = list(self.lines)
        data["labels"] = list(self.labels)
        data["waived"] = self.waived
        return data


@dataclass(frozen=True, slots=True)
class RuleResult:
    """The outcome of one rule on one report (the unit JUnit and pytest report on)."""

    rule: str
    code: str
    kind: str
    title: str
    report: str
    outcome: Outcome
    checked: int = 0
    findings: int = 0
    area: str = "other"
    error: str | None = None


@dataclass(frozen=True)
class RuleInfo:
    """What a reporter needs to know of a rule: its title, explanation and hint."""

    id: str
    code: str
    kind: str
    severity: Severity
    title: str
    explanation: str
    area: str


@dataclass
class RunReport:
    """Everything one run produced; reporters render it and recompute nothing."""

    findings: list[Finding] = field(default_factory=list)
    results: list[RuleResult] = field(default_factory=list)
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    reports: list[dict[str, Any]] = field(default_factory=list)
    excerpts: dict[str, dict[int, str]] = field(default_factory=dict)
    lang: str = "sv"
    timings: dict[str, float] = field(default_factory=dict)

    def sort(self) -> None:
        self.findings.sort(key=Finding.sort_key)
        self.results.sort(key=lambda r: (r.report, r.rule))

    def active(self) -> list[Finding]:
        """Findings not accepted by a waiver: what the gate looks at."""
        return [f for f in self.findings if not f.waived]

    def count(self, severity: Severity, *, waived: bool = False) -> int:
        return sum(
            1 for f in self.findings if f.severity is severity and f.waived == waived
        )

    def summary(self) -> dict[str, Any]:
        # Counted by the enum members themselves (C speed), named once per outcome:
        # a national run has ~600,000 results.
        counted = Counter(r.outcome for r in self.results)
        outcomes = {o.value: counted[o] for o in Outcome}
        return {
            "reports": len(self.reports),
            "rules": len(self.rules),
            "findings": len(self.findings),
            "by_severity": {s.value: self.count(s) for s in Severity},
            "waived": sum(1 for f in self.findings if f.waived),
            "outcomes": outcomes,
        }

    def fails(self, threshold: Severity) -> bool:
        return any(f.severity.rank >= threshold.rank for f in self.active())

    def flatten(self, keys: list[str]) -> list[list[Any]]:
        """Compact assertion helper: ``report.flatten(["rule", "line"])``."""
        rows = []
        for f in self.findings:
            d = f.to_dict()
            d["line"] = f.line
            rows.append([d[k] for k in keys])
        return rows
