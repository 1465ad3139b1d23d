"""One self-contained HTML file per run: summaries, charts, findings with source.

The page is written by the small functions below, not by a template engine: a run
is cold, so importing and compiling a template cost more than one report's page
(~150 ms), and a national batch's page (thousands of reports and findings) is a
few string joins. The style sheet and the script are static files next to this
module (``static/``), put inline so the page needs nothing else.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from rapportkoll import __version__
from rapportkoll.findings import (
    Finding,
    Outcome,
    RuleInfo,
    RuleResult,
    RunReport,
    Severity,
)
from rapportkoll.reporters import svg
from rapportkoll.reporters.i18n import (
    LABELS,
    format_number,
    label,
    lang_of,
    outcome_label,
    severity_label,
)

CONTEXT = 2  # source lines shown around each cited line
MAX_SPAN = 30  # cited lines closer than this are shown as one continuous excerpt
SEVERITIES = sorted(Severity, key=lambda s: -s.rank)
STATIC = Path(__file__).parent / "static"
# Outcomes in the order a report's section lists them, with their pill's class.
OUTCOME_PILLS = (
    (Outcome.FAIL, "fail"),
    (Outcome.ERROR, "outcome-error"),
    (Outcome.PASS, "pass"),
    (Outcome.NOT_APPLICABLE, "not_applicable"),
)


def render(report: RunReport) -> bytes:
    return render_html(report).encode("utf-8")


def render_html(report: RunReport) -> str:
    """The whole page; every value from the run is escaped where it is written."""
    lang = lang_of(report.lang)
    findings = sorted(report.findings, key=Finding.sort_key)
    summary = report.summary()  # one pass over a batch's results, not one per use
    parts = [
        _head(summary, lang),
        _top(summary, lang),
        "<main>\n",
        _totals(summary, lang),
        f"\n<h2>{escape(label(lang, 'reports'))}</h2>\n",
        *_report_sections(report, lang),
        f"\n<h2>{escape(label(lang, 'findings').capitalize())}</h2>\n",
        _filters(findings, lang),
        *(_article(f, i, report, lang) for i, f in enumerate(findings)),
        f"<footer>{escape(label(lang, 'generated_by'))} {escape(__version__)}"
        "</footer>\n</main>\n",
        f"<script>\n{_static('report.js')}</script>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def _static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def _sev(lang: str, severity: Severity) -> str:
    return escape(severity_label(lang, severity))


def _head(summary: dict[str, Any], lang: str) -> str:
    counts = summary["by_severity"]
    headline = ", ".join(
        f"{counts[s]} {severity_label(lang, s, plural=counts[s] != 1)}"
        for s in SEVERITIES
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="rapportkoll {escape(__version__)}">\n'
        f"<title>{escape(label(lang, 'title'))}: {escape(headline)}</title>\n"
        f"<style>\n{_static('report.css')}</style>\n</head>\n<body>\n"
    )


def _top(summary: dict[str, Any], lang: str) -> str:
    counts = (
        f"{summary['reports']} {escape(label(lang, 'reports').lower())} · "
        f"{summary['rules']} {escape(label(lang, 'rules'))} · "
        f"{summary['findings']} {escape(label(lang, 'findings'))}"
    )
    return (
        f'<header class="top">\n  <h1>{escape(label(lang, "title"))}</h1>\n'
        f"  <p>{counts}</p>\n</header>\n"
    )


def _totals(summary: dict[str, Any], lang: str) -> str:
    """The run's tiles: active findings per severity, waived ones, passed rules."""
    tiles = [
        f'    <div class="tile {s.value}" data-total="{s.value}"><b>'
        f"{summary['by_severity'][s]}</b>"
        f"{escape(severity_label(lang, s).capitalize())}</div>\n"
        for s in SEVERITIES
    ]
    return (
        f'<section aria-label="{escape(label(lang, "summary"))}">\n'
        '  <div class="totals">\n'
        + "".join(tiles)
        + f'    <div class="tile waived"><b>{summary["waived"]}</b>'
        f"{escape(label(lang, 'waived').capitalize())}</div>\n"
        f'    <div class="tile pass"><b>{summary["outcomes"]["pass"]}</b>'
        f"{escape(label(lang, 'passed_rules'))}</div>\n"
        "  </div>\n</section>\n"
    )


