"""End to end on the real reports: real discrepancies, and edits found at their line."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from rapportkoll.cli import EXIT_ERROR, EXIT_FINDINGS, main
from rapportkoll.engine import CheckOptions, run_check, run_rules
from rapportkoll.findings import Finding, RunReport, Severity
from rapportkoll.ingest.discover import ReadOptions, read_paths
from rapportkoll.model.bundle import Bundle
from rapportkoll.rules.loader import LoadedRule, load_rules

APRIL = Path("data/000_4d1abd7bdfbb87a9.txt")
AUGUST = Path("data/002_905efd7e8d1a0751.txt")
VB = Path("data/004_bf7f54e920ff6444.txt")
FAST_CHECKS = [
    str(p)
    for p in sorted(Path("checks").glob("*.yaml"))
    if p.name != "expectations.yaml"
]


def _run(paths: list[Path]) -> RunReport:
    return run_check(CheckOptions(paths=[str(p) for p in paths], checks=FAST_CHECKS))


@pytest.fixture(scope="module")
def seeds() -> RunReport:
    return _run([Path("data")])


def _has(report: RunReport, rule: str, file: Path, line: int) -> bool:
    return any(
        f.rule == rule
        and f.file == file.as_posix()
        and line in f.lines
        and not f.waived
        for f in report.findings
    )


@pytest.mark.parametrize(
    ("rule", "file", "line"),
    [
        # The summary matrix's grand total cell is empty.
        ("matrisens-totalceller-ifyllda", APRIL, 184),
        # Bedömning Uppfyllt while the forecast misses a lower-is-better target.
        ("indikator-bedomning-foljer-mal-och-prognos", APRIL, 239),
        # 2023 outcome restated between the August 2024 and April 2025 reports.
        ("indikatorutfall-andras-mellan-rapporter", APRIL, 232),
        # The deadline decided in Tabell A (17 februari 2025) differs in April 2025.
        ("beslutat-nytt-slutdatum-andrat", APRIL, 1243),
        # Draft marker left in a comment.
        ("utkastmarkeringar-kvar", APRIL, 1568),
        # Ekonomiavdelningen's comment says -303 tkr, the table -305 tkr.
        ("verksamhetskommentar-periodens-avvikelse", AUGUST, 1442),
        # Unreadable OCR values are reported, not guessed.
        ("olasliga-eller-tvetydiga-varden", AUGUST, 238),
    ],
)
def test_real_discrepancies_are_found(
    seeds: RunReport, rule: str, file: Path, line: int
) -> None:
    assert _has(seeds, rule, file, line), [
        (f.rule, f.lines) for f in seeds.findings if f.file == file.as_posix()
    ][:40]


def test_rounding_is_never_an_error(seeds: RunReport) -> None:
    # 1 216 printed where 1 217 is computed (August, Kommundirektör) is rounding.
    rounding = [
        f
        for f in seeds.findings
        if f.rule == "avvikelse-perioden-ar-utfall-minus-budget"
        and f.file == AUGUST.as_posix()
        and 1422 in f.lines
    ]
    assert rounding and all(f.severity is Severity.INFO for f in rounding)
    assert not any(
        f.severity is Severity.ERROR
        and f.difference is not None
        and f.tolerance is not None
        and abs(f.difference) <= f.tolerance
        for f in seeds.findings
    )


def test_consistent_april_finance_is_silent(seeds: RunReport) -> None:
    errors = [
        f
        for f in seeds.findings
        if f.file == APRIL.as_posix()
        and f.table in {"finance"}
        and f.severity is Severity.ERROR
        and f.rule.startswith(
            ("driftredovisning", "verksamheter", "avvikelse", "prognosavvikelse")
        )
    ]
    assert errors == []


def _mutated(tmp_path: Path, line: int, old: str, new: str) -> Path:
    target = tmp_path / APRIL.name
    lines = APRIL.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("line", "old", "new"),
    [
        (1741, "-10 264", "-10 364"),  # per-unit utfall
        (1677, "22 070", "22 170"),  # operating statement utfall
        (180, "11 2 13", "11 3 13"),  # matrix count
        (1757, "+307", "+370"),  # per-unit comment header
        (349, "Enligt plan 2026-01-30", "Enligt plan 2025-01-30"),  # deadline passed
        (1243, "Avvikelse från plan", "Enligt plan"),  # prognosis of a late item
    ],
)
def test_single_edit_is_reported_at_its_line(
    tmp_path: Path, line: int, old: str, new: str
) -> None:
    before = {(f.rule, f.line) for f in _baseline((APRIL,)).findings}
    after = _run([_mutated(tmp_path, line, old, new)])
    new_findings = [
        f
        for f in after.findings
        if (f.rule, f.line) not in before
        and line in f.lines
        and f.severity is not Severity.INFO
    ]
    assert new_findings, [(f.rule, f.lines) for f in after.findings][:30]


@cache
def _rules() -> tuple[LoadedRule, ...]:
    return tuple(load_rules([Path(c) for c in FAST_CHECKS])[0])


@cache
def _reading(path: Path) -> Bundle:
    """One unedited seed, read once for all the edits checked against it."""
    return read_paths([path], ReadOptions())


def _check(edited: Path, others: tuple[Path, ...]) -> RunReport:
    """What ``rapportkoll check`` reports on the edited copy and the other seeds.

    The other seeds are copied next to the edited one: one municipality's reports
    sit in one folder, and rules that pair documents of different organisations
    pair them by folder (ITM01 ``organisation: folder``).
    """
    copies = []
    for other in others:
        copy = edited.parent / other.name
        if not copy.exists():
            shutil.copy(other, copy)
        copies.append(copy)
    bundle = Bundle.merge(
        [read_paths([edited], ReadOptions()), *(_reading(c) for c in copies)]
    )
    return run_rules(bundle, list(_rules()))


@cache
def _baseline(paths: tuple[Path, ...]) -> RunReport:
    """The unedited seeds' findings, computed once per set of reports."""
    return run_rules(Bundle.merge([_reading(p) for p in paths]), list(_rules()))


