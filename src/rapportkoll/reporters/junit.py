"""JUnit XML: one testcase per rule × report, so CI test views list every check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from itertools import groupby

from rapportkoll.findings import Finding, Outcome, RuleResult, RunReport
from rapportkoll.reporters.i18n import format_number, label

Key = tuple[str, str]


def render(report: RunReport) -> bytes:
    """``<testsuites>`` with one ``<testsuite>`` per report, no timestamps."""
    by_key: dict[Key, list[Finding]] = defaultdict(list)
    for finding in sorted(report.findings, key=Finding.sort_key):
        by_key[(finding.report, finding.rule)].append(finding)
    results = sorted(_all_results(report, by_key), key=lambda r: (r.report, r.rule))
    root = ET.Element("testsuites", name="rapportkoll")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for name, group in groupby(results, key=lambda r: r.report):
        suite = _suite(name, list(group), by_key, report.lang)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
        root.append(suite)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _all_results(
    report: RunReport, by_key: dict[Key, list[Finding]]
) -> list[RuleResult]:
    """The run's results, plus a failing one for findings no result accounts for."""
    results = list(report.results)
    known = {(r.report, r.rule) for r in results}
    for (rep, rule), findings in by_key.items():
        if (rep, rule) not in known:
            f = findings[0]
            info = report.rules.get(rule)
            title = info.title if info else rule
            results.append(
                RuleResult(rule, f.code, "", title, rep, Outcome.FAIL, 0, len(findings))
            )
    return results


def _suite(
    name: str, results: list[RuleResult], by_key: dict[Key, list[Finding]], lang: str
) -> ET.Element:
    suite = ET.Element("testsuite", name=name)
    counts = {"failures": 0, "errors": 0, "skipped": 0}
    for result in results:
        case, status = _case(result, by_key.get((result.report, result.rule), []), lang)
        if status:
            counts[status] += 1
        suite.append(case)
    suite.set("tests", str(len(results)))
    for key, value in counts.items():
        suite.set(key, str(value))
    return suite


def _case(
    result: RuleResult, findings: list[Finding], lang: str
) -> tuple[ET.Element, str | None]:
    case = ET.Element(
        "testcase",
        classname=f"rapportkoll.{result.report}",
        name=f"{result.code} {result.rule}",
    )
    active = [f for f in findings if not f.waived]
    waived = [f for f in findings if f.waived]
    status: str | None = None
    if result.outcome is Outcome.ERROR:
        ET.SubElement(case, "error", message=result.error or result.title)
        status = "errors"
    elif result.outcome is Outcome.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", message=label(lang, "outcome.not_applicable"))
        status = "skipped"
    elif active:
        failure = ET.SubElement(
            case, "failure", message=_first_line(active), type=active[0].severity.value
        )
        failure.text = "\n".join(_describe(f, lang) for f in active)
        status = "failures"
    if waived:
        out = ET.SubElement(case, "system-out")
        out.text = "\n".join(
            f"{label(lang, 'waiver')}: {_describe(f, lang)} — {f.waiver}"
            for f in waived
        )
    return case, status


def _first_line(findings: list[Finding]) -> str:
    more = f" (+{len(findings) - 1})" if len(findings) > 1 else ""
    return f"{findings[0].code}: {findings[0].message}{more}"


def _describe(f: Finding, lang: str) -> str:
    text = f"{f.file}:{f.line} {f.code} {f.severity.value}: {f.message}"
    numbers = [
        (label(lang, key), getattr(f, key))
        for key in ("expected", "reported", "difference", "tolerance")
        if getattr(f, key) is not None
    ]
    if numbers:
        text += (
            " [" + ", ".join(f"{k} {format_number(v, lang)}" for k, v in numbers) + "]"
        )
    return text