# --- reports --------------------------------------------------------------------


def _report_sections(report: RunReport, lang: str) -> Iterator[str]:
    """One section per report; findings and results are grouped by report once (a
    scan of all of them per report grew with the square of a batch's size)."""
    meta = {str(r.get("report", "")): r for r in report.reports}
    findings: dict[str, list[Finding]] = {name: [] for name in meta}
    for f in report.findings:
        findings.setdefault(f.report, []).append(f)
    results: dict[str, list[RuleResult]] = {name: [] for name in findings}
    for r in sorted(report.results, key=lambda r: r.rule):
        results.setdefault(r.report, []).append(r)
        findings.setdefault(r.report, [])
    for index, name in enumerate(sorted(findings), start=1):
        own, ran = findings[name], results[name]
        yield (
            f'<section class="report" id="report-{index}" '
            f'data-report="{escape(name)}">\n  <h3>{escape(name)}</h3>\n'
            + _meta_line(meta.get(name, {}))
            + '  <div class="cols">\n    <div>\n'
            + _severity_table(own, lang)
            + _area_table(own, lang)
            + "    </div>\n    <div>\n"
            + _outcome_lists(ran, lang)
            + "    </div>\n  </div>\n"
            + _table_charts(own, lang)
            + "</section>\n"
        )


def _meta_line(meta: dict[str, object]) -> str:
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
    shown = [escape(str(p)) for p in parts if p not in (None, "")]
    return f'  <p class="meta">{" · ".join(shown)}</p>\n' if shown else ""


def _severity_table(own: list[Finding], lang: str) -> str:
    """Active findings per severity, and the waived ones."""
    counts = Counter(f.severity for f in own if not f.waived)
    rows = "".join(
        f'        <tr><td><span class="pill {s.value}">{_sev(lang, s)}</span></td>'
        f'<td class="n">{counts[s]}</td></tr>\n'
        for s in SEVERITIES
    )
    waived = sum(1 for f in own if f.waived)
    return (
        "      <table>\n"
        f"        <tr><th>{escape(label(lang, 'severity'))}</th>"
        f'<th class="n">{escape(label(lang, "count"))}</th></tr>\n'
        + rows
        + f'        <tr><td><span class="pill waived">{escape(label(lang, "waived"))}'
        f'</span></td><td class="n">{waived}</td></tr>\n'
        "      </table>\n"
    )


def _area_table(own: list[Finding], lang: str) -> str:
    """Findings per area and severity (waived ones apart); nothing without any."""
    areas: dict[str, Counter[str]] = {}
    for f in own:
        areas.setdefault(f.area, Counter())["waived" if f.waived else f.severity] += 1
    if not areas:
        return ""
    keys = [*SEVERITIES, "waived"]
    head = "".join(f'<th class="n">{_sev(lang, s)}</th>' for s in SEVERITIES)
    rows = "".join(
        f"        <tr><td>{escape(_area(lang, name))}</td>"
        + "".join(f'<td class="n">{row[k]}</td>' for k in keys)
        + "</tr>\n"
        for name, row in sorted(areas.items())
    )
    return (
        '      <table style="margin-top:10px">\n'
        f"        <tr><th>{escape(label(lang, 'area'))}</th>{head}"
        f'<th class="n">{escape(label(lang, "waived"))}</th></tr>\n'
        + rows
        + "      </table>\n"
    )


def _area(lang: str, name: str) -> str:
    key = f"area.{name}"
    return label(lang, key) if key in LABELS[lang] else name


