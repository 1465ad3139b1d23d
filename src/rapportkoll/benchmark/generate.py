"""Consistent synthetic reports: one board's year, seen at three period ends.

A board (one office of one municipality) is drawn once from a seeded random
generator — units and budgets, goals, indicators, uppdrag and nämndinitiativ with
their start, finish and deadline dates — and each report is a snapshot of it at a
period end. Every derived value is computed, never drawn: deviations are utfall
minus budget, totals are sums, statuses follow the dates, assessments follow target
and forecast, so a clean report holds no discrepancy.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from rapportkoll.benchmark import vocab
from rapportkoll.benchmark.model import (
    BASE_COLUMNS,
    FinanceRow,
    Goal,
    Indicator,
    Item,
    Report,
)

YEAR = 2025
PERIODS: tuple[tuple[date, str, str], ...] = (
    (date(YEAR, 4, 30), "delårsrapport", f"DELÅRSRAPPORT PER APRIL {YEAR}"),
    (date(YEAR, 8, 31), "delårsrapport", f"DELÅRSRAPPORT PER AUGUSTI {YEAR}"),
    (date(YEAR, 12, 31), "verksamhetsberättelse", f"VERKSAMHETSBERÄTTELSE {YEAR}"),
)
MUNICIPALITIES = 290
BOARDS_PER_MUNICIPALITY = len(vocab.BOARDS)
MIN_PROSE_TKR = 150  # a deviation printed in mnkr must not round to 0,0


def municipality_names(seed: int, count: int = MUNICIPALITIES) -> list[str]:
    """``count`` distinct place names, the same for the same seed."""
    rng = random.Random(seed)
    names = sorted({a + b for a in vocab.SYLLABLES_A for b in vocab.SYLLABLES_B})
    rng.shuffle(names)
    return [n[0] + n[1:].lower() for n in names[:count]]


@dataclass(frozen=True)
class Board:
    """One office's year: everything the three reports are snapshots of."""

    municipality: str
    organisation: str
    units: tuple[tuple[str, int, float], ...]  # label, budget_year, spend profile
    goals: tuple[Goal, ...]
    seed: int
    # investment projects: label, totalt_budget, total_prognos, spent before the
    # year, this year's budget (all negative, tkr)
    projects: tuple[tuple[str, int, int, int, int], ...] = ()


def board_seed(seed: int, municipality: int, board: int) -> int:
    return seed * 1_000_003 + municipality * 101 + board


def make_board(seed: int, municipality: int, board: int, name: str) -> Board:
    rng = random.Random(board_seed(seed, municipality, board))
    office, unit_names = vocab.BOARDS[board % len(vocab.BOARDS)]
    n_units = rng.randint(3, len(unit_names))
    # most municipalities are small: budgets from a few to a few hundred mnkr
    scale = rng.choices((1, 2, 5, 10, 20), weights=(50, 25, 15, 7, 3))[0]
    units = tuple(
        (label, -rng.randint(800, 40_000) * scale, rng.uniform(-0.12, 0.08))
        for label in rng.sample(unit_names, n_units)
    )
    # an indicator is followed under one goal only (cross-report rules match by name)
    pool = rng.sample(vocab.INDICATORS, len(vocab.INDICATORS))
    goals = tuple(_goal(rng, i, pool) for i in _goal_numbers(rng))
    seed_ = rng.randint(0, 2**31)
    return Board(name, f"{office} {name}", units, goals, seed_, _projects(rng))


def _projects(rng: random.Random) -> tuple[tuple[str, int, int, int, int], ...]:
    out = []
    for name in rng.sample(vocab.PROJECTS, rng.randint(0, 5)):
        budget = -rng.randint(3, 150) * 100
        prognos = round(budget * rng.uniform(0.85, 1.1))
        before = round(prognos * rng.uniform(0.0, 0.4))
        this_year = round((prognos - before) * rng.uniform(0.3, 0.9))
        code = rng.randint(17000, 26999)
        out.append((f"{code} - {name}", budget, prognos, before, this_year))
    return tuple(out)


