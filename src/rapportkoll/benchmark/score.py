"""Recall and false alarms: findings of a run compared with the batch's manifest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapportkoll.benchmark.batch import Expected

ALARM_SEVERITIES = ("error", "warning")


@dataclass
class Score:
    """How many injected discrepancies were reported at their line with their code."""

    expected: int = 0
    found: int = 0
    flagged: int = 0  # some warning or error cites the line, with another code
    missed: list[Expected] = field(default_factory=list)
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [found, all]
    unexpected: Counter[str] = field(default_factory=Counter)  # code -> findings

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def line_recall(self) -> float:
        """Share whose line is cited by some alarm, whatever the code."""
        hits = self.found + self.flagged
        return hits / self.expected if self.expected else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "found": self.found,
            "recall": round(self.recall, 4),
            "flagged_other_code": self.flagged,
            "line_recall": round(self.line_recall, 4),
            "by_kind": {
                k: {"found": v[0], "expected": v[1]}
                for k, v in sorted(self.by_kind.items())
            },
            "unexpected_by_code": dict(sorted(self.unexpected.items())),
            "missed": [
                f"{m.file}:{m.line} {m.kind} ({'/'.join(m.codes)}) {m.note}"
                for m in self.missed[:50]
            ],
        }


def relative(file: str, root: Path) -> str:
    """A finding's file as the manifest names it (relative to the batch folder)."""
    path = Path(file)
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _cited(
    findings: Iterable[Mapping[str, Any]], root: Path
) -> dict[tuple[str, int], set[str]]:
    cited: dict[tuple[str, int], set[str]] = {}
    for f in findings:
        if f.get("severity") not in ALARM_SEVERITIES:
            continue
        file = relative(str(f.get("file", "")), root)
        for line in f.get("lines") or [f.get("line")]:
            if isinstance(line, int):
                cited.setdefault((file, line), set()).add(str(f.get("code")))
    return cited


def score(
    findings: Sequence[Mapping[str, Any]], expected: list[Expected], root: Path
) -> Score:
    """Match each injection to a finding of one of its codes citing its line."""
    cited = _cited(findings, root)
    result = Score(expected=len(expected))
    claimed: set[tuple[str, int]] = set()
    for e in expected:
        counts = result.by_kind.setdefault(e.kind, [0, 0])
        counts[1] += 1
        if cited.get((e.file, e.line), set()) & set(e.codes):
            result.found += 1
            counts[0] += 1
            claimed.add((e.file, e.line))
        else:
            if cited.get((e.file, e.line)):
                result.flagged += 1
            result.missed.append(e)
    for f in findings:
        if f.get("severity") not in ALARM_SEVERITIES:
            continue
        file = relative(str(f.get("file", "")), root)
        lines = f.get("lines") or [f.get("line")]
        if not any((file, line) in claimed for line in lines):
            result.unexpected[str(f.get("code"))] += 1
    return result


def false_alarms(findings: Sequence[Mapping[str, Any]]) -> Counter[str]:
    """Findings at warning or error on a clean batch, by rule code."""
    return Counter(
        str(f.get("code")) for f in findings if f.get("severity") in ALARM_SEVERITIES
    )


def as_mappings(findings: Iterable[Any]) -> list[dict[str, Any]]:
    """``Finding`` objects as the JSON reporter's mappings (what ``score`` reads)."""
    return [
        {
            "code": f.code,
            "severity": f.severity.value,
            "file": f.file,
            "lines": list(f.lines),
            "rule": f.rule,
            "message": f.message,
        }
        for f in findings
    ]
