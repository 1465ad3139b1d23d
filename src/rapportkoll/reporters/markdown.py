"""A pull-request comment: counts, findings per severity with links, waived apart."""

from __future__ import annotations

from rapportkoll.findings import Finding, Outcome, RunReport, Severity
from rapportkoll.reporters.i18n import label, outcome_label, severity_label

MAX_PER_SEVERITY = 20


def render_markdown(
    report: RunReport,
    *,
    link_base: str | None = None,
    max_items: int = MAX_PER_SEVERITY,
) -> str:
    """Markdown text; ``link_base`` (e.g. a blob URL ending in ``/``) prefixes links."""
    lang = report.lang
    parts = [_heading(report), _counts_table(report), _outcomes_line(report)]
    active = sorted(report.active(), key=Finding.sort_key)
    for severity in sorted(Severity, key=lambda s: -s.rank):
        group = [f for f in active if f.severity is severity]
        if group:
            title = f"### {severity_label(lang, severity).capitalize()} ({len(group)})"
            parts.append(title + "\n\n" + _items(group, lang, link_base, max_items))
    waived = sorted((f for f in report.findings if f.waived), key=Finding.sort_key)
    if waived:
        title = f"### {label(lang, 'waived_heading')} ({len(waived)})"
        parts.append(title + "\n\n" + _items(waived, lang, link_base, max_items))
    if not report.findings:
        parts.append(label(lang, "no_findings"))
    return "\n\n".join(parts) + "\n"


def render(report: RunReport) -> bytes:
    return render_markdown(report).encode("utf-8")


def _heading(report: RunReport) -> str:
    lang = report.lang
    counts = ", ".join(
        f"{report.count(s)} {severity_label(lang, s, plural=report.count(s) != 1)}"
        for s in sorted(Severity, key=lambda s: -s.rank)
    )
    mark = "❌" if report.fails(Severity.ERROR) else "✅"
    return f"## {mark} rapportkoll: {counts}"


def _counts_table(report: RunReport) -> str:
    lang = report.lang
    rows = [
        f"| {label(lang, 'severity')} | {label(lang, 'active')} "
        f"| {label(lang, 'waived').capitalize()} |",
        "|---|---:|---:|",
    ]
    for severity in sorted(Severity, key=lambda s: -s.rank):
        rows.append(
            f"| {severity_label(lang, severity).capitalize()} "
            f"| {report.count(severity)} | {report.count(severity, waived=True)} |"
        )
    return "\n".join(rows)


def _outcomes_line(report: RunReport) -> str:
    outcomes = report.summary()["outcomes"]
    text = " · ".join(
        f"{outcome_label(report.lang, o)}: {outcomes[o.value]}" for o in Outcome
    )
    rules = label(report.lang, "rules").capitalize()
    return f"**{rules}** ({len(report.results)}): {text}"


def _items(findings: list[Finding], lang: str, base: str | None, cap: int) -> str:
    lines = [_item(f, lang, base) for f in findings[:cap]]
    if len(findings) > cap:
        lines.append(f"- {label(lang, 'more', n=len(findings) - cap)}")
    return "\n".join(lines)


def _item(finding: Finding, lang: str, base: str | None) -> str:
    where = f"{finding.file}:{finding.line}"
    target = f"{base or ''}{finding.file}#L{finding.line}"
    text = (
        f"- [`{where}`]({target}) **{finding.code}** `{finding.rule}` — "
        f"{_escape(finding.message)}"
    )
    if finding.waived:
        text += f"  \n  _{label(lang, 'waiver')}: {_escape(finding.waiver or '')}_"
    elif finding.hint:
        text += f"  \n  _{label(lang, 'hint')}: {_escape(finding.hint)}_"
    return text


def _escape(text: str) -> str:
    """Keep report text from turning into Markdown markup or HTML in the comment."""
    for char in "\\`*_[]<>|":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")
