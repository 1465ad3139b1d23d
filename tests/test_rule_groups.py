"""Rules run by table group, in one process or two: the same findings either way."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

import pytest

from rapportkoll.engine import run_rules
from rapportkoll.findings import RunReport
from rapportkoll.ingest.discover import read_paths
from rapportkoll.model.bundle import Bundle
from rapportkoll.rules import groups
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.loader import LoadedRule, load_rules

FAST_CHECKS = [
    p for p in sorted(Path("checks").glob("*.yaml")) if p.name != "expectations.yaml"
]
needs_fork = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the second process is forked"
)


@pytest.fixture(scope="module")
def seeds() -> Bundle:
    return read_paths([Path("data")])


@pytest.fixture(scope="module")
def rules() -> list[LoadedRule]:
    return load_rules(FAST_CHECKS)[0]


def _outputs(report: RunReport) -> tuple[list[dict[str, object]], list[object]]:
    return [f.to_dict() for f in report.findings], list(report.results)


def test_groups_follow_the_tables_first_appearance(rules: list[LoadedRule]) -> None:
    grouped = groups.by_table(rules)
    tables = [group[0].spec.table for group in grouped]
    assert len(tables) == len(set(tables))
    assert sum(len(g) for g in grouped) == len(rules)
    first_seen = list(dict.fromkeys(rule.spec.table for rule in rules))
    assert tables == first_seen
    for group in grouped:
        assert group == [r for r in rules if r.spec.table == group[0].spec.table]


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Room to fork whatever this (long-lived) test process holds; the groups each
    forked run shared are counted."""
    monkeypatch.setattr(groups, "FORK_MAX_BYTES", 2**62)
    shared: list[int] = []
    run_shared = groups._run_shared

    def counted(
        bundle: Bundle, grouped: list[list[LoadedRule]], lang: str
    ) -> list[list[groups.Ran]]:
        shared.append(len(grouped))
        return run_shared(bundle, grouped, lang)

    monkeypatch.setattr(groups, "_run_shared", counted)
    return shared


@needs_fork
def test_two_processes_give_the_same_report(
    seeds: Bundle, rules: list[LoadedRule], forks: list[int]
) -> None:
    one = run_rules(seeds, rules, processes=1)
    assert forks == []
    two = run_rules(seeds, rules, processes=2)
    assert forks == [len(groups.by_table(rules))]
    assert one.findings  # the seeds have real discrepancies
    assert _outputs(two) == _outputs(one)
    assert set(two.timings) == set(one.timings)


@needs_fork
def test_a_large_run_keeps_to_one_process(
    seeds: Bundle,
    rules: list[LoadedRule],
    forks: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(groups, "FORK_MAX_BYTES", 1)  # as if it held too much
    report = run_rules(seeds, rules, processes=2)
    assert forks == []
    assert _outputs(report) == _outputs(run_rules(seeds, rules, processes=1))


@needs_fork
def test_a_second_process_that_dies_loses_nothing(
    seeds: Bundle,
    rules: list[LoadedRule],
    forks: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    one = run_rules(seeds, rules, processes=1)

    def dies_after_one_group(
        bundle: Bundle,
        grouped: list[list[LoadedRule]],
        order: list[int],
        turn: Synchronized[int],
        *rest: object,
    ) -> None:
        with turn.get_lock():
            turn.value += 1
        os._exit(1)  # a group was taken and never sent back

    monkeypatch.setattr(groups, "_helper", dies_after_one_group)
    two = run_rules(seeds, rules, processes=2)
    assert forks == [len(groups.by_table(rules))]
    assert _outputs(two) == _outputs(one)


def test_a_rule_that_raises_is_an_error_outcome_in_either_process(
    seeds: Bundle, rules: list[LoadedRule], forks: list[int]
) -> None:
    def fails(ctx: RuleContext) -> KindResult:
        raise KeyError("kolumn saknas")

    last = rules[-1]
    broken = replace(last, kind=replace(last.kind, run=fails))
    for processes in (1, 2):
        report = run_rules(seeds, [*rules[:-1], broken], processes=processes)
        errors = {r.error for r in report.results if r.rule == last.spec.id}
        assert errors == {"KeyError: 'kolumn saknas'"}