@dataclass(frozen=True)
class Edit:
    """One cross-checked value changed in a copy of a seed.

    The line is found by its content (``pattern``, a regex matching one line; with
    ``after``, the first line matching ``pattern`` after the one line matching
    ``after``), never by its number. ``rules`` are the rules expected to report the
    edit at its line. With ``cited`` the finding may stand in another report and
    name the edited file:line in its message (a cross-report finding belongs to the
    later report).
    """

    what: str
    pattern: str
    old: str
    new: str
    rules: tuple[str, ...]
    after: str | None = None
    cited: bool = False


@dataclass(frozen=True)
class Mutant:
    """A copy of ``source`` with edits far enough apart not to mask each other.

    Each edit must be reported at its own line; grouping them keeps the number of
    full checks (the cost of this test) small.
    """

    source: Path
    edits: tuple[Edit, ...]
    others: tuple[Path, ...] = ()


def _locate(lines: list[str], edit: Edit) -> int:
    """The 0-based index of the line to edit."""
    start = 0
    if edit.after is not None:
        anchors = [i for i, t in enumerate(lines) if re.search(edit.after, t)]
        assert len(anchors) == 1, (edit.after, [i + 1 for i in anchors])
        start = anchors[0] + 1
    hits = [i for i, t in enumerate(lines[start:], start) if re.search(edit.pattern, t)]
    assert hits and (edit.after is not None or len(hits) == 1), (
        edit.pattern,
        [i + 1 for i in hits],
    )
    assert edit.old in lines[hits[0]], lines[hits[0]]
    return hits[0]


