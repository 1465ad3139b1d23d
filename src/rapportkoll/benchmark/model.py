"""The content of one synthetic report, before it is written out as text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

FINANCE_COLUMNS = (
    "budget_period",
    "utfall_period",
    "avvikelse_period",
    "utfall_prev_period",
    "budget_year",
    "prognos",
    "avvikelse_prognos",
)
INVEST_COLUMNS = (
    "totalt_budget",
    "total_prognos",
    "avvikelse_procent",
    "ack_utfall",
    "utfall_prev_year",
    "utfall_period",
    "budget_year",
)
BASE_COLUMNS = (
    "budget_period",
    "utfall_period",
    "utfall_prev_period",
    "budget_year",
    "prognos",
)


@dataclass
class FinanceRow:
    """One row of an operating statement, in tkr (costs negative)."""

    label: str
    values: dict[str, int]

    def derive(self) -> None:
        v = self.values
        v["avvikelse_period"] = v["utfall_period"] - v["budget_period"]
        v["avvikelse_prognos"] = v["prognos"] - v["budget_year"]


@dataclass
class Indicator:
    name: str
    unit: str
    direction: str
    decimals: int
    years: dict[int, float]
    utfall_period: float
    mal: float
    prognos: float
    bedomning: str
    trend: str
    ansvarig: str = ""
    # cells printed empty: "y2022", "y2023" (a new indicator), "utfall_period",
    # "prognos" (not measured this year; then assessed 'Inget värde angivet')
    missing: tuple[str, ...] = ()


@dataclass
class Item:
    kind: str  # 'Uppdrag' or 'Nämndinitiativ'
    title: str
    ansvarig: str
    slutdatum: date
    started: date  # when the item goes from Ej påbörjad to Påbörjad
    finished: date | None  # when it is Slutförd (None: not within the year)
    late: bool  # finished after its deadline, or not at all
    status: str = ""
    prognos: str = ""
    comment_date: date | None = None
    comment: str = ""


@dataclass
class Goal:
    number: str
    title: str
    indicators: list[Indicator]
    items: list[Item]
    bedomning: str = ""
    trend: str = ""
    level: str = "KF"  # the indicator table's header: Indikator (KF) / (Nämnd)
    with_ansvarig: bool = False  # the indicator table has an Ansvarig column


@dataclass
class Report:
    """One board's report for one period; every number consistent unless injected."""

    municipality: str
    organisation: str
    period_end: date
    doc_type: str
    title: str
    goals: list[Goal]
    units: list[FinanceRow]
    total: FinanceRow
    drift: list[FinanceRow]  # Intäkter, Kostnader, Varav kapitalkostnader, Summa
    investments: list[FinanceRow] = field(default_factory=list)  # projects, then total
    invest_area: str = ""
    # Injected discrepancies the renderer applies while printing: a slot's printed
    # number shifted by an amount, or a prose slot's text replaced.
    shifts: dict[str, int] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)