def _outcome_lists(results: list[RuleResult], lang: str) -> str:
    """The report's rules by outcome: failed, in error, passed, not applicable."""
    by_outcome: dict[Outcome, list[RuleResult]] = {o: [] for o in Outcome}
    for r in results:
        by_outcome[r.outcome].append(r)
    out = []
    for outcome, css in OUTCOME_PILLS:
        listed = by_outcome[outcome]
        if not listed:
            continue
        items = "".join(_rule_item(r.code, r.title, r.error or "") for r in listed)
        out.append(
            f'      <p style="margin:4px 0 0"><span class="pill {css}">'
            f"{escape(outcome_label(lang, outcome))}</span> {len(listed)}</p>\n"
            f'      <ul class="rules">{items}</ul>\n'
        )
    return "".join(out)


@lru_cache(maxsize=4096)
def _rule_item(code: str, title: str, error: str) -> str:
    """A rule in a report's outcome list; the same few rules recur in every report
    of a batch, so each is written once."""
    failed = f" — <em>{escape(error)}</em>" if error else ""
    return f"<li><code>{escape(code)}</code> {escape(title)}{failed}</li>"


def _table_charts(findings: list[Finding], lang: str) -> str:
    """Per finance table: reported vs expected bars of each discrepant cell."""
    tables: dict[str, list[svg.Bar]] = {}
    for f in findings:
        pair = _pair(f)
        if f.area == "finance" and f.table and pair:
            bar = svg.Bar(_row_label(f), *pair, waived=f.waived)
            tables.setdefault(f.table, []).append(bar)
    caption = escape(label(lang, "charts"))
    return "".join(
        f'  <figure style="margin:12px 0 0"><figcaption class="meta">{caption}: '
        f"{escape(table)}</figcaption>{svg.bars(rows, lang, title=table)}</figure>\n"
        for table, rows in sorted(tables.items())
    )


def _row_label(f: Finding) -> str:
    return " · ".join(f.labels) if f.labels else f.code


def _pair(f: Finding) -> tuple[float, float] | None:
    """Expected and reported as numbers, when both are numbers."""
    e, r = f.expected, f.reported
    if isinstance(e, int | float) and isinstance(r, int | float):
        return float(e), float(r)
    return None


# --- findings -------------------------------------------------------------------


def _filters(findings: list[Finding], lang: str) -> str:
    """The filter bar (severity, waived, rule, report), or a line saying none."""
    if not findings:
        return f"<p>{escape(label(lang, 'no_findings'))}</p>\n"
    boxes = "".join(
        f'  <label><input type="checkbox" name="severity" value="{s.value}" checked>'
        f" {_sev(lang, s)}</label>\n"
        for s in SEVERITIES
    )
    count = len(findings)
    return (
        '<form class="filters" id="filters" '
        f'aria-label="{escape(label(lang, "filter"))}">\n'
        + boxes
        + '  <label><input type="checkbox" name="waived" value="1" checked> '
        f"{escape(label(lang, 'waived'))}</label>\n"
        + _select(lang, "rule", sorted({f.rule for f in findings}))
        + _select(lang, "report", sorted({f.report for f in findings}))
        + f'  <span id="shown"><b id="shown-count">{count}</b> / {count} '
        f"{escape(label(lang, 'shown'))}</span>\n</form>\n"
    )


def _select(lang: str, name: str, values: list[str]) -> str:
    options = "".join(f'<option value="{v}">{v}</option>' for v in map(escape, values))
    return (
        f'  <label>{escape(label(lang, name))} <select name="{name}">'
        f'<option value="">{escape(label(lang, "all"))}</option>{options}'
        "</select></label>\n"
    )


def _article(f: Finding, index: int, report: RunReport, lang: str) -> str:
    """One finding: head, message, hint or waiver, numbers, source, explanation."""
    info = report.rules.get(f.rule)
    css = "waived" if f.waived else f.severity.value
    return (
        f'<article class="finding {css}" id="f{index + 1}-{escape(f.fingerprint)}" '
        f'data-severity="{f.severity.value}" data-rule="{escape(f.rule)}" '
        f'data-report="{escape(f.report)}" data-waived="{1 if f.waived else 0}">\n'
        + _finding_head(f, info, lang)
        + f'  <p class="msg">{escape(f.message)}</p>\n'
        + _finding_note(f, lang)
        + _finding_body(f, info, lang)
        + _source_block(f, report.excerpts.get(f.file, {}), lang)
        + _explanation(f, info, lang)
        + "</article>\n"
    )


