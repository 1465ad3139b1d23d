"""Reading runs of OCR'd numbers when the table has no row formula to lean on.

Without relations the only safe reading is the one forced by the tokens: every
grouping of the digits that yields at most ``n`` numbers is enumerated, and a run
is read only when exactly one grouping exists and it fills all ``n`` columns.
A value printed with other decimals than its row's (OCR drops decimal commas:
'814' in a row of '83,0') is flagged with the reading it probably had.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rapportkoll.model.numbers import Number, segmentations


@dataclass(frozen=True)
class RunReading:
    """The numbers of a run, or why they could not be read (with candidates)."""

    numbers: list[Number] | None
    problem: str | None = None
    candidates: tuple[str, ...] = ()


def groups_of(text: str) -> list[list[str]]:
    """Token groups of a run: '|' is a hard cell boundary in OCR text."""
    return [part.split() for part in text.split("|") if part.split()]


def _group_readings(group: list[str], most: int) -> list[list[Number]]:
    out: list[list[Number]] = []
    for k in range(1, min(len(group), most) + 1):
        for numbers in segmentations(group, k):
            if all(_no_zero_lead(n) for n in numbers):
                out.append(numbers)
    return out


def _no_zero_lead(number: Number) -> bool:
    body = number.printed.lstrip("-−–‒+ ")
    return not (" " in body and body.split(" ")[0] == "0")


def all_readings(text: str, most: int) -> list[list[Number]]:
    """Every reading of the run as at most ``most`` numbers ('|' splits cells)."""
    results: list[list[Number]] = [[]]
    for group in groups_of(text):
        options = _group_readings(group, most)
        results = [r + o for r in results for o in options if len(r) + len(o) <= most]
        if not results:
            return []
    return results


def read_run(text: str, n: int) -> RunReading:
    """The single reading of ``text`` as exactly ``n`` numbers, or a problem."""
    found = all_readings(text, n)
    if not found:
        return RunReading(None, "talen kunde inte läsas")
    full = [r for r in found if len(r) == n]
    shown = tuple(_describe(r) for r in found[:4])
    if len(full) == 1 and len(found) == 1:
        return RunReading(full[0])
    if not full:
        counts = sorted({len(r) for r in found})
        return RunReading(
            None,
            f"{'/'.join(map(str, counts))} tal för {n} kolumner: tomma celler kan "
            "inte placeras",
            shown,
        )
    return RunReading(None, f"{len(found)} möjliga läsningar av siffrorna", shown)


def _describe(numbers: list[Number]) -> str:
    return "[" + ", ".join(x.printed for x in numbers) + "]"


def odd_decimals(numbers: list[Number]) -> list[tuple[int, str]]:
    """(index, probable reading) of values whose decimals differ from the row's."""
    printed = [x.decimals for x in numbers]
    common = Counter(d for d in printed if d > 0).most_common(1)
    if not common:
        return []
    usual = common[0][0]
    if sum(d == usual for d in printed) * 2 < len(printed):
        return []
    out: list[tuple[int, str]] = []
    for i, x in enumerate(numbers):
        if x.decimals == usual:
            continue
        digits = (
            x.printed.rstrip("%").replace(",", "").replace(".", "").replace(" ", "")
        )
        sign = "-" if digits.startswith(("-", "−")) else ""
        digits = digits.lstrip("-−")
        if x.decimals == 0 and len(digits) > usual:
            guess = f"{sign}{digits[:-usual]},{digits[-usual:]}"
        elif x.decimals < usual:
            guess = f"{x.printed.rstrip('%')},? (en siffra saknas)"
        else:
            guess = f"{x.printed[: len(x.printed) - (x.decimals - usual)]}"
        out.append((i, guess))
    return out
