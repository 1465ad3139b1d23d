"""One self-contained HTML file per run: summaries, charts, findings with source."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from rapportkoll import __version__
from rapportkoll.findings import Finding, Outcome, RuleResult, RunReport, Severity
from rapportkoll.reporters import svg
from rapportkoll.reporters.i18n import (
    LABELS,
    format_number,
    label,
    lang_of,
    severity_label,
)

CONTEXT = 2  # source lines shown around each cited line
MAX_SPAN = 30  # cited lines closer than this are shown as one continuous excerpt
SEVERITIES = sorted(Severity, key=lambda s: -s.rank)


@dataclass(frozen=True)
class SourceLine:
    number: int | None  # None marks a gap
    html: Markup | None = None
    involved: bool = False


@dataclass
class FindingView:
    finding: Finding
    anchor: str
    title: str
    explanation: str
    numbers: list[tuple[str, str]]
    source: list[SourceLine]
    chart: Markup | None


@dataclass
class ReportView:
    name: str
    meta: list[str]
    counts: dict[str, int]
    waived: int
    areas: list[tuple[str, dict[str, int]]]
    outcomes: dict[str, list[tuple[str, str, str]]]
    charts: list[tuple[str, Markup]] = field(default_factory=list)


def render(report: RunReport) -> bytes:
    return render_html(report).encode("utf-8")


def render_html(report: RunReport) -> str:
    env = Environment(
        loader=PackageLoader("rapportkoll.reporters", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    lang = lang_of(report.lang)
    findings = sorted(report.findings, key=Finding.sort_key)
    return env.get_template("report.html.j2").render(
        lang=lang,
        t=lambda key, **kw: label(lang, key, **kw),
        sev=lambda s: severity_label(lang, s),
        area=lambda a: label(lang, f"area.{a}") if f"area.{a}" in LABELS[lang] else a,
        version=__version__,
        severities=SEVERITIES,
        summary=report.summary(),
        headline=", ".join(
            f"{report.count(s)} {severity_label(lang, s, plural=report.count(s) != 1)}"
            for s in SEVERITIES
        ),
        active_counts={s.value: report.count(s) for s in SEVERITIES},
        reports=_report_views(report, lang),
        findings=[_finding_view(f, i, report, lang) for i, f in enumerate(findings)],
        rule_ids=sorted({f.rule for f in findings}),
        report_names=sorted({f.report for f in findings}),
    )


# --- summaries ------------------------------------------------------------------


def _report_views(report: RunReport, lang: str) -> list[ReportView]:
    """One view per report; findings and results are grouped by report once (a
    scan of all of them per report grew with the square of a batch's size)."""
    meta = {str(r.get("report", "")): r for r in report.reports}
    findings: dict[str, list[Finding]] = {name: [] for name in meta}
    for f in report.findings:
        findings.setdefault(f.report, []).append(f)
    results: dict[str, list[RuleResult]] = {name: [] for name in findings}
    for r in sorted(report.results, key=lambda r: r.rule):
        results.setdefault(r.report, []).append(r)
        findings.setdefault(r.report, [])
    return [
        _report_view(name, meta.get(name, {}), findings[name], results[name], lang)
        for name in sorted(findings)
    ]


def _meta_line(meta: dict[str, Any]) -> list[str]:
    """What a reader wants to see of a report, in reading order."""
    start, end = meta.get("period_start"), meta.get("period_end")
    period = f"{start or '…'} – {end}" if end else None
    parts = [
        meta.get("title"),
        meta.get("organisation"),
        meta.get("doc_type"),
        period,
        meta.get("unit"),
        meta.get("file"),
        meta.get("profile"),
    ]
    return [str(p) for p in parts if p not in (None, "")]


def _report_view(
    name: str,
    meta: dict[str, Any],
    own: list[Finding],
    results: list[RuleResult],
    lang: str,
) -> ReportView:
    active = [f for f in own if not f.waived]
    areas: dict[str, dict[str, int]] = {}
    for f in own:
        row = areas.setdefault(f.area, {s.value: 0 for s in SEVERITIES} | {"waived": 0})
        row["waived" if f.waived else f.severity.value] += 1
    outcomes: dict[str, list[tuple[str, str, str]]] = {o.value: [] for o in Outcome}
    for r in results:
        outcomes[r.outcome.value].append((r.code, r.title, r.error or ""))
    counts = Counter(f.severity.value for f in active)
    return ReportView(
        name=name,
        meta=_meta_line(meta),
        counts={s.value: counts.get(s.value, 0) for s in SEVERITIES},
        waived=len(own) - len(active),
        areas=sorted(areas.items()),
        outcomes=outcomes,
        charts=_table_charts(own, lang),
    )


def _table_charts(findings: list[Finding], lang: str) -> list[tuple[str, Markup]]:
    """Per finance table: reported vs expected bars of each discrepant cell."""
    tables: dict[str, list[svg.Bar]] = {}
    for f in findings:
        pair = _pair(f)
        if f.area == "finance" and f.table and pair:
            bar = svg.Bar(_row_label(f), *pair, waived=f.waived)
            tables.setdefault(f.table, []).append(bar)
    return [
        (table, svg.bars(rows, lang, title=table))
        for table, rows in sorted(tables.items())
    ]


def _row_label(f: Finding) -> str:
    return " · ".join(f.labels) if f.labels else f.code


def _pair(f: Finding) -> tuple[float, float] | None:
    """Expected and reported as numbers, when both are numbers."""
    e, r = f.expected, f.reported
    if isinstance(e, int | float) and isinstance(r, int | float):
        return float(e), float(r)
    return None


# --- findings -------------------------------------------------------------------


def _finding_view(f: Finding, index: int, report: RunReport, lang: str) -> FindingView:
    info = report.rules.get(f.rule)
    numbers = [
        (label(lang, key), format_number(getattr(f, key), lang))
        for key in ("expected", "reported", "difference", "tolerance")
        if getattr(f, key) is not None
    ]
    return FindingView(
        finding=f,
        anchor=f"f{index + 1}-{f.fingerprint}",
        title=info.title if info else f.rule,
        explanation=info.explanation if info else "",
        numbers=numbers,
        source=_source(f, report.excerpts.get(f.file, {})),
        chart=_chart(f, info.kind if info else "", lang),
    )


def _chart(f: Finding, kind: str, lang: str) -> Markup | None:
    pair = _pair(f)
    if pair is None:
        return None
    expected, reported = pair
    if kind == "count-matches-listing":
        return svg.count_tiles(expected, reported, lang)
    bar = svg.Bar(_row_label(f), expected, reported, f.waived)
    return svg.bars([bar], lang, title=_row_label(f), labels=False)


def _source(f: Finding, excerpt: dict[int, str]) -> list[SourceLine]:
    """The cited lines with context; gaps where lines are left out."""
    cited = set(f.lines)
    if not cited or not excerpt:
        return []
    if max(cited) - min(cited) <= MAX_SPAN:
        wanted = set(range(min(cited) - CONTEXT, max(cited) + CONTEXT + 1))
    else:
        wanted = {n + d for n in cited for d in range(-CONTEXT, CONTEXT + 1)}
    shown = sorted(n for n in wanted & set(excerpt) if excerpt[n].strip() or n in cited)
    patterns = _number_patterns(f)
    out: list[SourceLine] = []
    for n in shown:
        if out and _gap(out[-1].number, n, excerpt):
            out.append(SourceLine(None))
        involved = n in cited
        text = (
            _highlight(excerpt[n], patterns) if involved else Markup(escape(excerpt[n]))
        )
        out.append(SourceLine(n, text, involved))
    return out


def _gap(previous: int | None, current: int, excerpt: dict[int, str]) -> bool:
    if previous is None:
        return False
    between = range(previous + 1, current)
    return any(n not in excerpt or excerpt[n].strip() for n in between)


def _number_patterns(f: Finding) -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for css, value in (("rep", f.reported), ("exp", f.expected)):
        if isinstance(value, int | float):
            out.append((css, re.compile(_printed_number(float(value)))))
    return out


def _printed_number(value: float) -> str:
    """A regex for ``value`` as a report might print it: ``-90 422``, ``−1,5``."""
    whole, _, decimals = f"{abs(value):.10f}".rstrip("0").rstrip(".").partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    body = r"[ \u00a0\u202f]?".join(groups)
    if decimals:
        body += "[,.]" + decimals
    sign = "[-−–]" if value < 0 else "[+]?"
    return rf"(?<![\d,.]){sign}{body}(?![\d]|[,.]\d)"


def _highlight(text: str, patterns: list[tuple[str, re.Pattern[str]]]) -> Markup:
    spans: list[tuple[int, int, str]] = []
    for css, pattern in patterns:
        for m in pattern.finditer(text):
            if all(m.end() <= s or m.start() >= e for s, e, _ in spans):
                spans.append((m.start(), m.end(), css))
    out, pos = [], 0
    for start, end, css in sorted(spans):
        out.append(escape(text[pos:start]))
        out.append(f'<mark class="{css}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return Markup("".join(out))
