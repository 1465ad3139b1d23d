"""Shared helpers of the rule kinds: intervals from rows, labels, severity of rounding."""

from __future__ import annotations

import pandas as pd

from rapportkoll.findings import Severity
from rapportkoll.rules.interval import Comparison, Interval


def interval_of(frame: pd.DataFrame, value: str = "value",
                decimals: str = "decimals") -> Interval:
    """The interval each printed value stands for (empty decimals count as 0)."""
    dec = pd.to_numeric(frame[decimals], errors="coerce").fillna(0).to_numpy(float)
    return Interval.printed(pd.to_numeric(frame[value], errors="coerce"), dec)


def verdicts(cmp: Comparison, rounding: str) -> list[Severity | None]:
    """None where values agree exactly; info for rounding (unless ignored); else error."""
    out: list[Severity | None] = []
    for agrees, exact in zip(cmp.agrees, cmp.exact, strict=True):
        if exact:
            out.append(None)
        elif agrees:
            out.append(Severity.INFO if rounding == "info" else None)
        else:
            out.append(Severity.ERROR)
    return out


def severity_for(verdict: Severity, rule_severity: Severity) -> Severity:
    """A real discrepancy takes the rule's severity; rounding stays info."""
    return rule_severity if verdict is Severity.ERROR else verdict


def first_str(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)
