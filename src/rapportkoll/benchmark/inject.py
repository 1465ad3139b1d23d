"""Known discrepancies put into a consistent report, each with the rule that should
report it and the slot (line) where.

An injection changes one fact the way an author's slip would — a unit's amount
edited after the total was taken, a total typed wrong, a prose number not updated,
a matrix count off by one, a status left behind its deadline, an assessment that
ignores the target, a comment dated in the future, a draft marker left in — and
returns which rule codes should find it. A report gets at most one injection per
*family* (facts checked by the same rules), so that one injection's finding cannot
be credited to another.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from rapportkoll.benchmark.model import Report


@dataclass(frozen=True)
class Injection:
    kind: str
    slot: str
    codes: tuple[str, ...]
    note: str


Injector = Callable[[Report, random.Random, Report | None], Injection | None]


def _amount(rng: random.Random, low: int = 60, high: int = 900) -> int:
    return rng.choice((-1, 1)) * rng.randint(low, high)


def unit_amount(r: Report, rng: random.Random, _: Report | None) -> Injection:
    k = rng.randrange(len(r.units))
    d = _amount(rng)
    r.units[k].values["utfall_period"] += d
    return Injection(
        "unit_amount",
        f"unit.{k}",
        ("ROW01", "SUM01"),
        f"utfall_period of {r.units[k].label} changed by {d}",
    )


def wrong_total(r: Report, rng: random.Random, _: Report | None) -> Injection:
    d = _amount(rng)
    r.total.values["budget_year"] += d
    r.total.values["prognos"] += d
    return Injection(
        "wrong_total",
        "unit.total",
        ("SUM01",),
        f"budget_year and prognos of the total row changed by {d}",
    )


def unit_comment(r: Report, rng: random.Random, _: Report | None) -> Injection:
    k = rng.randrange(len(r.units))
    which = rng.choice(("period", "prognos"))
    slot = f"unitcomment.{k}.{which}"
    r.shifts[slot] = _amount(rng, 40, 600)
    return Injection(
        "unit_comment",
        slot,
        ("CLM01",),
        f"{which} deviation in {r.units[k].label}'s comment off by "
        f"{r.shifts[slot]} tkr",
    )


def drift_row(r: Report, rng: random.Random, _: Report | None) -> Injection:
    d = _amount(rng)
    r.drift[0].values["avvikelse_period"] += d
    return Injection(
        "drift_row",
        "drift.Intäkter",
        ("ROW01", "SUM01"),
        f"avvikelse_period of Intäkter changed by {d}",
    )


def prose_amount(r: Report, rng: random.Random, _: Report | None) -> Injection:
    slot = rng.choice(("prose.netto", "prose.prognos"))
    r.shifts[slot] = _amount(rng, 600, 4000)
    return Injection(
        "prose_amount", slot, ("CLM01",), f"amount in prose off by {r.shifts[slot]} tkr"
    )


def matrix_count(r: Report, rng: random.Random, _: Report | None) -> Injection | None:
    rows = sorted({(i.kind, i.status) for g in r.goals for i in g.items})
    if not rows:
        return None
    kind, status = rng.choice(rows)
    slot = f"matrix.{kind}.{status}"
    r.shifts[slot] = 1
    return Injection(
        "matrix_count",
        slot,
        ("CNT01",),
        f"{kind} {status}: enligt plan and total one too many",
    )


def prose_count(r: Report, rng: random.Random, _: Report | None) -> Injection | None:
    kinds = {i.kind for g in r.goals for i in g.items}
    met = sum(1 for g in r.goals if g.bedomning == "Uppfyllt")
    if kinds == {"Uppdrag", "Nämndinitiativ"} and rng.random() < 0.5:
        r.shifts["prose.items"] = 1
        return Injection(
            "prose_count",
            "prose.items",
            ("CLM01",),
            "uppdrag enligt plan in prose one too many",
        )
    r.shifts["prose.goals"] = -1 if met > 0 else 1
    return Injection(
        "prose_count",
        "prose.goals",
        ("CLM01",),
        "inriktningsmål uppfyllda in prose off by one",
    )


def _items(r: Report) -> list[tuple[int, int]]:
    return [(gi, k) for gi, g in enumerate(r.goals) for k in range(len(g.items))]


def status_deadline(
    r: Report, rng: random.Random, _: Report | None
) -> Injection | None:
    open_items = [
        (gi, k) for gi, k in _items(r) if r.goals[gi].items[k].status == "Påbörjad"
    ]
    if not open_items:
        return None
    gi, k = rng.choice(open_items)
    item = r.goals[gi].items[k]
    if item.slutdatum >= r.period_end:
        item.slutdatum = r.period_end - timedelta(days=rng.randint(5, 60))
    item.prognos = "Enligt plan"
    return Injection(
        "status_deadline",
        f"item.{gi}.{k}",
        ("DEC01",),
        f"Påbörjad, Enligt plan, slutdatum {item.slutdatum} passed",
    )


def not_started(r: Report, rng: random.Random, _: Report | None) -> Injection | None:
    waiting = [
        (gi, k) for gi, k in _items(r) if r.goals[gi].items[k].status == "Ej påbörjad"
    ]
    if not waiting:
        return None
    gi, k = rng.choice(waiting)
    item = r.goals[gi].items[k]
    item.slutdatum = r.period_end - timedelta(days=rng.randint(5, 60))
    item.prognos = "Avvikelse från plan"
    return Injection(
        "not_started",
        f"item.{gi}.{k}",
        ("CND01",),
        f"Ej påbörjad with slutdatum {item.slutdatum} passed",
    )


def comment_future(r: Report, rng: random.Random, _: Report | None) -> Injection | None:
    dated = [
        (gi, k) for gi, k in _items(r) if r.goals[gi].items[k].comment_date is not None
    ]
    if not dated:
        return None
    gi, k = rng.choice(dated)
    item = r.goals[gi].items[k]
    item.comment_date = r.period_end + timedelta(days=rng.randint(3, 40))
    return Injection(
        "comment_future",
        f"comment.{gi}.{k}",
        ("CND01",),
        f"comment dated {item.comment_date}, after the period",
    )


# the largest value each kind of indicator prints without a second thousands group
# beyond what the generator itself prints (a longer number makes the row ambiguous)
PRINTABLE_MAX = {"%": 100.0, "kr": 99_999.0, "": 999.0}


def _missed_target(
    mal: float, direction: str, unit: str, decimals: int
) -> float | None:
    step = max(abs(mal) * 0.2, 2.0)
    value = round(mal - step if direction == "higher" else mal + step, decimals)
    if value < 0 or value > PRINTABLE_MAX[unit]:
        return None
    return value


def assessment(r: Report, rng: random.Random, _: Report | None) -> Injection | None:
    met = [
        (gi, k, value)
        for gi, g in enumerate(r.goals)
        for k, i in enumerate(g.indicators)
        if i.bedomning == "Uppfyllt"
        and (value := _missed_target(i.mal, i.direction, i.unit, i.decimals))
        is not None
    ]
    if not met:
        return None
    gi, k, value = rng.choice(met)
    ind = r.goals[gi].indicators[k]
    ind.prognos = value
    return Injection(
        "assessment",
        f"indicator.{gi}.{k}",
        ("ASM01",),
        f"Uppfyllt but prognos {ind.prognos} misses mål {ind.mal}",
    )


def past_outcome(
    r: Report, rng: random.Random, prev: Report | None
) -> Injection | None:
    if prev is None:
        return None
    found = [(gi, k) for gi, g in enumerate(r.goals) for k in range(len(g.indicators))]
    if not found:
        return None
    gi, k = rng.choice(found)
    ind = r.goals[gi].indicators[k]
    year = max(ind.years)
    delta = 3.0 if ind.unit == "%" else 7.0
    if ind.years[year] + delta > PRINTABLE_MAX[ind.unit]:
        delta = -delta
    ind.years = {**ind.years, year: round(ind.years[year] + delta, ind.decimals)}
    return Injection(
        "past_outcome",
        f"indicator.{gi}.{k}",
        ("XRP01",),
        f"utfall {year} differs from the previous report",
    )


def invest_prognos(r: Report, rng: random.Random, _: Report | None) -> Injection | None:
    projects = r.investments[:-1]
    if not projects:
        return None
    k = rng.randrange(len(projects))
    v = projects[k].values
    d = round(abs(v["totalt_budget"]) * rng.uniform(0.04, 0.12)) * rng.choice((-1, 1))
    v["total_prognos"] += d
    return Injection(
        "invest_prognos",
        f"invest.{k}",
        ("ROW01", "SUM01"),
        f"total_prognos of {projects[k].label} changed by {d}",
    )


def draft_marker(r: Report, rng: random.Random, _: Report | None) -> Injection:
    r.overrides["prose.intro"] = (
        f"***{r.organisation} har under perioden arbetat vidare med verksamhetens "
        "utveckling. Kontrollera siffrorna innan publicering."
    )
    return Injection(
        "draft_marker", "prose.intro", ("TXT01",), "draft marker *** left in the text"
    )


FAMILIES: tuple[tuple[Injector, ...], ...] = (
    (unit_amount, wrong_total, unit_comment),
    (drift_row, prose_amount),
    (matrix_count, prose_count),
    (status_deadline, not_started, comment_future),
    (assessment, past_outcome),
    (invest_prognos,),
    (draft_marker,),
)


def inject(
    report: Report, rng: random.Random, previous: Report | None, count: int
) -> list[Injection]:
    """Up to ``count`` injections into ``report``, from different families."""
    done: list[Injection] = []
    for family in rng.sample(FAMILIES, len(FAMILIES)):
        if len(done) >= count:
            break
        injection = rng.choice(family)(report, rng, previous)
        if injection is not None:
            done.append(injection)
    return done