def _goal_numbers(rng: random.Random) -> list[str]:
    n = rng.randint(2, 14)
    numbers: list[str] = []
    area = 1
    while len(numbers) < n:
        for sub in range(1, rng.randint(1, 4) + 1):
            numbers.append(f"{area}.{sub}")
        area += 1
    return numbers[:n]


def _goal(rng: random.Random, number: str, pool: list[tuple[str, str, str]]) -> Goal:
    take = rng.choice((0, 0, 1, 2, 3, 4, 6))
    chosen, pool[:] = pool[:take], pool[take:]
    indicators = [_indicator(rng, *spec) for spec in chosen]
    items = [_item(rng) for _ in range(rng.choice((0, 1, 1, 2, 3, 4, 5)))]
    return Goal(
        number,
        rng.choice(vocab.GOAL_TITLES),
        indicators,
        items,
        level="Nämnd" if rng.random() < 0.3 else "KF",
        with_ansvarig=rng.random() < 0.4,
    )


def _indicator(rng: random.Random, name: str, unit: str, direction: str) -> Indicator:
    if unit == "%":
        decimals, base, spread, low, high = 1, rng.uniform(5, 90), 6.0, 0.0, 100.0
    elif unit == "kr":
        decimals, base, spread, low, high = 0, rng.uniform(2e4, 8e4), 0.15, 1e4, 99_999
    else:
        decimals, base, spread, low, high = 0, rng.randint(3, 900), 0.15, 0.0, 999

    def draw() -> float:
        noise = rng.uniform(-spread, spread)
        value = base + noise if unit == "%" else base * (1 + noise)
        return round(min(max(value, low), high), decimals)

    years = {y: draw() for y in (YEAR - 3, YEAR - 2, YEAR - 1)}
    mal = draw()
    prognos = draw()
    if rng.random() < 0.7:  # most indicators are on track
        better = max if direction == "higher" else min
        prognos = better(prognos, mal)
    while prognos == mal:
        prognos = round(prognos + 10**-decimals, decimals)
    roll = rng.random()
    missing = (
        ("y2022", "y2023")
        if roll < 0.1
        else ("utfall_period", "prognos")
        if roll < 0.17
        else ()
    )
    return Indicator(
        name,
        unit,
        direction,
        decimals,
        years,
        draw(),
        mal,
        prognos,
        _assessment(direction, prognos, mal),
        rng.choice(("Positiv", "Negativ", "Oförändrad")),
        ansvarig=rng.choice(vocab.ANSVARIG),
        missing=missing,
    )


def _assessment(direction: str, prognos: float, mal: float) -> str:
    met = prognos >= mal if direction == "higher" else prognos <= mal
    return "Uppfyllt" if met else "Ej uppfyllt"


def _item(rng: random.Random) -> Item:
    kind = "Uppdrag" if rng.random() < 0.65 else "Nämndinitiativ"
    title = (
        f"{rng.choice(vocab.ITEM_VERBS)} {rng.choice(vocab.ITEM_OBJECTS)} "
        f"{rng.choice(vocab.ITEM_PLACES)}."
    )
    slutdatum = date(YEAR, 1, 1) + timedelta(days=rng.randint(60, 540))
    started = slutdatum - timedelta(days=rng.randint(150, 540))
    started = max(started, date(YEAR - 1, 6, 1))
    roll = rng.random()
    finished: date | None
    if roll < 0.55:  # on time
        finished = slutdatum - timedelta(days=rng.randint(0, 30))
    elif roll < 0.75:  # late
        finished = slutdatum + timedelta(days=rng.randint(10, 120))
    else:
        finished = None
    late = finished is None or finished > slutdatum
    finished = max(finished, started + timedelta(days=5)) if finished else None
    return Item(
        kind, title, rng.choice(vocab.ANSVARIG), slutdatum, started, finished, late
    )


