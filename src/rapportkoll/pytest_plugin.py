"""pytest plugin: one test item per rule × report, so report checks run with the tests.

Enable with ``pytest --rapportkoll`` or by setting the ini option ``rapportkoll_paths``.
Settings come from ``[tool.rapportkoll]`` (paths, checks, waivers, fail_on …); the ini
paths override ``paths``. Waived findings do not fail; findings below ``fail_on``
pass. Select with ``-k``: item names carry the rule id, the code and the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from rapportkoll.config import Config, load_config
from rapportkoll.findings import Finding, Outcome, RuleResult, RunReport, Severity
from rapportkoll.reporters.i18n import format_number, label

_REPORT_KEY = pytest.StashKey[RunReport]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("rapportkoll", "checks of municipal follow-up reports")
    group.addoption(
        "--rapportkoll",
        action="store_true",
        default=False,
        help="collect one test per rapportkoll rule × report",
    )
    parser.addini(
        "rapportkoll_paths",
        type="linelist",
        default=[],
        help="report files or folders to check (enables the plugin)",
    )


def _enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("rapportkoll") or config.getini("rapportkoll_paths"))


@dataclass
class _Options:
    """What ``engine.run_check`` reads (its CheckConfig protocol)."""

    paths: list[str]
    checks: list[str]
    expectations: list[str]
    profiles: list[str]
    lang: str
    jobs: int
    max_bytes: int
    max_lines: int
    profile: str | None = None


def _settings(config: pytest.Config) -> Config:
    settings = load_config(config.rootpath)
    ini_paths = config.getini("rapportkoll_paths")
    if ini_paths:
        settings = settings.merged(paths=[config.rootpath / p for p in ini_paths])
    return settings


def _run(settings: Config) -> RunReport:
    import importlib

    # Looked up at call time (not ``from rapportkoll import engine``) so a conftest
    # may substitute the engine even when the real one was imported earlier.
    engine = importlib.import_module("rapportkoll.engine")

    root = settings.root
    options = _Options(
        paths=[str(p) for p in settings.paths] or [str(root / "data")],
        checks=[str(p) for p in settings.checks] or [str(root / "checks")],
        expectations=[str(p) for p in settings.expectations]
        or [str(root / "expectations")],
        profiles=list(settings.profiles) or [str(root / "profiles")],
        lang=settings.lang,
        jobs=settings.jobs,
        max_bytes=settings.max_bytes,
        max_lines=settings.max_lines,
    )
    report: RunReport = engine.run_check(options)
    if settings.waivers is not None:
        from rapportkoll.waivers import apply_waivers, load_waivers

        report = apply_waivers(report, load_waivers(settings.waivers), date.today())
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if not _enabled(config):
        return
    settings = _settings(config)
    report = _run(settings)
    config.stash[_REPORT_KEY] = report
    items.extend(_items(session, report, settings.fail_on))


def _items(
    session: pytest.Session, report: RunReport, threshold: Severity
) -> list[RapportkollItem]:
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for f in sorted(report.findings, key=Finding.sort_key):
        grouped.setdefault((f.report, f.rule), []).append(f)
    results = list(report.results)
    known = {(r.report, r.rule) for r in results}
    for (rep, rule), found in grouped.items():
        if (rep, rule) not in known:  # findings with no result (e.g. bad waivers)
            results.append(RuleResult(rule, found[0].code, "", rule, rep, Outcome.FAIL))
    return [
        RapportkollItem.from_parent(
            session,
            name=f"rapportkoll[{r.report}][{r.code} {r.rule}]",
            result=r,
            findings=grouped.get((r.report, r.rule), []),
            threshold=threshold,
            lang=report.lang,
        )
        for r in sorted(results, key=lambda r: (r.report, r.rule))
    ]


class RapportkollFailure(Exception):
    """Active findings at or above the threshold."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} finding(s)")
        self.findings = findings


class RapportkollItem(pytest.Item):
    """One rule on one report."""

    def __init__(
        self,
        *,
        result: RuleResult,
        findings: list[Finding],
        threshold: Severity,
        lang: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.result = result
        self.findings = findings
        self.threshold = threshold
        self.lang = lang
        self.extra_keyword_matches.update({result.code, result.rule, result.report})

    def runtest(self) -> None:
        if self.result.outcome is Outcome.ERROR:
            raise RuntimeError(self.result.error or "rule could not run")
        if self.result.outcome is Outcome.NOT_APPLICABLE:
            pytest.skip(label(self.lang, "outcome.not_applicable"))
        failing = [
            f
            for f in self.findings
            if not f.waived and f.severity.rank >= self.threshold.rank
        ]
        if failing:
            raise RapportkollFailure(failing)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        if isinstance(excinfo.value, RapportkollFailure):
            return finding_table(excinfo.value.findings, self.lang)
        if isinstance(excinfo.value, RuntimeError):
            return f"{self.result.code} {self.result.rule}: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        first = self.findings[0] if self.findings else None
        path = Path(first.file) if first else self.path
        line = first.line - 1 if first else None
        return (
            path,
            line,
            f"{self.result.code} {self.result.rule} [{self.result.report}]",
        )


def finding_table(findings: list[Finding], lang: str) -> str:
    """Findings as an aligned table: where, code, message, then the numbers."""
    keys = ("expected", "reported", "difference", "tolerance")
    head = [
        "file:line",
        "code",
        *(label(lang, k) for k in keys),
        label(lang, "message"),
    ]
    rows = [head]
    for f in findings:
        numbers = [format_number(getattr(f, k), lang) for k in keys]
        rows.append([f"{f.file}:{f.line}", f.code, *numbers, f.message])
    widths = [max(len(r[i]) for r in rows) for i in range(len(head) - 1)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True))
        + "  "
        + r[-1]
        for r in rows
    ]
    hints = [f"  {label(lang, 'hint')}: {f.hint}" for f in findings if f.hint]
    return "\n".join(lines + hints)