def _apply(tmp_path: Path, mutant: Mutant) -> tuple[Path, list[int]]:
    """The edited copy and the line number of each edit."""
    lines = mutant.source.read_text(encoding="utf-8").split("\n")
    where = [_locate(lines, edit) for edit in mutant.edits]
    assert len(set(where)) == len(where) or all(
        set(a.rules).isdisjoint(b.rules)
        for i, a in enumerate(mutant.edits)
        for b in mutant.edits[i + 1 :]
    ), "two edits of one line need different rules"
    for edit, index in zip(mutant.edits, where, strict=True):
        lines[index] = lines[index].replace(edit.old, edit.new, 1)
    target = tmp_path / mutant.source.name
    target.write_text("\n".join(lines), encoding="utf-8")
    return target, [i + 1 for i in where]


def _keys(f: Finding) -> set[tuple[str, str, int]]:
    return {(f.rule, Path(f.file).name, n) for n in f.lines}


def _new_findings(before: RunReport, after: RunReport) -> list[Finding]:
    """Findings (not rounding) the edits brought: a rule at a line it was not at."""
    seen = {k for f in before.findings for k in _keys(f)}
    return [
        f
        for f in after.findings
        if f.severity is not Severity.INFO and not _keys(f) <= seen
    ]


def _at(findings: list[Finding], name: str, edit: Edit, line: int) -> set[str]:
    """The rules reporting ``edit`` at ``line`` of the file called ``name``."""
    return {
        f.rule
        for f in findings
        if (Path(f.file).name == name and line in f.lines)
        or (edit.cited and f"{name}:{line}" in f.message)
    }


_ITEM_305 = r"^Ekonomiavdelningen Enligt plan 2025-12-01 Påbörjad"
_RESULTAT_254 = r"^11.4% 6.6% 3.6% 6,4% 2.0% 2,9% Uppfyllt"
_IT_PROSE = r"^IT-enheten redovisar ingen avvikelse mot budget\."
_COUNTS = ("matris-total-stammer-med-listade", "matris-stammer-med-listade-per-prognos")

