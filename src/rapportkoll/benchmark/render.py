"""Write a synthetic report in the Stratsys PDF-text layout of the April seed.

The layout follows data/000_*.txt as the PDF text extraction prints it: headings on
their own lines, table headers broken over several lines, long cells wrapped into a
narrow column, rows separated by blank lines, page footers naming the report. Each
line that carries a fact is recorded under a *slot* name, so an injected discrepancy
can say at which line it should be reported. ``Report.shifts`` moves a printed number
(prose, matrix) away from the value it states, as an author's slip would.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from rapportkoll.benchmark.model import (
    FINANCE_COLUMNS,
    INVEST_COLUMNS,
    FinanceRow,
    Goal,
    Item,
    Report,
)

MATRIX_STATUSES = ("Ej påbörjad", "Påbörjad", "Slutförd")
KINDS = ("Uppdrag", "Nämndinitiativ")
MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Maj",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Okt",
    "Nov",
    "Dec",
)
FINANCE_HEADER = (
    " Budget Jan ",
    "- {m} {y} ",
    "",
    "Utfall Jan - ",
    "{m} {y} ",
    "",
    "Avvikelse ",
    "Jan - {m} ",
    "",
    "{y} ",
    "",
    "Utfall Jan - ",
    "{m} {p} ",
    "",
    "Budget ",
    "helår {y} ",
    "",
    "Prognos 2 Avvikelse ",
    "Budget-",
    "",
    "Prognos ",
    "",
)
MIN_PROSE_TKR = 150


@dataclass
class Page:
    """Lines written so far and the line of every recorded slot (1-based)."""

    lines: list[str] = field(default_factory=list)
    slots: dict[str, int] = field(default_factory=dict)

    def add(self, *lines: str, slot: str | None = None) -> None:
        if slot is not None:
            self.slots[slot] = len(self.lines) + 1
        self.lines.extend(lines)

    def paragraph(
        self, text: str, slot: str | None = None, mark: str = "", width: int = 95
    ) -> None:
        """Wrap ``text`` as the PDF text does; the slot is the line where ``mark``
        (the stated number) begins — where a claim rule cites it."""
        wrapped = textwrap.wrap(text, width)
        first = len(self.lines) + 1
        self.add(*(w + " " for w in wrapped))
        if slot is not None:
            self.slots[slot] = first + _line_of(wrapped, text, text.find(mark))
        self.lines.append("")


def _line_of(wrapped: list[str], text: str, offset: int) -> int:
    """Which of the wrapped lines holds character ``offset`` of ``text``."""
    pos = 0
    for k, line in enumerate(wrapped):
        start = text.find(line, pos)
        if offset < start + len(line):
            return k
        pos = start + len(line)
    return 0


def tkr(value: int) -> str:
    """'-108 420' as the template prints amounts (space-grouped, hyphen minus)."""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", " ")


def mnkr(value: int) -> str:
    return f"{abs(value) / 1000:.1f}".replace(".", ",")


def num(value: float, decimals: int, unit: str) -> str:
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")
    return text + ("%" if unit == "%" else "")


def signed(value: int) -> str:
    return f"+{tkr(value)}" if value > 0 else tkr(value)


def render(report: Report) -> Page:
    page = Page()
    _summary(page, report)
    _matrix(page, report)
    _goals(page, report)
    _finance(page, report)
    _footer(page, report, 3)
    return page


def write_text(report: Report) -> tuple[str, dict[str, int]]:
    """The report's text and the line of every slot."""
    page = render(report)
    return "\n".join(page.lines) + "\n", page.slots


def _footer(page: Page, report: Report, number: int) -> None:
    page.add(" ", "", f"{report.title}  {number}  ", "")


def _items_of(r: Report) -> list[Item]:
    return [i for g in r.goals for i in g.items]