def snapshot(board: Board, period: int) -> Report:
    """The report for period 0, 1 or 2 (April, August, December)."""
    end, doc_type, title = PERIODS[period]
    rng = random.Random(board.seed * 7 + period)
    goals = [_goal_at(g, end, rng) for g in board.goals]
    units, total, drift = _finance(board, end, rng)
    report = Report(
        board.municipality,
        board.organisation,
        end,
        doc_type,
        title,
        goals,
        units,
        total,
        drift,
    )
    report.investments = _investments(board, end, rng)
    report.invest_area = board.organisation.rsplit(" ", 1)[0]
    return report


def _investments(board: Board, end: date, rng: random.Random) -> list[FinanceRow]:
    if not board.projects:
        return []
    share = end.month / 12
    rows = []
    for label, budget, prognos, before, this_year in board.projects:
        spent = round(this_year * share * rng.uniform(0.5, 1.0))
        rows.append(
            FinanceRow(
                label,
                {
                    "totalt_budget": budget,
                    "total_prognos": prognos,
                    "ack_utfall": before + spent,
                    "utfall_prev_year": before,
                    "utfall_period": spent,
                    "budget_year": this_year,
                },
            )
        )
    total = FinanceRow(
        "Totalt investeringar",
        {c: sum(r.values[c] for r in rows) for c in rows[0].values},
    )
    for row in [*rows, total]:
        v = row.values
        v["avvikelse_procent"] = round(
            100 * (v["totalt_budget"] - v["total_prognos"]) / v["totalt_budget"]
        )
    return [*rows, total]


def _goal_at(goal: Goal, end: date, rng: random.Random) -> Goal:
    indicators = [_indicator_at(i, end, rng) for i in goal.indicators]
    items = [_item_at(i, end) for i in goal.items]
    # the same counts the goal-level rules (GOL01) weigh: indicators not met, and
    # uppdrag not finished that deviate from plan
    assessed = [i for i in indicators if i.bedomning in ("Uppfyllt", "Ej uppfyllt")]
    failing = sum(1 for i in assessed if i.bedomning == "Ej uppfyllt")
    late = sum(
        1 for i in items if i.prognos != "Enligt plan" and i.status != "Slutförd"
    )
    weight = len(assessed) + len(items)
    if 3 * (failing + late) <= weight and 2 * failing <= len(assessed):
        bedomning = "Uppfyllt"
    elif 3 * (failing + late) > 2 * weight:
        bedomning = "Ej uppfyllt"
    else:
        bedomning = "Delvis uppfyllt"
    trend = rng.choice(("Positiv", "Negativ", "Oförändrad"))
    return replace(
        goal, indicators=indicators, items=items, bedomning=bedomning, trend=trend
    )


def _indicator_at(ind: Indicator, end: date, rng: random.Random) -> Indicator:
    if "prognos" in ind.missing:
        return replace(ind, bedomning="Inget värde angivet", trend="Ej utvärderad")
    share = end.month / 12
    utfall = round(
        ind.years[YEAR - 1] * (0.7 + 0.3 * share)
        if ind.unit == ""
        else ind.years[YEAR - 1] * rng.uniform(0.95, 1.05),
        ind.decimals,
    )
    prognos = round(ind.prognos + rng.uniform(-0.02, 0.02) * ind.prognos, ind.decimals)
    if prognos == ind.mal:
        prognos = ind.prognos
    return replace(
        ind,
        utfall_period=max(utfall, 0.0),
        prognos=prognos,
        bedomning=_assessment(ind.direction, prognos, ind.mal),
    )


def _item_at(item: Item, end: date) -> Item:
    comment_date: date | None
    if item.finished is not None and item.finished <= end:
        status = "Slutförd"
        prognos = (
            "Enligt plan" if item.finished <= item.slutdatum else "Avvikelse från plan"
        )
        comment_date = item.finished
    else:
        status = "Påbörjad" if item.started <= end else "Ej påbörjad"
        # a late item is known to be late once its deadline is near or passed
        known = item.slutdatum < end or (
            item.late and item.slutdatum - end < timedelta(days=120)
        )
        prognos = "Avvikelse från plan" if known else "Enligt plan"
        comment_date = end if status == "Påbörjad" else None
    comment = {
        "Slutförd": "Uppdraget är genomfört och har redovisats.",
        "Påbörjad": "Arbetet pågår enligt den plan som har tagits fram.",
        "Ej påbörjad": "",
    }[status]
    if prognos == "Avvikelse från plan" and status != "Slutförd":
        comment = "Arbetet har försenats på grund av resursbrist."
    return replace(
        item, status=status, prognos=prognos, comment_date=comment_date, comment=comment
    )