MUTANTS = {
    "april-items": Mutant(
        APRIL,
        (
            Edit("status word", _ITEM_305, "Påbörjad", "Slutförd", _COUNTS),
            Edit(
                "prognosis word",
                r"^Enligt plan 2025-06-02 Påbörjad",
                "Enligt plan",
                "Avvikelse från plan",
                ("matris-stammer-med-listade-per-prognos",),
            ),
            Edit(
                "deadline passed",
                r"^Enligt plan 2025-05-12 Påbörjad",
                "2025-05-12",
                "2025-04-14",
                ("status-prognos-och-slutdatum",),
            ),
            Edit(
                "not started after its deadline",
                r"^Avvikelse från plan 2025-02-28 Påbörjad",
                "Påbörjad",
                "Ej påbörjad",
                ("ej-paborjad-efter-slutdatum",),
            ),
            Edit(
                "responsible unit removed",
                r"^Näringslivsenheten Enligt plan 2025-10-13 Påbörjad",
                "Näringslivsenheten ",
                "",
                ("uppdrag-har-obligatoriska-falt",),
            ),
            Edit(
                "comment dated after the period",
                r"^Senaste kommentar \(",
                "2025-04-30",
                "2025-05-15",
                ("kommentar-efter-periodens-slut",),
                after=r"^Enligt plan 2025-09-08 Påbörjad",
            ),
            Edit(
                "comment long before the period end",
                r"^Senaste kommentar \(",
                "2025-04-30",
                "2024-11-29",
                ("kommentar-mycket-gammal",),
                after=r"^Näringslivsenheten Enligt plan 2025-10-13 Påbörjad",
            ),
        ),
    ),
    "april-indicators": Mutant(
        APRIL,
        (
            Edit(
                "indicator assessment",
                _RESULTAT_254,
                "Uppfyllt",
                "Ej uppfyllt",
                ("indikator-bedomning-foljer-mal-och-prognos",),
            ),
            Edit(
                "indicator value of an earlier year",
                _RESULTAT_254,
                "6.6%",
                "7.6%",
                ("indikatorutfall-andras-mellan-rapporter",),
            ),
        ),
        others=(AUGUST,),
    ),
    "april-tables-and-text": Mutant(
        APRIL,
        (
            Edit(
                "matrix row total",
                r"^Uppdrag Påbörjad 19  19",
                "19  19",
                "19  20",
                ("matris-radsumma",),
            ),
            Edit(
                "matrix column total",
                r"^Total Summa  33 3",
                "33 3",
                "34 3",
                ("matris-kolumnsumma",),
            ),
            Edit(
                "finished item deviating before its deadline",
                r"^Ekonomiavdelningen Enligt plan 2025-04-07 Slutförd",
                "Enligt plan 2025-04-07",
                "Avvikelse från plan 2025-06-09",
                ("slutford-med-avvikelse-och-framtida-slutdatum",),
            ),
            Edit(
                "investment forecast",
                r"^25000 - Höjdfordon 2025 ",
                "-11 600",
                "-10 600",
                ("investering-avvikelse-procent",),
            ),
            Edit(
                "indicator forecast value",
                _RESULTAT_254,
                "2,9%",
                "1,9%",
                ("indikator-bedomning-foljer-mal-och-prognos",),
            ),
            Edit(
                "draft marker TODO",
                _IT_PROSE,
                "ingen avvikelse",
                "TODO avvikelse",
                ("utkastmarkeringar-kvar",),
            ),
            Edit(
                "draft marker XX",
                r"^arbetssätt och genomfört effektiviseringar",
                "genomfört",
                "genomfört XX",
                ("utkastmarkeringar-kvar",),
            ),
        ),
    ),
    "april-investment-outcome": Mutant(
        APRIL,
        (
            Edit(
                "investment outcome beyond the year's budget",
                r"^25010 - Räddningsmateriel 2025 ",
                "-129 0 -129",
                "-729 0 -729",
                ("periodens-utfall-over-arsbudget-investering",),
            ),
        ),
    ),
    "august-tables": Mutant(
        AUGUST,
        (
            Edit(
                "per-unit amount",
                r"^HR-avdelning -19133",
                "-18463",
                "-18563",
                (
                    "verksamheter-summerar-till-total",
                    "avvikelse-perioden-ar-utfall-minus-budget",
                ),
            ),
            Edit(
                "matrix count",
                r"^Uppdrag Paborjad 4 2 6",
                "4 2 6",
                "4 2 7",
                ("matris-radsumma",),
            ),
            Edit(
                "investment forecast",
                r"^24002 Raddningsmateriel 2024 ",
                "-300 -300 0%",
                "-300 -200 0%",
                ("investering-avvikelse-procent",),
            ),
            Edit(
                "indicator forecast value",
                r"^Arets resultat som Ekonomiavdelning",
                "2.5%",
                "1.2%",
                ("indikator-bedomning-foljer-mal-och-prognos",),
            ),
            # Restated in the next report: the finding stands in April 2025 and
            # names this line.
            Edit(
                "indicator value of an earlier year",
                r"^Soliditet inkl\. Ekonomiavdelning",
                "27.4%",
                "29.3%",
                ("indikatorutfall-andras-mellan-rapporter",),
                cited=True,
            ),
        ),
        others=(APRIL,),
    ),
    "august-items": Mutant(
        AUGUST,
        (
            Edit(
                "status word",
                r"^Trygghetskameror ska \| Stab",
                "Paborjad",
                "Slutford",
                _COUNTS,
            ),
            Edit(
                "deadline passed",
                r"^Koncernkoncept for Stab- och Enligt plan 2024-09-09",
                "2024-09-09",
                "2024-06-03",
                ("status-prognos-och-slutdatum",),
            ),
            Edit(
                "prognosis word",
                r"^Arbeta fram handlingsplan \| Naringslivsenheten",
                "Avvikelse fran plan",
                "Enligt plan",
                ("matris-stammer-med-listade-per-prognos",),
            ),
            Edit(
                "comment dated after the period",
                r"^Senaste kommentar \(",
                "2024-08-31",
                "2024-09-15",
                ("kommentar-efter-periodens-slut",),
                after=r"^Arbeta fram handlingsplan \| Naringslivsenheten",
            ),
            Edit(
                "comment long before the period end",
                r"^Senaste kommentar \(",
                "2024-08-31",
                "2024-03-28",
                ("kommentar-mycket-gammal",),
                after=r"^Sakerhet och Stab- och Enligt plan 2024-12-02",
            ),
            Edit(
                "indicator assessment",
                r"^Arets resultat som Ekonomiavdelning",
                "Uppfyllt",
                "Ej uppfyllt",
                ("indikator-bedomning-foljer-mal-och-prognos",),
            ),
        ),
    ),
    # Verksamhetsberättelse 2024 (markdown tjänsteskrivelse): Tabell A's decided
    # deadline is compared with the April 2025 report, where the finding stands.
    "tjansteskrivelse-tabell-a": Mutant(
        VB,
        (
            Edit(
                "decided deadline",
                r"^Undersöka objektinnehavares uppfattning",
                "8 september 2025",
                "8 oktober 2025",
                ("beslutat-nytt-slutdatum-andrat",),
                cited=True,
            ),
        ),
        others=(APRIL, AUGUST),
    ),
}


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_edits_of_cross_checked_values_are_reported_at_their_lines(
    tmp_path: Path, name: str
) -> None:
    mutant = MUTANTS[name]
    edited, lines = _apply(tmp_path, mutant)
    found = _new_findings(
        _baseline((mutant.source, *mutant.others)), _check(edited, mutant.others)
    )
    missed = {
        f"{edit.what} (line {line})": sorted(_at(found, mutant.source.name, edit, line))
        for edit, line in zip(mutant.edits, lines, strict=True)
        if not _at(found, mutant.source.name, edit, line) & set(edit.rules)
    }
    assert not missed, missed


