"""A tjänsteskrivelse in markdown for a board's verksamhetsberättelse, in the layout
of data/004_*.md-like seed (data/004_bf7f54e920ff6444.txt): decision proposal,
summary with the year's deviation, the inriktningsmål not met as a bullet list
introduced by "De k av n inriktningsmål som inte nås … är:", and Tabell A of the
uppdrag and initiativ carried over, with new (late) or planned deadlines.
"""

from __future__ import annotations

from datetime import date, timedelta

from rapportkoll.benchmark.model import Report
from rapportkoll.benchmark.render import Page, mnkr
from rapportkoll.ingest.numberwords import MONTH_NAMES


def long_date(d: date) -> str:
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def board_name(report: Report) -> str:
    office = report.organisation.rsplit(" ", 1)[0]
    if office.startswith("Kommunstyrelse"):
        return "Kommunstyrelsen"
    return office.removesuffix("kontoret") + "nämnden"


def write_markdown(report: Report, goal_shift: int = 0) -> tuple[str, dict[str, int]]:
    """The tjänsteskrivelse's text and the line of its slots ('md.goals', …)."""
    page = Page()
    office = report.organisation
    board = board_name(report)
    year = report.period_end.year
    page.add(
        "",
        "",
        "",
        "",
        f"**{office}**",
        "",
        "Handläggare: Anna Andersson  ",
        "Titel: Controller  ",
        "E-post: anna.andersson@example.se",
        "",
        f"Till: {board}",
        "",
        f"## Verksamhetsberättelse {year} för {board.lower()}",
        "",
        "### Förslag till beslut",
        "",
        f"{board} beslutar:",
        "",
        f"1. Godkänna verksamhetsberättelse {year} med tillhörande bilagor.",
        f"2. Godkänna överföring av uppdrag och initiativ till {year + 1}.",
        "",
        "### Sammanfattning",
        "",
    )
    summa = report.drift[-1].values["avvikelse_period"]
    kind = "överskott" if summa > 0 else "underskott"
    page.add(
        f"{office} redovisar ett sammantaget {kind} om {mnkr(summa)} mnkr för året.",
        "",
        slot="md.netto",
    )
    page.add("### Ärendet", "")
    failed = [g for g in report.goals if g.bedomning == "Ej uppfyllt"]
    if failed:
        page.add(
            f"De {len(failed) + goal_shift} av {len(report.goals)} inriktningsmål "
            f"som inte nås av {board.lower()} är:",
            "",
            slot="md.goals",
        )
        for g in failed:
            page.add(f"- {g.number} {g.title.rstrip('.')}")
        page.add("")
    _table_a(page, report)
    page.add(
        "### Ärendets beredning",
        "",
        "Ärendet har beretts med verksamheterna inom förvaltningen.",
        "",
        "### Ekonomiska konsekvenser",
        "",
        "Ärendet har inga ekonomiska konsekvenser.",
        "",
        "## Beslut skickas till",
        "",
        office,
    )
    return "\n".join(page.lines) + "\n", page.slots


def _table_a(page: Page, report: Report) -> None:
    carried = [i for g in report.goals for i in g.items if i.status != "Slutförd"]
    if not carried:
        return
    year = report.period_end.year
    page.add(
        "**Tabell A**",
        "",
        "<b>Uppdrag/Nämndinitiativ</b>\t<b>Ny försenad "
        "tidplan</b>\t<b>Går enligt beslutad plan</b>",
    )
    for item in carried:
        if item.prognos == "Enligt plan":
            page.add(f"{item.title}\t\t{long_date(item.slutdatum)}")
        else:
            new = max(item.slutdatum, report.period_end) + timedelta(days=120)
            page.add(
                f"{item.title}\t{long_date(new)}, beslutas i "
                f"verksamhetsberättelsen {year}\t"
            )
    page.add("")
