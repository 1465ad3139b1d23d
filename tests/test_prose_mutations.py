"""A number changed in the prose of a copy of a seed is reported at its line.

Each edit replaces one count or amount in a sentence with a wrong one; the copy is
otherwise the real report, so every other rule sees what it sees on the seeds. All
edits of one seed go into one copy (they are on different lines and bind to
different facts), and the three copies are checked in one run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rapportkoll.engine import CheckOptions, run_check
from rapportkoll.findings import RunReport

DATA = Path(__file__).resolve().parents[1] / "data"
APRIL = "000_4d1abd7bdfbb87a9.txt"
AUGUST = "002_905efd7e8d1a0751.txt"
VB = "004_bf7f54e920ff6444.txt"
CHECKS = [
    str(p)
    for p in sorted((DATA.parent / "checks").glob("*.yaml"))
    if p.name != "expectations.yaml"
]

# (file, line, text as printed, replacement, rule that must report the line)
EDITS = [
    # totals in prose against the listing and the goals
    (APRIL, 186, "med 21 uppdrag", "med 22 uppdrag", "antal-uppdrag-totalt-i-text"),
    (
        APRIL,
        186,
        "och 15 initiativ.",
        "och 16 initiativ.",
        "antal-initiativ-totalt-i-text",
    ),
    (
        APRIL,
        148,
        "med 13 inriktningsmål",
        "med 14 inriktningsmål",
        "antal-inriktningsmal-totalt-i-text",
    ),
    (
        APRIL,
        150,
        "Samtliga utom ett",
        "Samtliga utom två",
        "samtliga-utom-inriktningsmal-i-text",
    ),
    (AUGUST, 240, "med 18 uppdrag", "med 19 uppdrag", "antal-uppdrag-totalt-i-text"),
    # a number word: 'Tolv uppdrag är genomförda' (OCR: 'genomférda')
    (AUGUST, 244, "Tolv uppdrag", "Elva uppdrag", "antal-slutforda-uppdrag-i-text"),
    (
        VB,
        43,
        "De 4 av 21 inriktningsmål",
        "De 5 av 21 inriktningsmål",
        "ej-uppfyllda-inriktningsmal-i-text",
    ),
    # a goal's analysis against its own uppdrag and indicators
    (
        APRIL,
        1549,
        "tre av fyra av uppdragen",
        "två av fyra av uppdragen",
        "malanalys-antal-stammer-med-delarna",
    ),
    (
        APRIL,
        375,
        "samtliga indikatorer bedöms",
        "två indikatorer bedöms",
        "malanalys-antal-stammer-med-delarna",
    ),
    (
        APRIL,
        614,
        "en indikator förväntas",
        "två indikatorer förväntas",
        "malanalys-antal-stammer-med-delarna",
    ),
    (
        AUGUST,
        607,
        "att tva uppdrag ar genomférda",
        "att tre uppdrag ar genomférda",
        "malanalys-antal-stammer-med-delarna",
    ),
    # amounts: the net deviation and the cost side, with unit conversion
    (APRIL, 1694, "om 14,9 mnkr", "om 15,9 mnkr", "nettoavvikelse-i-text"),
    (APRIL, 1695, "17,8 mnkr", "18,8 mnkr", "kostnadsavvikelse-i-text"),
    # an investment named in prose, in mnkr, against its row in tkr
    (APRIL, 1870, "är 11,6 mnkr", "är 12,6 mnkr", "investering-prognos-i-text"),
    (APRIL, 1868, "är 12,5 mnkr", "är 13,5 mnkr", "investering-budget-i-text"),
    # sick leave against the table's value for the period's last month (April 2,71 %)
    (APRIL, 1957, "var 2,7%", "var 3,7%", "sjukfranvaro-i-text"),
    # a figure stated twice in a document with no table: sentence against sentence
    (VB, 33, "om 60 046 tkr", "om 61 046 tkr", "samma-belopp-lika-i-texten"),
    (VB, 76, "Av de 52 uppdrag", "Av de 53 uppdrag", "samma-antal-lika-i-texten"),
]


def _edit(root: Path) -> None:
    for name in {e[0] for e in EDITS}:
        lines = (DATA / name).read_text(encoding="utf-8").split("\n")
        for file, line, old, new, _rule in EDITS:
            if file != name:
                continue
            assert old in lines[line - 1], (file, line, lines[line - 1])
            lines[line - 1] = lines[line - 1].replace(old, new, 1)
        (root / name).write_text("\n".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunReport]:
    root = tmp_path_factory.mktemp("prose_edits")
    _edit(root)
    report = run_check(CheckOptions(paths=[str(root)], checks=CHECKS))
    return root, report


@pytest.mark.parametrize(
    ("file", "line", "old", "new", "rule"),
    EDITS,
    ids=[f"{e[0][:3]}-{e[1]}-{e[4]}" for e in EDITS],
)
def test_changed_number_is_reported_at_its_line(
    edited: tuple[Path, RunReport], file: str, line: int, old: str, new: str, rule: str
) -> None:
    root, report = edited
    path = (root / file).as_posix()
    hits = [f for f in report.findings if f.file == path and f.rule == rule]
    assert any(line in f.lines for f in hits), [(f.lines, f.message) for f in hits]


def test_the_unedited_lines_stay_silent(edited: tuple[Path, RunReport]) -> None:
    """The rules that catch the edits say nothing about the seeds themselves."""
    seeds = run_check(CheckOptions(paths=[str(DATA)], checks=CHECKS))
    rules = {e[4] for e in EDITS}
    assert [f.message for f in seeds.findings if f.rule in rules] == []