def test_draft_marker_xx_is_a_whole_token_only(tmp_path: Path) -> None:
    # Letters that merely contain XX (sizes, roman numerals, words) are no marker.
    edit = Edit(
        "XX inside words",
        _IT_PROSE,
        "ingen avvikelse",
        "ingen XXL-avvikelse under XXI:a seklet, Xx",
        ("utkastmarkeringar-kvar",),
    )
    edited, [line] = _apply(tmp_path, Mutant(APRIL, (edit,)))
    found = _new_findings(_baseline((APRIL,)), _check(edited, ()))
    assert "utkastmarkeringar-kvar" not in _at(found, APRIL.name, edit, line)


def test_cli_exit_codes_and_outputs_are_deterministic(tmp_path: Path) -> None:
    digests = []
    for run in range(2):
        out = tmp_path / f"run{run}.json"
        code = main(
            ["check", str(APRIL), "--format", "json", "--output", str(out), "--quiet"]
            + [x for c in FAST_CHECKS for x in ("--checks", c)]
        )
        assert code == EXIT_FINDINGS
        digests.append(hashlib.sha256(out.read_bytes()).hexdigest())
        document = json.loads(out.read_text(encoding="utf-8"))
        assert {
            "rule",
            "code",
            "severity",
            "message",
            "file",
            "lines",
            "expected",
            "reported",
            "difference",
            "tolerance",
        } <= set(document["findings"][0])
    assert digests[0] == digests[1]


def test_inputs_are_never_modified(tmp_path: Path) -> None:
    copy = tmp_path / "in.txt"
    shutil.copy(APRIL, copy)
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()
    main(
        ["check", str(copy), "--quiet"]
        + [x for c in FAST_CHECKS for x in ("--checks", c)]
    )
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == digest


def test_bad_rule_file_exits_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rules:\n  - id: x-rule\n    kind: SUM99\n    title: t\n", encoding="utf-8"
    )
    assert main(["check", str(APRIL), "--checks", str(bad)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert f"{bad}:2" in err and "SUM99" in err and "Traceback" not in err
