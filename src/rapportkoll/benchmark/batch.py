"""Write a batch of N synthetic reports (and the manifest of what was injected).

Reports are taken in a fixed order — municipality, board, period — so a batch of N
is the first N reports of the national set, each board's reports consecutive, and
the same seed gives the same files byte for byte.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from rapportkoll.benchmark.generate import (
    BOARDS_PER_MUNICIPALITY,
    MUNICIPALITIES,
    PERIODS,
    board_seed,
    make_board,
    municipality_names,
    snapshot,
)
from rapportkoll.benchmark.inject import inject
from rapportkoll.benchmark.model import Report
from rapportkoll.benchmark.render import write_text
from rapportkoll.benchmark.render_md import write_markdown

NATIONAL = MUNICIPALITIES * BOARDS_PER_MUNICIPALITY * len(PERIODS)  # 8,700
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Expected:
    """An injected discrepancy: where it is and which rule codes should report it."""

    file: str
    line: int
    kind: str
    codes: tuple[str, ...]
    note: str


def reports(
    seed: int, n: int, injections: float, tjansteskrivelser: bool = False
) -> Iterator[tuple[str, Report, list[Expected], str]]:
    """(relative path, report, expected findings, text) for the first ``n`` reports.

    ``injections`` is the mean number of injected discrepancies per report (0: clean).
    With ``tjansteskrivelser`` each board's verksamhetsberättelse is followed by its
    tjänsteskrivelse in markdown (a companion document, not counted in ``n``).
    """
    names = municipality_names(seed)
    produced = 0
    for m, name in enumerate(names):
        for b in range(BOARDS_PER_MUNICIPALITY):
            board = make_board(seed, m, b, name)
            previous: Report | None = None
            for p in range(len(PERIODS)):
                if produced >= n:
                    return
                report = snapshot(board, p)
                path = f"{name.lower()}/{b:02d}-{report.period_end:%Y-%m}.txt"
                rng = random.Random(board_seed(seed, m, b) * 13 + p)
                count = _count(rng, injections)
                done = inject(report, rng, previous, count) if count else []
                text, slots = write_text(report)
                expected = [
                    Expected(path, slots[i.slot], i.kind, i.codes, i.note) for i in done
                ]
                yield path, report, expected, text
                previous = snapshot(board, p)
                produced += 1
                if tjansteskrivelser and p == len(PERIODS) - 1:
                    yield _tjansteskrivelse(previous, path, rng, injections)


def _tjansteskrivelse(
    report: Report, path: str, rng: random.Random, injections: float
) -> tuple[str, Report, list[Expected], str]:
    """The markdown tjänsteskrivelse of a (clean) verksamhetsberättelse; with
    injections, sometimes its count of goals not met is off by one (CLM01)."""
    md_path = path.removesuffix(".txt") + "-tjansteskrivelse.md"
    failed = any(g.bedomning == "Ej uppfyllt" for g in report.goals)
    shift = 1 if failed and rng.random() < injections / 3 else 0
    text, slots = write_markdown(report, goal_shift=shift)
    expected = (
        [
            Expected(
                md_path,
                slots["md.goals"],
                "md_goal_count",
                ("CLM01",),
                "goals not met: the count is one more than the list",
            )
        ]
        if shift
        else []
    )
    return md_path, report, expected, text


def _count(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)


def write_batch(
    folder: Path,
    n: int,
    seed: int = 1,
    injections: float = 1.5,
    tjansteskrivelser: bool = False,
) -> list[Expected]:
    """Write ``n`` reports under ``folder`` and ``folder/manifest.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: list[Expected] = []
    files = []
    for path, _report, found, text in reports(seed, n, injections, tjansteskrivelser):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        files.append(path)
        expected.extend(found)
    manifest = {
        "seed": seed,
        "reports": files,
        "injections_per_report": injections,
        "expected": [asdict(e) for e in expected],
    }
    (folder / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return expected


def load_manifest(folder: Path) -> list[Expected]:
    data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return [
        Expected(e["file"], e["line"], e["kind"], tuple(e["codes"]), e["note"])
        for e in data["expected"]
    ]