def _finding_head(f: Finding, info: RuleInfo | None, lang: str) -> str:
    waived = (
        f'    <span class="pill waived">{escape(label(lang, "waived_one"))}</span>\n'
        if f.waived
        else ""
    )
    where = f"{escape(f.file)}:{f.line}"
    if f.sheet:
        where += f" [{escape(f.sheet)}]"
    where += f" · {escape(f.report)}"
    if f.table:
        where += f" · {escape(f.table)}"
    return (
        '  <div class="fhead">\n'
        f'    <span class="pill {f.severity.value}">{_sev(lang, f.severity)}</span>\n'
        + waived
        + f"    <code>{escape(f.code)}</code> "
        f"<span>{escape(info.title if info else f.rule)}</span>\n"
        f'    <span class="where">{where}</span>\n'
        "  </div>\n"
    )


def _finding_note(f: Finding, lang: str) -> str:
    """The waiver's reason when waived, else the rule's hint, if any."""
    if f.waived:
        text = f"{label(lang, 'waiver').capitalize()}: {f.waiver}"
        return f'  <p class="waiver">{escape(text)}</p>\n'
    if f.hint:
        text = f"{label(lang, 'hint').capitalize()}: {f.hint}"
        return f'  <p class="hint">{escape(text)}</p>\n'
    return ""


def _finding_body(f: Finding, info: RuleInfo | None, lang: str) -> str:
    """The numbers (expected, reported, difference, tolerance) and a chart."""
    numbers = "".join(
        f"<div><span>{escape(label(lang, key))}</span>"
        f"<b>{escape(format_number(value, lang))}</b></div>"
        for key, value in (
            ("expected", f.expected),
            ("reported", f.reported),
            ("difference", f.difference),
            ("tolerance", f.tolerance),
        )
        if value is not None
    )
    chart = _chart(f, info.kind if info else "", lang)
    if not numbers and chart is None:
        return ""
    shown = f'<div class="numbers">{numbers}</div>' if numbers else "<div></div>"
    drawn = f"\n    <div>{chart}</div>" if chart is not None else ""
    return f'  <div class="body">\n    {shown}{drawn}\n  </div>\n'


def _chart(f: Finding, kind: str, lang: str) -> str | None:
    pair = _pair(f)
    if pair is None:
        return None
    expected, reported = pair
    if kind == "count-matches-listing":
        return svg.count_tiles(expected, reported, lang)
    bar = svg.Bar(_row_label(f), expected, reported, f.waived)
    return svg.bars([bar], lang, title=_row_label(f), labels=False)


def _explanation(f: Finding, info: RuleInfo | None, lang: str) -> str:
    if not (info and info.explanation):
        return ""
    return (
        f'  <details class="expl" open><summary>{escape(label(lang, "explanation"))}: '
        f"<code>{escape(f.rule)}</code></summary><p>{escape(info.explanation)}</p>"
        "</details>\n"
    )


# --- source excerpts ------------------------------------------------------------


def _source_block(f: Finding, excerpt: dict[int, str], lang: str) -> str:
    """The cited lines with context, numbered, the cited values marked."""
    lines = _source(f, excerpt)
    if not lines:
        return ""
    return (
        f'  <pre class="source" aria-label="{escape(label(lang, "source"))}">'
        + "".join(lines)
        + "</pre>\n"
    )


