"""ITM01 cross-report.item-across-reports: the same uppdrag must not silently move or vanish.

What it checks:
    The same uppdrag or nämndinitiativ (title matched after folding case and
    diacritics, then by close spelling) in consecutive reports of one organisation:
    ``check: deadline`` flags a slutdatum moved without the prognosis saying so
    (later report still "Enligt plan") — unless a report of a ``decided_in`` type
    issued in between lists the item among its decided new deadlines, which makes
    the move a decision, not a silence; ``check: status`` flags a status going
    backwards (Slutförd → Påbörjad → Ej påbörjad); ``check: deadline_changed`` flags
    any change of a deadline already decided (e.g. a verksamhetsberättelse's table of
    new deadlines against the next delårsrapport; ``decided_in`` names the document
    types whose deadlines count as decisions, so a first report's planned deadline
    being replaced by a decided new one is not flagged; use ``organisation: any`` when the
    two documents are issued by different bodies, ``organisation: folder`` when
    they are kept in one folder per municipality, so that a national batch does not
    pair unrelated municipalities); ``check: vanished`` flags an item
    that was not finished in the earlier report and is missing from the later one
    (only when its slutdatum falls in or after the later report's period).

Why it matters:
    Moving a deadline quietly is how delays disappear from follow-up; an uppdrag that
    vanishes without being finished is a decision of the fullmäktige left undone.

Example rule:
    - id: uppdrag-slutdatum-flyttat
      kind: ITM01
      table: items
      params: {check: deadline}
      title: Slutdatum har flyttats utan att prognosen visar avvikelse

Example finding:
    nämndinitiativ «Ta fram åtgärdsplan …»: slutdatum flyttat från 2024-12-02 (i
    002_905efd7e8d1a0751, rad 994) till 2025-02-28 men prognosen är Enligt plan — rad 1243
"""  # noqa: E501 - printed verbatim by `explain` and in docs/rules.md

from __future__ import annotations

from itertools import pairwise
from pathlib import PurePosixPath
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process

from rapportkoll.model.text import fold
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.kinds._common import first_str, records
from rapportkoll.rules.kinds.conditional import describe
from rapportkoll.rules.registry import RuleKind


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    check: Literal["deadline", "deadline_changed", "status", "vanished"]
    # same: one organisation's reports; folder: any organisation's reports kept
    # in one folder (one municipality's documents); any: every report of the run
    organisation: Literal["same", "folder", "any"] = "same"
    decided_in: list[str] | None = None  # doc types whose deadlines are decisions
    min_similarity: float = 88.0
    status_order: list[str] = ["Ej påbörjad", "Påbörjad", "Slutförd"]
    on_plan: str = "Enligt plan"
    finished: list[str] = ["Slutförd", "Struken"]


Row = dict[str, Any]
Pair = tuple[Row, Row | None, str]


def _pairs(rows: pd.DataFrame, threshold: float, scope: str) -> list[Pair]:
    """(earlier, later or None, later period start) for items of consecutive periods.

    Within a scope (one organisation, one folder or the whole run) reports are
    ordered into periods by period end; every item of a period is looked up among
    the items of all reports of the next period. Reports of one period are
    companions (one board's and another's, a verksamhetsberättelse and its
    tjänsteskrivelse) and are not compared with each other. The rows are split by
    report once, so the cost grows with the number of items.
    """
    reports = rows.drop_duplicates("report").sort_values(["period_end", "report"])[
        ["report", "organisation", "period_start", "period_end", "file"]
    ]
    by_report: dict[Any, list[Row]] = {}
    for rec in records(rows):
        by_report.setdefault(rec["report"], []).append(rec)
    groups: dict[str, list[Row]] = {}
    for key, doc in zip(scope_of(reports, scope), records(reports), strict=True):
        groups.setdefault(key, []).append(doc)
    out: list[Pair] = []
    for key in sorted(groups):
        tiers: dict[str, list[Row]] = {}
        for doc in groups[key]:
            tiers.setdefault(first_str(doc["period_end"]), []).append(doc)
        for before, after in pairwise(list(tiers.values())):
            later = [item for d in after for item in by_report.get(d["report"], [])]
            starts = {d["report"]: first_str(d["period_start"]) for d in after}
            titles = [fold(str(t["title"])) for t in later]
            first_start = first_str(after[0]["period_start"])
            items = [item for d in before for item in by_report.get(d["report"], [])]
            queries = [fold(str(item["title"])) for item in items]
            for item, match in zip(
                items, best_matches(queries, titles, threshold), strict=True
            ):
                found = later[match] if match is not None else None
                start = starts[found["report"]] if found else first_start
                out.append((item, found, start))
    return out


