"""Terminal summary grouped per file, ruff-style: ``file:line  CODE rule  message``."""

from __future__ import annotations

import os
from itertools import groupby
from typing import TextIO

from rapportkoll.findings import Finding, Outcome, RunReport, Severity
from rapportkoll.reporters.i18n import label, severity_label

_COLORS = {
    Severity.ERROR: "\x1b[31m",
    Severity.WARNING: "\x1b[33m",
    Severity.INFO: "\x1b[36m",
}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def render_text(report: RunReport, *, color: bool = False, quiet: bool = False) -> str:
    """The whole terminal output as a string; ``quiet`` keeps only the summary line."""
    if quiet:
        return summary_line(report, color=color) + "\n"
    findings = sorted(report.findings, key=Finding.sort_key)
    blocks = [
        _file_block(file, list(group), report.lang, color)
        for file, group in groupby(findings, key=lambda f: f.file)
    ]
    if not blocks:
        blocks = [label(report.lang, "no_findings")]
    return "\n\n".join([*blocks, summary_line(report, color=color)]) + "\n"


def render(report: RunReport) -> bytes:
    """Plain text (no colour) as UTF-8, for files and the format registry."""
    return render_text(report).encode("utf-8")


def write_text(report: RunReport, stream: TextIO, *, quiet: bool = False) -> None:
    """Print to ``stream``, in colour when it is a terminal and NO_COLOR is unset."""
    stream.write(render_text(report, color=use_color(stream), quiet=quiet))


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def _file_block(file: str, findings: list[Finding], lang: str, color: bool) -> str:
    width = max(len(f"{file}:{f.line}") for f in findings)
    lines: list[str] = []
    for finding in findings:
        lines.extend(_finding_lines(finding, width, lang, color))
    return "\n".join(lines)


def _finding_lines(finding: Finding, width: int, lang: str, color: bool) -> list[str]:
    where = f"{finding.file}:{finding.line}".ljust(width)
    code = _paint(finding.code, _COLORS[finding.severity], color)
    head = f"{where}  {code} {finding.rule}  {finding.message}"
    out = [_paint(head, _DIM, color) if finding.waived else head]
    indent = " " * (width + 2)
    if finding.waived:
        out.append(f"{indent}{label(lang, 'waiver')}: {finding.waiver}")
    elif finding.hint:
        out.append(f"{indent}{label(lang, 'hint')}: {finding.hint}")
    return out


def summary_line(report: RunReport, *, color: bool = False) -> str:
    """Counts per severity (active findings), waived, and rule outcomes on one line."""
    lang = report.lang
    summary = report.summary()  # one pass over a batch's results and findings
    counts = []
    for severity in sorted(Severity, key=lambda s: -s.rank):
        n = summary["by_severity"][severity.value]
        text = f"{n} {severity_label(lang, severity, plural=n != 1)}"
        counts.append(_paint(text, _COLORS[severity], color and n > 0))
    waived = summary["waived"]
    outcomes = summary["outcomes"]
    rules = ", ".join(
        f"{outcomes[o.value]} {label(lang, _outcome_key(o))}" for o in Outcome
    )
    return (
        f"{', '.join(counts)} · {waived} "
        f"{label(lang, 'waived_one' if waived == 1 else 'waived')} · "
        f"{label(lang, 'rules')}: {rules}"
    )


def _outcome_key(outcome: Outcome) -> str:
    return "rule_error" if outcome is Outcome.ERROR else outcome.value