def _source(f: Finding, excerpt: dict[int, str]) -> list[str]:
    """The cited lines with context; gaps where lines are left out."""
    cited = set(f.lines)
    if not cited or not excerpt:
        return []
    if max(cited) - min(cited) <= MAX_SPAN:
        wanted = set(range(min(cited) - CONTEXT, max(cited) + CONTEXT + 1))
    else:
        wanted = {n + d for n in cited for d in range(-CONTEXT, CONTEXT + 1)}
    shown = sorted(n for n in wanted & set(excerpt) if excerpt[n].strip() or n in cited)
    patterns = _number_patterns(f, [excerpt[n] for n in shown if n in cited])
    out: list[str] = []
    previous: int | None = None
    for n in shown:
        if previous is not None and _gap(previous, n, excerpt):
            out.append('<span class="l gap"><i>⋮</i></span>')
        if n in cited:
            text = _highlight(excerpt[n], patterns)
            out.append(f'<span class="l hl"><i>{n}</i>{text}</span>')
        else:
            out.append(f'<span class="l"><i>{n}</i>{escape(excerpt[n])}</span>')
        previous = n
    return out


def _gap(previous: int, current: int, excerpt: dict[int, str]) -> bool:
    between = range(previous + 1, current)
    return any(n not in excerpt or excerpt[n].strip() for n in between)


# Number patterns match a copy of the line with the characters a printed number
# may spell in several ways written one way (no-break spaces as a space, a decimal
# point as a comma, minus and en dash as a hyphen): each maps to one character, so
# a match's place in the copy is its place in the line, and a pattern has no
# character classes to compile but one (compiling is most of highlighting's cost).
# (Replaced one by one: str.translate looks each character up, ~10x slower on
# text with any non-ASCII letter.)
_MATCH_FORM = (
    ("\u00a0", " "),
    ("\u202f", " "),
    (".", ","),
    ("\u2212", "-"),
    ("\u2013", "-"),
)
# What a printed number may hold between its digits, taken out.
_NOT_DIGITS = tuple((c, "") for c in " \u00a0\u202f,.")


def _replaced(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for old, new in pairs:
        text = text.replace(old, new)
    return text


def _number_patterns(f: Finding, texts: list[str]) -> list[tuple[str, re.Pattern[str]]]:
    """Patterns for the reported and expected values that may occur in ``texts``.

    The expected value is seldom printed (it is why there is a finding): a value
    whose digits do not occur in the lines with separators taken out cannot match,
    and is not compiled.
    """
    digits = _replaced("\n".join(texts), _NOT_DIGITS)
    out = []
    for css, value in (("rep", f.reported), ("exp", f.expected)):
        if isinstance(value, int | float):
            whole, decimals = _decimal_parts(float(value))
            if whole + decimals in digits:
                out.append((css, re.compile(_printed_number(float(value)))))
    return out


def _decimal_parts(value: float) -> tuple[str, str]:
    """The digits of ``abs(value)`` before and after the decimal point."""
    text = f"{abs(value):.10f}".rstrip("0").rstrip(".")
    whole, _, decimals = text.partition(".")
    return whole, decimals


def _printed_number(value: float) -> str:
    """A regex for ``value`` as a report might print it (``-90 422``, ``−1,5``), in
    a line's ``_MATCH_FORM``: not inside a longer number, digits grouped by three
    with or without a space, the sign (a minus, or an optional plus)."""
    whole, decimals = _decimal_parts(value)
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    body = " ?".join(groups)
    if decimals:
        body += "," + decimals
    sign = "-" if value < 0 else r"\+?"
    return rf"(?<![\d,]){sign}{body}(?!,?\d)"


def _highlight(text: str, patterns: list[tuple[str, re.Pattern[str]]]) -> str:
    """``text`` escaped, with the values of ``patterns`` marked (the first wins
    where two overlap)."""
    form = _replaced(text, _MATCH_FORM)
    spans: list[tuple[int, int, str]] = []
    for css, pattern in patterns:
        for m in pattern.finditer(form):
            if all(m.end() <= s or m.start() >= e for s, e, _ in spans):
                spans.append((m.start(), m.end(), css))
    out, pos = [], 0
    for start, end, css in sorted(spans):
        out.append(escape(text[pos:start]))
        out.append(f'<mark class="{css}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)