def best_matches(
    queries: list[str], choices: list[str], threshold: float
) -> list[int | None]:
    """Per query, the first choice scoring highest (token sort ratio) and at least
    ``threshold``, or None: ``process.extractOne`` for all queries in one call."""
    out: list[int | None] = [None] * len(queries)
    if not queries or not choices or threshold > 100:
        return out
    # Most items keep their title: the same words in any order score 100, the
    # highest score, so the first choice with the query's sorted words is the
    # answer; only the other queries are scored against every choice.
    first: dict[str, int] = {}
    for i, choice in enumerate(choices):
        first.setdefault(_sorted_words(choice), i)
    rest = []
    for i, query in enumerate(queries):
        words = _sorted_words(query)
        if words and words in first:
            out[i] = first[words]
        else:
            rest.append(i)
    if not rest:
        return out
    scores = process.cdist(
        [queries[i] for i in rest],
        choices,
        scorer=fuzz.token_sort_ratio,
        score_cutoff=threshold,
        dtype=np.float64,
    )
    best = scores.argmax(axis=1)
    good = scores[np.arange(len(rest)), best] >= threshold
    for i, b, g in zip(rest, best, good, strict=True):
        out[i] = int(b) if g else None
    return out


def _sorted_words(text: str) -> str:
    """The words of ``text`` sorted, as ``fuzz.token_sort_ratio`` compares them."""
    return " ".join(sorted(text.split()))


def scope_of(rows: pd.DataFrame, scope: str) -> pd.Series:
    """Each row's scope: its organisation (folded), its folder, or one for all."""
    if scope == "same":
        names = rows["organisation"].fillna("")
        return names.map({n: fold(n) for n in names.unique()})
    if scope == "folder":
        files = rows["file"]
        return files.map({f: str(PurePosixPath(str(f)).parent) for f in files.unique()})
    return pd.Series("", index=rows.index)


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    rows = ctx.rows()
    rows = rows[rows["period_end"].notna()]
    if rows.empty or rows["report"].nunique() < 2:
        return ctx.result
    decisions = _Decisions(rows, p)
    # The checks of one selection pair the same items: pair them once per run.
    pairs = ctx.derived(
        ("pairs", p.min_similarity, p.organisation),
        lambda: _pairs(rows, p.min_similarity, p.organisation),
    )
    ctx.count(after["report"] for _, after, _ in pairs if after is not None)
    for before, after, later_start in pairs:
        if after is None:
            due = first_str(before["slutdatum"])
            if (
                p.check == "vanished"
                and first_str(before["status"]) not in p.finished
                and due
                and later_start
                and due >= later_start
            ):
                _vanished(ctx, before, rows)
            continue
        if p.check == "deadline":
            # The decision look-up scans every deciding report: only for moves.
            if _moved_on_plan(p, before, after) and not decisions.between(
                before, after
            ):
                _deadline(ctx, before, after)
        elif p.check == "deadline_changed" and (
            p.decided_in is None or first_str(before.get("doc_type")) in p.decided_in
        ):
            _deadline_changed(ctx, before, after)
        elif p.check == "status":
            _status(ctx, p, before, after)
    return ctx.result


class _Decisions:
    """The items of ``decided_in`` reports, looked up by period range.

    Built once per run: the rows of deciding reports and their folded titles, with
    the distinct titles of each (start, end) range kept once computed, and each
    answer kept per range and title (items of many reports share titles).
    """

    def __init__(self, rows: pd.DataFrame, p: Params) -> None:
        self.p = p
        decided = rows[rows["doc_type"].isin(p.decided_in or [])]
        self.ends = decided["period_end"].astype(str)
        self.titles = decided["title"].astype(str)
        self.ranges: dict[tuple[str, str], list[str]] = {}
        self.answers: dict[tuple[str, str, str], bool] = {}

    def between(self, before: Row, after: Row) -> bool:
        """A ``decided_in`` report between the two lists this item (a decided move).

        Any report of the run counts (a kommunstyrelse's verksamhetsberättelse
        decides its förvaltning's deadlines).
        """
        if not self.p.decided_in:
            return False
        key = first_str(before["period_end"]), first_str(after["period_end"])
        title = fold(str(after["title"]))
        known = self.answers.get((*key, title))
        if known is None:
            titles = self.ranges.get(key)
            if titles is None:
                titles = self.ranges[key] = self._titles(*key)
            match = process.extractOne(
                title,
                titles,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=self.p.min_similarity,
            )
            known = self.answers[(*key, title)] = match is not None
        return known

    def _titles(self, start: str, end: str) -> list[str]:
        """The distinct folded titles of the deciding reports in the range."""
        inside = (self.ends >= start) & (self.ends <= end)
        return list(dict.fromkeys(fold(t) for t in self.titles[inside]))