def _summary(page: Page, r: Report) -> None:
    org = r.organisation
    page.add(" Sammanfattning ", "Viktiga händelser och riskanalys ", "")
    intro = (
        f"{org} har under perioden arbetat vidare med verksamhetens utveckling "
        "och med att möta nya krav från omvärlden. Arbetet följs upp löpande i "
        "ledningsgruppen."
    )
    page.paragraph(r.overrides.get("prose.intro", intro), slot="prose.intro")
    page.add("Mål, indikatorer, uppdrag och initiativ ", "")
    met = sum(1 for g in r.goals if g.bedomning == "Uppfyllt")
    met += r.shifts.get("prose.goals", 0)
    page.paragraph(
        f"{org} gör bedömningen att {met} av {len(r.goals)} "
        "inriktningsmål når måluppfyllelse.",
        slot="prose.goals",
        mark=f"{met} av",
    )
    items = _items_of(r)
    upp = [i for i in items if i.kind == "Uppdrag"]
    ini = [i for i in items if i.kind != "Uppdrag"]
    if upp and ini:
        plan_u = sum(1 for i in upp if i.prognos == "Enligt plan")
        plan_u += r.shifts.get("prose.items", 0)
        plan_i = sum(1 for i in ini if i.prognos == "Enligt plan")
        page.paragraph(
            f"{org} arbetar med {len(upp)} uppdrag och {len(ini)} "
            f"initiativ, varav {plan_u} uppdrag samt {plan_i} initiativ "
            "beräknas genomföras enligt plan.",
            slot="prose.items",
            mark=f"{plan_u} uppdrag samt",
        )
    page.add("Ekonomiskt utfall och prognos ", "")
    _footer(page, r, 1)


def _matrix(page: Page, r: Report) -> None:
    page.add(
        " Mål, indikatorer, uppdrag och initiativ ",
        "",
        "Sammanställning av nämndens uppdrag och initiativ ",
        "",
        f"Organisation till VR: {r.organisation}    Period: "
        f"{r.period_end.isoformat()}     ",
        "",
        "Uppdrag/Nämndsinitiativ Status Enligt plan Avvikelse från ",
        "plan ",
        "",
        "Total Summa ",
        "",
    )
    items = _items_of(r)
    col_plan = col_dev = 0
    for kind in KINDS:
        for status in MATRIX_STATUSES:
            chosen = [i for i in items if i.kind == kind and i.status == status]
            if not chosen:
                continue
            slot = f"matrix.{kind}.{status}"
            plan = sum(1 for i in chosen if i.prognos == "Enligt plan")
            plan += r.shifts.get(slot, 0)
            dev = len(chosen) + r.shifts.get(slot, 0) - plan
            col_plan += plan
            col_dev += dev
            page.add(
                f"{kind} {status} {plan or ''} {dev or ''} {plan + dev} ", "", slot=slot
            )
    page.add(
        f"Total Summa  {col_plan} {col_dev} {col_plan + col_dev} ",
        "",
        slot="matrix.total",
    )
    upp = [i for i in items if i.kind == "Uppdrag"]
    if upp:
        started = sum(1 for i in upp if i.status == "Påbörjad")
        done = sum(1 for i in upp if i.status == "Slutförd")
        page.paragraph(
            f"{r.organisation} arbetar med {len(upp)} uppdrag. Totalt "
            f"{started} uppdrag är påbörjade och {done} uppdrag är "
            "slutförda.",
            slot="prose.status",
        )


def _goals(page: Page, r: Report) -> None:
    page.add("Måluppfyllelse per inriktningsmål ")
    for gi, goal in enumerate(r.goals):
        _goal(page, r, gi, goal)


