"""What a rule kind sees while it runs, and how it reports findings and counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel

from rapportkoll.findings import Finding, Severity
from rapportkoll.model.bundle import Bundle
from rapportkoll.rules.expr import conjuncts, frame_mask
from rapportkoll.rules.spec import RuleSpec

T = TypeVar("T")

# The reports' metadata every joined row gets (``unit`` as ``report_unit``).
REPORT_COLUMNS = ("organisation", "doc_type", "period_start", "period_end", "unit")


@dataclass
class KindResult:
    """Findings of one rule over all reports, and how much it checked per report."""

    findings: list[Finding] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)


@dataclass
class RuleContext:
    """A rule instance bound to a bundle: its spec, typed params and the language."""

    bundle: Bundle
    spec: RuleSpec
    params: BaseModel
    code: str
    lang: str = "sv"
    rule_dir: str = "."
    result: KindResult = field(default_factory=KindResult)
    # Tables already joined with their reports' metadata, shared by every rule of a
    # run (the engine passes one dict): the join is done once per table, not per rule.
    joined: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Selections already made (table, rule's where, extra where), shared the same way:
    # many rules select the same rows, and a selection costs a take of every column.
    selections: dict[tuple[str, str | None, str | None], pd.DataFrame] = field(
        default_factory=dict
    )
    # What rules of a run derive alike from the same rows (pairings, …), shared the
    # same way; see ``once`` and ``derived``.
    shared: dict[Hashable, Any] = field(default_factory=dict)

    def t(self, sv: str, en: str) -> str:
        """Pick the message in the run's language."""
        return en if self.lang == "en" else sv

    def rows(self, table: str | None = None, where: str | None = None) -> pd.DataFrame:
        """The rule's selection: ``table`` filtered by its ``where`` (and more)."""
        name = table or self.spec.table
        if name is None:
            raise ValueError(f"rule {self.spec.id} names no table")
        key = (name, self.spec.where if table is None else None, where or None)
        selected = self.selections.get(key)
        if selected is None:
            selected = self.selections[key] = self._select(*key)
        # A new object: a rule that adds a column must not change the shared one
        # (copy-on-write keeps the shared columns' values safe as well).
        return selected.copy(deep=False)

    def once(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()``, made once per run for ``key`` and shared by every rule of
        the run: ``key`` must name everything ``build`` depends on. The value is
        shared: callers must not change it.
        """
        if key not in self.shared:
            self.shared[key] = build()
        return self.shared[key]  # type: ignore[no-any-return]

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()``, made once per run for ``key`` and the rule's own selection.

        Rules of a kind that derive the same thing from the same rows (the same
        pairing with other parameters to check) share one computation; ``key``
        must name everything ``build`` depends on besides the rule's table and
        ``where``. The value is shared: callers must not change it.
        """
        return self.once((self.code, self.spec.table, self.spec.where, key), build)

    def _select(self, name: str, own: str | None, where: str | None) -> pd.DataFrame:
        frame = self.joined.get(name)
        if frame is None:
            frame = self.joined[name] = self.with_reports(self.bundle.table(name))
        if len(frame) == 0 or (own is None and where is None):
            return frame
        try:
            mask = self._mask(name, frame, [s for s in (own, where) if s])
        except Exception:
            # Whatever went wrong, the error names the rule's whole expression.
            mask = frame_mask(frame, own).to_numpy(copy=True)
            if where:
                mask &= frame_mask(frame, where).to_numpy()
        # Every row selected: the same rows and index as a take would give.
        return frame if mask.all() else frame[mask]

    def _mask(
        self, name: str, frame: pd.DataFrame, sources: list[str]
    ) -> npt.NDArray[np.bool_]:
        """Rows where every expression holds; each part of an ``and`` is evaluated
        once per table and run (rules' filters share parts: ``claim_kind ==
        'count'``, ``kind == 'uppdrag'`` …)."""
        mask = np.ones(len(frame), dtype=bool)
        for part in (p for source in sources for p in conjuncts(source)):
            key = ("mask", name, part)
            done = self.shared.get(key)
            if done is None:
                done = self.shared[key] = frame_mask(frame, part).to_numpy()
            mask &= done
        return mask

    def with_reports(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Join each row with its report's metadata (period_end, organisation …).

        A left join on ``report`` (a name the table already has gets the suffix
        ``_report``), done by looking the metadata up per row: the table's own
        columns are shared with the bundle, not copied, so the joined tables the
        engine keeps for the whole run cost a few columns each, not a second copy
        of every table.
        """
        reports = self.bundle.reports
        first = reports[~reports["report"].duplicated().to_numpy()]
        at = pd.Index(first["report"]).get_indexer(frame["report"])
        joined = frame.reset_index(drop=True)
        for column in REPORT_COLUMNS:
            name = "report_unit" if column == "unit" else column
            if name in joined.columns:
                name = f"{name}_report"
            values = first[column]
            # A report missing from ``reports`` (position -1) gets an empty cell.
            taken = values.array.take(at, allow_fill=True)
            joined[name] = pd.Series(taken, dtype=values.dtype, copy=False)
        return joined

    def count(self, reports: Iterable[str]) -> None:
        self.result.checked.update(reports)

    def add(
        self,
        *,
        message: str,
        report: str,
        file: str,
        lines: Sequence[int],
        labels: Sequence[Any],
        table: str | None = None,
        expected: float | str | None = None,
        reported: float | str | None = None,
        difference: float | None = None,
        tolerance: float | None = None,
        severity: Severity | None = None,
        sheet: str | None = None,
    ) -> None:
        hint = self.spec.hint.get(self.lang) if self.spec.hint else None
        self.result.findings.append(
            Finding(
                rule=self.spec.id,
                code=self.code,
                severity=severity or self.spec.severity,
                message=message,
                hint=hint,
                file=file,
                lines=_main_first(lines),
                report=report,
                table=table or self.spec.table,
                expected=_plain(expected),
                reported=_plain(reported),
                difference=_plain_float(difference),
                tolerance=_plain_float(tolerance),
                labels=tuple(str(x) for x in labels),
                area=self.spec.area,
                sheet=sheet,
            )
        )


def _main_first(lines: Sequence[int]) -> tuple[int, ...]:
    """The first line given is the finding's main line; the others follow sorted."""
    valid = [int(x) for x in lines if x is not None and x == x]
    if not valid:
        return ()
    main = valid[0]
    return (main, *sorted(set(valid) - {main}))


def _plain(value: float | str | None) -> float | str | None:
    if value is None or isinstance(value, str):
        return value
    f = float(value)
    return None if f != f else round(f, 6)


def _plain_float(value: float | None) -> float | None:
    if value is None:
        return None
    f = float(value)
    return None if f != f else round(f, 6)
