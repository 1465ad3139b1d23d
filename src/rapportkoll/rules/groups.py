"""Rules run in groups by table, in this process or shared with a forked second one.

A group is every rule that selects from one table: its rules share the table joined
with the reports' metadata, their selections and what they derive alike, and nothing
of it is needed once the group is done. Groups are independent of each other, so on
a machine with several CPUs two processes take them in turn: the main process and
one forked from it, which sees the tables without copying them (copy-on-write) and
sends back only its rules' findings and counts. That is for runs small enough that
the second process's memory does not matter (see ``_room_to_fork``). Outputs are
sorted afterwards, so which process ran a rule changes nothing a user sees.
"""

from __future__ import annotations

import gc
import multiprocessing
import sys
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

import pandas as pd

from rapportkoll.model.bundle import Bundle
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.loader import LoadedRule


@dataclass(slots=True)
class Ran:
    """What running one rule gave: its result, the error that stopped it (if any)
    and the seconds it took."""

    result: KindResult
    error: str | None
    seconds: float


def by_table(rules: Sequence[LoadedRule]) -> list[list[LoadedRule]]:
    """The rules grouped by the table they select from, groups in the order their
    tables first appear, rules in the rule files' order within a group."""
    groups: dict[str | None, list[LoadedRule]] = {}
    for rule in rules:
        groups.setdefault(rule.spec.table, []).append(rule)
    return list(groups.values())


def run_groups(
    bundle: Bundle, groups: list[list[LoadedRule]], lang: str, processes: int = 1
) -> list[list[Ran]]:
    """Every group's rules run on ``bundle``: ``ran[g][i]`` is rule ``i`` of group
    ``g``. With ``processes`` > 1 (and where processes can be forked) a second
    process shares the groups; should it fail, this process runs what it lost."""
    if processes < 2 or len(groups) < 2 or not _can_fork() or not _room_to_fork():
        return [run_group(bundle, group, lang) for group in groups]
    return _run_shared(bundle, groups, lang)


def run_group(bundle: Bundle, group: list[LoadedRule], lang: str) -> list[Ran]:
    """One group's rules, one after the other, sharing what they derive alike."""
    joined: dict[str, pd.DataFrame] = {}
    selections: dict[tuple[str, str | None, str | None], pd.DataFrame] = {}
    shared: dict[Hashable, Any] = {}
    ran = []
    for rule in group:
        t0 = time.perf_counter()
        result, error = run_one(bundle, rule, lang, joined, selections, shared)
        ran.append(Ran(result, error, time.perf_counter() - t0))
    return ran


def run_one(
    bundle: Bundle,
    rule: LoadedRule,
    lang: str,
    joined: dict[str, pd.DataFrame],
    selections: dict[tuple[str, str | None, str | None], pd.DataFrame],
    shared: dict[Hashable, Any],
) -> tuple[KindResult, str | None]:
    """One rule's result (with its group's shared tables, selections and derived
    values); an exception is caught and returned as its error."""
    ctx = RuleContext(
        bundle,
        rule.spec,
        rule.params,
        rule.kind.code,
        lang,
        rule_dir=str(Path(rule.file).parent),
        joined=joined,
        selections=selections,
        shared=shared,
    )
    try:
        return rule.kind.run(ctx), None
    except Exception as exc:
        # A rule that cannot run on these tables is an 'error' outcome, not a crash;
        # it is counted in the summary and named so the rule (or a bug) can be fixed.
        return ctx.result, f"{type(exc).__name__}: {exc}"


def _can_fork() -> bool:
    """Only where fork is the safe default (Linux): a spawned process would have
    to be sent every table, which costs more than the rules it would run."""
    return sys.platform.startswith("linux")


def _room_to_fork() -> bool:
    """Whether a second process fits the memory a run may take.

    The forked process shares the tables, but every page it reads Python objects
    on (the text cells) becomes its own copy as their reference counts change, and
    its selections are its own: it adds about as much as this process already
    holds. So it is started only while this process has stayed below
    ``FORK_MAX_BYTES``: small runs, where it halves the wait, not a national batch
    (8,700 reports: 0.83 GiB after reading, 2.2 GiB with a second process, 1.4 GiB
    without), where the rules are a small part of the run.
    """
    try:
        import resource
    except ImportError:  # not on a Unix
        return False
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * RU_MAXRSS_UNIT
    return peak <= FORK_MAX_BYTES


FORK_MAX_BYTES = 512 * 2**20
RU_MAXRSS_UNIT = 1024  # Linux gives KiB (the only platform that forks here)


def _run_shared(
    bundle: Bundle, groups: list[list[LoadedRule]], lang: str
) -> list[list[Ran]]:
    """Groups taken in turn, largest first, by this process and a forked one."""
    context = multiprocessing.get_context("fork")
    order = sorted(range(len(groups)), key=lambda g: -_weight(bundle, groups[g]))
    turn: Synchronized[int] = context.Value("i", 0)
    receive, send = context.Pipe(duplex=False)
    # Objects alive now are left out of collections from here on: the forked
    # process then does not write to (and so copy) the pages the tables are on.
    gc.freeze()
    try:
        helper = context.Process(
            target=_helper, args=(bundle, groups, order, turn, send, lang), daemon=True
        )
        helper.start()
        send.close()
        ran = _take_turns(bundle, groups, order, turn, lang)
        theirs = _received(receive)
        helper.join()
    finally:
        receive.close()
        gc.unfreeze()
    ran.update(theirs)
    for g, group in enumerate(groups):
        if g not in ran:  # the helper died before it sent its groups
            ran[g] = run_group(bundle, group, lang)
    return [ran[g] for g in range(len(groups))]


def _take_turns(
    bundle: Bundle,
    groups: list[list[LoadedRule]],
    order: list[int],
    turn: Synchronized[int],
    lang: str,
) -> dict[int, list[Ran]]:
    """Groups run until none is left; each taken by whichever process is free."""
    ran: dict[int, list[Ran]] = {}
    while True:
        with turn.get_lock():
            taken = turn.value
            turn.value = taken + 1
        if taken >= len(order):
            return ran
        g = order[taken]
        ran[g] = run_group(bundle, groups[g], lang)


def _helper(
    bundle: Bundle,
    groups: list[list[LoadedRule]],
    order: list[int],
    turn: Synchronized[int],
    send: Connection,
    lang: str,
) -> None:
    """The forked process: take turns, send what ran, leave quietly."""
    try:
        send.send(_take_turns(bundle, groups, order, turn, lang))
    except (Exception, KeyboardInterrupt):
        # Nothing is printed here: the main process reports an interruption, and
        # runs itself whatever this process did not send.
        pass
    finally:
        send.close()


def _received(receive: Connection) -> dict[int, list[Ran]]:
    try:
        theirs: dict[int, list[Ran]] = receive.recv()
    except (EOFError, OSError):
        return {}
    return theirs


def _weight(bundle: Bundle, group: list[LoadedRule]) -> float:
    """A rough cost of a group, to start the largest ones first: its rules times
    its table's rows."""
    table = group[0].spec.table
    rows = len(bundle.table(table)) if table else 0
    return len(group) * (rows + 100)