def _finance(
    board: Board, end: date, rng: random.Random
) -> tuple[list[FinanceRow], FinanceRow, list[FinanceRow]]:
    share = end.month / 12
    units = [
        _unit_row(label, budget, drift, share, rng)
        for label, budget, drift in board.units
    ]
    total = _sum_row("Totalt", units)
    _keep_printable(units, total, share >= 1)
    income = _income_row(total, rng, share >= 1)
    costs = FinanceRow(
        "Kostnader", {c: total.values[c] - income.values[c] for c in BASE_COLUMNS}
    )
    capital = FinanceRow(
        "Varav kapitalkostnader",
        {c: round(costs.values[c] * 0.05) for c in BASE_COLUMNS},
    )
    summa = FinanceRow("Summa Driftbudget", dict(total.values))
    for row in (income, costs, capital):
        row.derive()
    return units, total, [income, costs, capital, summa]


def _unit_row(
    label: str, budget: int, drift: float, share: float, rng: random.Random
) -> FinanceRow:
    year_end = share >= 1
    budget_period = (
        budget if year_end else round(budget * share * rng.uniform(0.97, 1.03))
    )
    utfall = round(budget_period * (1 + drift + rng.uniform(-0.04, 0.04)))
    prognos = (
        budget
        if rng.random() < 0.5
        else round(budget * (1 + drift * share + rng.uniform(-0.01, 0.01)))
    )
    row = FinanceRow(
        label,
        {
            "budget_period": budget_period,
            "utfall_period": utfall,
            "utfall_prev_period": round(budget_period * rng.uniform(0.9, 1.02)),
            "budget_year": budget,
            "prognos": utfall if year_end else prognos,  # the year's outcome is known
        },
    )
    row.derive()
    return row


def _sum_row(label: str, rows: list[FinanceRow]) -> FinanceRow:
    return FinanceRow(
        label, {c: sum(r.values[c] for r in rows) for c in rows[0].values}
    )


def _keep_printable(units: list[FinanceRow], total: FinanceRow, year_end: bool) -> None:
    """Nudge the first unit so that the totals' deviations read as ±x,y mnkr."""
    for column, base in (
        ("avvikelse_period", "utfall_period"),
        ("avvikelse_prognos", "prognos"),
    ):
        if abs(total.values[column]) < MIN_PROSE_TKR:
            step = (
                MIN_PROSE_TKR * 2 if total.values[column] >= 0 else -MIN_PROSE_TKR * 2
            )
            units[0].values[base] += step
            if year_end:
                units[0].values["prognos"] = units[0].values["utfall_period"]
            units[0].derive()
            total.values.update(_sum_row("Totalt", units).values)
    fresh = _sum_row("Totalt", units)
    total.values.update(fresh.values)


def _income_row(total: FinanceRow, rng: random.Random, year_end: bool) -> FinanceRow:
    share = rng.uniform(0.05, 0.3)
    values = {
        c: round(-total.values[c] * share * rng.uniform(0.9, 1.1)) for c in BASE_COLUMNS
    }
    values["budget_year"] = round(-total.values["budget_year"] * share)
    if abs(values["utfall_period"] - values["budget_period"]) < MIN_PROSE_TKR:
        values["utfall_period"] += MIN_PROSE_TKR * 2
    if year_end:
        values["budget_period"] = values["budget_year"]
        values["prognos"] = values["utfall_period"]
    else:  # income so far stays below the year's budget and forecast
        cap = min(values["budget_year"], values["prognos"])
        values["utfall_period"] = min(values["utfall_period"], cap - 1)
        values["budget_period"] = min(values["budget_period"], cap - 1)
    return FinanceRow("Intäkter", values)