def _ref(row: Row) -> str:
    return f"{row['report']}, {row['file']}:{row['line']}"


def _moved_on_plan(p: Params, before: Row, after: Row) -> bool:
    """The slutdatum moved later while the later prognosis still says on plan."""
    old, new = first_str(before["slutdatum"]), first_str(after["slutdatum"])
    return bool(old and new and new > old and first_str(after["prognos"]) == p.on_plan)


def _deadline(ctx: RuleContext, before: Row, after: Row) -> None:
    old, new = first_str(before["slutdatum"]), first_str(after["slutdatum"])
    on_plan = first_str(after["prognos"])
    ctx.add(
        message=ctx.t(
            f"{describe(ctx, after, 'title', 'kind')}: slutdatum flyttat från {old} (i "
            f"{_ref(before)}) till {new} men prognosen är {on_plan} — "
            f"rad {after['line']}",
            f"{describe(ctx, after, 'title', 'kind')}: deadline moved from {old} (in "
            f"{_ref(before)}) to {new} but the prognosis is {on_plan} — line "
            f"{after['line']}",
        ),
        report=str(after["report"]),
        file=str(after["file"]),
        lines=[after["line"]],
        labels=[fold(str(after["title"]))[:80], "deadline"],
        expected=old,
        reported=new,
    )


def _deadline_changed(ctx: RuleContext, before: Row, after: Row) -> None:
    old, new = first_str(before["slutdatum"]), first_str(after["slutdatum"])
    if not old or not new or old == new:
        return
    ctx.add(
        message=ctx.t(
            f"{describe(ctx, after, 'title', 'kind')}: slutdatum {new} skiljer sig "
            f"från {old} i {_ref(before)} — rad {after['line']}",
            f"{describe(ctx, after, 'title', 'kind')}: deadline {new} differs from "
            f"{old} in {_ref(before)} — line {after['line']}",
        ),
        report=str(after["report"]),
        file=str(after["file"]),
        lines=[after["line"]],
        labels=[fold(str(after["title"]))[:80], "deadline_changed"],
        expected=old,
        reported=new,
    )


def _status(ctx: RuleContext, p: Params, before: Row, after: Row) -> None:
    order = {s: i for i, s in enumerate(p.status_order)}
    old, new = first_str(before["status"]), first_str(after["status"])
    if old not in order or new not in order or order[new] >= order[old]:
        return
    ctx.add(
        message=ctx.t(
            f"{describe(ctx, after, 'title', 'kind')}: status har gått bakåt från "
            f"{old} (i {_ref(before)}) till {new} — rad {after['line']}",
            f"{describe(ctx, after, 'title', 'kind')}: status went back from {old} (in "
            f"{_ref(before)}) to {new} — line {after['line']}",
        ),
        report=str(after["report"]),
        file=str(after["file"]),
        lines=[after["line"]],
        labels=[fold(str(after["title"]))[:80], "status"],
        expected=old,
        reported=new,
    )


def _vanished(ctx: RuleContext, before: Row, rows: pd.DataFrame) -> None:
    ctx.add(
        message=ctx.t(
            f"{describe(ctx, before, 'title', 'kind')} hade status "
            f"{first_str(before['status']) or '–'} men finns inte med i nästa "
            f"rapport — rad {before['line']}",
            f"{describe(ctx, before, 'title', 'kind')} had status "
            f"{first_str(before['status']) or '–'} but is missing from the next "
            f"report — line {before['line']}",
        ),
        report=str(before["report"]),
        file=str(before["file"]),
        lines=[before["line"]],
        labels=[fold(str(before["title"]))[:80], "vanished"],
    )


KIND = RuleKind("ITM01", "cross-report.item-across-reports", Params, run, __doc__ or "")