def _goal(page: Page, r: Report, gi: int, goal: Goal) -> None:
    page.add(f"{goal.number}. {goal.title} ", "", "Bedömning Trend ", "")
    page.add(f"{goal.bedomning} {goal.trend} ", "", slot=f"goal.{gi}")
    verdict = {
        "Uppfyllt": "uppfyllt",
        "Delvis uppfyllt": "delvis uppfyllt",
        "Ej uppfyllt": "inte uppfyllt",
    }[goal.bedomning]
    page.paragraph(
        f"Inriktningsmålet bedöms {verdict}. Bedömningen görs utifrån "
        "indikatorernas prognoser och hur uppdragen fortskrider."
    )
    if goal.indicators:
        _indicators(page, r, gi, goal)
    for kind in KINDS:
        chosen = [(k, i) for k, i in enumerate(goal.items) if i.kind == kind]
        if chosen:
            _items(page, gi, kind, chosen)


def _indicators(page: Page, r: Report, gi: int, goal: Goal) -> None:
    y = r.period_end.year
    m = MONTHS[r.period_end.month - 1]
    period = "Utfall per dec " if m == "Dec" else f"Utfall {m} "
    first = f"Indikator ({goal.level}) " + (
        "Ansvarig avdelning " if goal.with_ansvarig else ""
    )
    page.add(
        first + "Utfall ",
        f"{y - 3} ",
        "",
        "Utfall ",
        f"{y - 2} ",
        "",
        "Utfall ",
        f"{y - 1} ",
        "",
        period,
        f"{y} ",
        "",
        "Mål ",
        f"{y} ",
        "",
        "Prognos ",
        f"{y} ",
        "",
        "Bedömning Trend ",
        "",
    )
    for k, ind in enumerate(goal.indicators):
        page.add(*(part + " " for part in textwrap.wrap(ind.name, 24)), "")
        if goal.with_ansvarig:
            page.add(*(part + " " for part in textwrap.wrap(ind.ansvarig, 22)), "")
        values = {f"y{year}": v for year, v in ind.years.items()}
        values |= {
            "utfall_period": ind.utfall_period,
            "mal": ind.mal,
            "prognos": ind.prognos,
        }
        cells = " ".join(
            "" if key in ind.missing else num(v, ind.decimals, ind.unit)
            for key, v in values.items()
        )
        page.add(
            f"{cells} {ind.bedomning} {ind.trend} ", "", slot=f"indicator.{gi}.{k}"
        )


def _items(page: Page, gi: int, kind: str, chosen: list[tuple[int, Item]]) -> None:
    page.add(
        f"{kind} Ansvarig avdelning Prognos för ",
        "slutförande ",
        "",
        "Slutdatum Status ",
        "",
    )
    for k, item in chosen:
        page.add(*(part + " " for part in textwrap.wrap(item.title, 24)), "")
        page.add(
            f"{item.ansvarig} {item.prognos} {item.slutdatum.isoformat()} "
            f"{item.status} ",
            "",
            slot=f"item.{gi}.{k}",
        )
        if item.comment_date is not None:
            page.add(
                f"Senaste kommentar ({item.comment_date.isoformat()}): ",
                slot=f"comment.{gi}.{k}",
            )
            page.add(item.comment + " ", "")
    page.add(" ", "")


def _finance(page: Page, r: Report) -> None:
    y = r.period_end.year
    m = MONTHS[r.period_end.month - 1]
    header = [h.format(m=m, y=y, p=y - 1) for h in FINANCE_HEADER]
    page.add(" Ekonomi", f"Ansvar: {r.organisation}     ", "", *header)
    for row in r.drift:
        _finance_row(page, row, f"drift.{row.label}")
    page.add("Driftredovisning ", "", "Periodens utfall mot budget ")
    _drift_prose(page, r)
    page.add("Driftredovisning per verksamhet ", "", *header)
    for k, row in enumerate(r.units):
        _finance_row(page, row, f"unit.{k}")
    _finance_row(page, r.total, "unit.total")
    page.add("Kommentarer till utfallsavvikelse för perioden samt prognos ", "")
    for k, row in enumerate(r.units):
        _unit_comment(page, r, k, row)
    if r.investments:
        _investments(page, r)


