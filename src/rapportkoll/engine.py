"""One pass: read every report, run every rule once over all of them, one RunReport."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from rapportkoll.findings import (
    Finding,
    Outcome,
    RuleInfo,
    RuleResult,
    RunReport,
    Severity,
)
from rapportkoll.ingest.discover import Reading, reading, resolved_jobs
from rapportkoll.model.bundle import Bundle
from rapportkoll.model.errors import UserError
from rapportkoll.options import (
    CheckConfig,
    CheckOptions,
    read_options,
    report_paths,
)
from rapportkoll.rules.context import KindResult
from rapportkoll.rules.groups import by_table, run_groups
from rapportkoll.rules.loader import LoadedRule, load_rules

EXCERPT_CONTEXT = 2


def run_check(config: CheckConfig, pending: Reading | None = None) -> RunReport:
    """Read, check and collect: the whole job behind ``rapportkoll check``.

    With workers (``jobs`` other than 1) the reports are read while the rule files
    load; ``extraction`` is then the reading's own wall time, overlapping
    ``load_rules``. The command line starts the reading itself (``pending``),
    before it imports this module.
    """
    if pending is None:
        with reading(report_paths(config), read_options(config)) as started:
            return run_check(config, started)
    began = time.perf_counter()
    rules, _warnings = load_rules([Path(p) for p in config.checks])
    loaded = time.perf_counter()
    bundle = pending.bundle()
    # The rules share the CPUs the reading had: two processes when it had workers.
    processes = 2 if resolved_jobs(config.jobs) > 1 else 1
    report = run_rules(bundle, rules, lang=config.lang, processes=processes)
    report.timings = {
        "load_rules": loaded - began,
        "extraction": pending.seconds,
        **report.timings,
    }
    return report


def run_rules(
    bundle: Bundle, rules: Iterable[LoadedRule], lang: str = "sv", processes: int = 1
) -> RunReport:
    """Every enabled rule run once over all reports of ``bundle``; with
    ``processes`` > 1 the table groups are shared with a second process."""
    reports = bundle.reports
    report_ids = sorted(set(reports["report"]) | _reports_seen(bundle))
    run = RunReport(lang=lang)
    run.reports = _report_rows(reports, report_ids)
    enabled = [rule for rule in rules if rule.spec.enabled]
    run.rules = {rule.spec.id: _info(rule, lang) for rule in enabled}
    groups = by_table(enabled)
    t0 = time.perf_counter()
    ran = run_groups(bundle, groups, lang, processes)
    wall = time.perf_counter() - t0
    timings: dict[str, float] = {}
    for group, group_ran in zip(groups, ran, strict=True):
        for rule, one in zip(group, group_ran, strict=True):
            code = rule.kind.code
            timings[code] = timings.get(code, 0.0) + one.seconds
            run.findings.extend(one.result.findings)
            run.results.extend(_outcomes(rule, one.result, one.error, report_ids, lang))
    run.excerpts = excerpts(bundle, run.findings)
    # "rules" is the stage's wall time; a kind's figure is the time its rules took
    # in whichever process ran them (with two processes they add up to more).
    run.timings = {
        "rules": wall,
        **{f"rules.{k}": v for k, v in sorted(timings.items())},
    }
    run.sort()
    return run


def _reports_seen(bundle: Bundle) -> set[str]:
    issues = bundle.table("extraction_issues")
    return set(issues["report"]) if len(issues) else set()


def _report_rows(reports: pd.DataFrame, ids: list[str]) -> list[dict[str, Any]]:
    by_id = {r["report"]: r for r in reports.to_dict("records")}
    rows = []
    for rid in ids:
        r = by_id.get(rid, {"report": rid})
        rows.append(
            {
                k: (None if pd.isna(v) else v)
                for k, v in r.items()
                if k
                in {
                    "report",
                    "file",
                    "organisation",
                    "doc_type",
                    "title",
                    "period_start",
                    "period_end",
                    "unit",
                    "profile",
                }
            }
        )
    return rows


def _info(rule: LoadedRule, lang: str) -> RuleInfo:
    spec = rule.spec
    explanation = spec.explanation.get(lang) if spec.explanation else ""
    return RuleInfo(
        spec.id,
        rule.kind.code,
        rule.kind.name,
        spec.severity,
        spec.title.get(lang),
        explanation,
        spec.area,
    )


def _outcomes(
    rule: LoadedRule,
    result: KindResult,
    error: str | None,
    report_ids: list[str],
    lang: str,
) -> list[RuleResult]:
    found = Counter(f.report for f in result.findings)
    failed = {
        f.report for f in result.findings if f.severity.rank >= Severity.WARNING.rank
    }
    title = rule.spec.title.get(lang)
    out = []
    for rid in report_ids:
        checked = result.checked.get(rid, 0)
        if error is not None:
            outcome = Outcome.ERROR
        elif rid in failed:
            outcome = Outcome.FAIL
        elif checked == 0 and not found[rid]:
            outcome = Outcome.NOT_APPLICABLE
        else:
            outcome = Outcome.PASS
        out.append(
            RuleResult(
                rule.spec.id,
                rule.kind.code,
                rule.kind.name,
                title,
                rid,
                outcome,
                checked=checked,
                findings=found[rid],
                area=rule.spec.area,
                error=error,
            )
        )
    return out


def excerpts(bundle: Bundle, findings: list[Finding]) -> dict[str, dict[int, str]]:
    """The cited lines and a little context around them, for reporters' snippets."""
    wanted: dict[str, set[int]] = {}
    for f in findings:
        for line in f.lines:
            span = range(line - EXCERPT_CONTEXT, line + EXCERPT_CONTEXT + 1)
            wanted.setdefault(f.file, set()).update(span)
    out: dict[str, dict[int, str]] = {}
    for file, lines in wanted.items():
        kept = bundle.sources.get(file)
        if kept is None:
            continue
        source = kept.lines()
        out[file] = {n: source[n - 1] for n in sorted(lines) if 1 <= n <= len(source)}
    return out


__all__ = ["CheckOptions", "UserError", "run_check", "run_rules"]