def _investments(page: Page, r: Report) -> None:
    """The project table as the PDF text prints an embedded sheet: no trailing
    space after a row, so an empty cell would leave no trace (none is empty)."""
    y = r.period_end.year
    m = MONTHS[r.period_end.month - 1].lower()
    page.add(
        " Investeringar ",
        "",
        "Investeringar Totalt ",
        "budget*",
        "",
        "Total ",
        "prognos Avvikelse Ack. Utfall    ",
        "",
        f"(alla år) Utfall {y - 1} Utfall jan - ",
        f"{m} {y}",
        "",
        "Budget ",
        f"{y}",
        "",
    )
    *projects, total = r.investments
    for k, row in enumerate(projects):
        page.add(f"{row.label} {_invest_cells(row)}", slot=f"invest.{k}")
    page.add(
        "",
        f"Totalt investeringar {r.invest_area} {_invest_cells(total)}",
        slot="invest.total",
    )
    page.add(" Kommunen som arbetsgivare ", "")
    page.paragraph(
        "Arbetet med att minska sjukfrånvaron fortsätter i alla verksamheter."
    )


def _invest_cells(row: FinanceRow) -> str:
    return " ".join(
        f"{row.values[c]}%" if c == "avvikelse_procent" else tkr(row.values[c])
        for c in INVEST_COLUMNS
    )


def _finance_row(page: Page, row: FinanceRow, slot: str) -> None:
    cells = " ".join(tkr(row.values[c]) for c in FINANCE_COLUMNS)
    words = row.label.split()
    if len(words) > 1 and row.label.startswith(("Varav", "Summa")):
        page.add(words[0] + " ", " ".join(words[1:]) + " ", "")
        page.add(cells + " ", "", slot=slot)
    else:
        page.add(f"{row.label} {cells} ", "", slot=slot)


def _drift_prose(page: Page, r: Report) -> None:
    org = r.organisation
    income, costs = r.drift[0].values, r.drift[1].values
    netto = r.drift[-1].values["avvikelse_period"] + r.shifts.get("prose.netto", 0)
    word = "positiv" if netto > 0 else "negativ"
    text = (
        f"{org} redovisar för perioden en {word} nettoavvikelse om {mnkr(netto)} mnkr"
    )
    parts = []
    for values, side in ((income, "intäktssidan"), (costs, "kostnadssidan")):
        dev = values["avvikelse_period"]
        if abs(dev) >= MIN_PROSE_TKR:
            kind = "överskott" if dev > 0 else "underskott"
            parts.append(f"ett {kind} om {mnkr(dev)} mnkr på {side}")
    if parts:
        text += " som fördelar sig med " + " och ".join(parts)
    page.paragraph(text + ".", slot="prose.netto", mark=f"{mnkr(netto)} mnkr")
    page.add("Helårsprognos mot budget ")
    dev = r.drift[-1].values["avvikelse_prognos"] + r.shifts.get("prose.prognos", 0)
    kind = "överskott" if dev > 0 else "underskott"
    page.paragraph(
        f"{org} prognostiserar en avvikelse om {mnkr(dev)} mnkr i {kind} "
        f"mot budget {r.period_end.year}.",
        slot="prose.prognos",
        mark=f"{mnkr(dev)} mnkr",
    )


def _unit_comment(page: Page, r: Report, k: int, row: FinanceRow) -> None:
    period_slot, prognos_slot = f"unitcomment.{k}.period", f"unitcomment.{k}.prognos"
    period = row.values["avvikelse_period"] + r.shifts.get(period_slot, 0)
    prognos = row.values["avvikelse_prognos"] + r.shifts.get(prognos_slot, 0)
    page.add(f"{row.label} ", "")
    page.add(
        f"Avvikelse budget och utfall för perioden, {signed(period)} tkr: ",
        "",
        slot=period_slot,
    )
    page.paragraph(
        "Periodens avvikelse beror främst på periodiseringar och vakanta tjänster."
    )
    page.add(f"Prognosavvikelse, {signed(prognos)} tkr: ", "", slot=prognos_slot)
    page.paragraph("För helåret bedöms kostnaderna följa verksamhetens plan.")
