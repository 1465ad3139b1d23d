"""The synthetic national batch: deterministic, readable, clean when clean, and its
injected discrepancies found at their line by the rule named in the manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rapportkoll.benchmark.batch import NATIONAL, load_manifest, reports, write_batch
from rapportkoll.benchmark.generate import make_board, municipality_names, snapshot
from rapportkoll.benchmark.inject import FAMILIES
from rapportkoll.benchmark.render import write_text
from rapportkoll.benchmark.score import as_mappings, score
from rapportkoll.engine import CheckOptions, run_check
from rapportkoll.findings import RunReport
from rapportkoll.ingest.discover import read_paths

FAST_CHECKS = [
    str(p)
    for p in sorted(Path("checks").glob("*.yaml"))
    if p.name != "expectations.yaml"
]
CLEAN_SEED = 11
# Two boards' years (April, August, December) whose injections together cover
# every kind of injected discrepancy (asserted below).
INJECTED_SEEDS = (17, 53)
N = 3
INJECTED = tuple(f"injected-{seed}" for seed in INJECTED_SEEDS)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic")
    write_batch(root / "clean", N, seed=CLEAN_SEED, injections=0)
    for seed, folder in zip(INJECTED_SEEDS, INJECTED, strict=True):
        write_batch(root / folder, N, seed=seed, injections=4)
    return root


@pytest.fixture(scope="module")
def checked(batch: Path) -> RunReport:
    # one run over both halves: different seeds, different municipalities
    return run_check(CheckOptions(paths=[str(batch)], checks=FAST_CHECKS))


def test_the_national_set_is_290_municipalities_10_boards_3_reports() -> None:
    assert NATIONAL == 8700
    assert len(set(municipality_names(1))) == 290


def test_same_seed_same_text_other_seed_other_text() -> None:
    def texts(seed: int) -> list[str]:
        return [text for _, _, _, text in reports(seed, 4, injections=1.5)]

    assert texts(5) == texts(5)
    assert texts(5) != texts(6)


def test_sums_and_deviations_hold_in_the_model() -> None:
    board = make_board(3, 7, 4, "Testby")
    for period in range(3):
        r = snapshot(board, period)
        for column in r.total.values:
            assert r.total.values[column] == sum(u.values[column] for u in r.units)
            assert r.drift[-1].values[column] == r.total.values[column]
        for row in [*r.units, *r.drift]:
            v = row.values
            assert v["avvikelse_period"] == v["utfall_period"] - v["budget_period"]
            assert v["avvikelse_prognos"] == v["prognos"] - v["budget_year"]


def test_the_slots_point_at_the_lines_they_name() -> None:
    text, slots = write_text(snapshot(make_board(1, 0, 0, "Testby"), 0))
    lines = text.splitlines()
    assert lines[slots["unit.total"] - 1].startswith("Totalt ")
    assert lines[slots["prose.netto"] - 1].startswith(
        "Kommunstyrelsekontoret Testby redovisar för perioden"
    )
    assert lines[slots["matrix.total"] - 1].startswith("Total Summa ")
    assert "Period: 2025-04-30" in "".join(lines[: slots["matrix.total"]])


def test_clean_reports_read_without_extraction_issues(batch: Path) -> None:
    bundle = read_paths([batch / "clean"])
    assert len(bundle.reports) == N
    assert set(bundle.reports["profile"]) == {"norrtalje-stratsys"}
    assert bundle.table("extraction_issues").empty
    assert len(bundle.table("items")) > 0 and len(bundle.table("finance")) > 0


def test_clean_reports_give_no_false_alarms(checked: RunReport) -> None:
    clean = [f for f in as_mappings(checked.findings) if "/clean/" in f["file"]]
    errors = [f["message"] for f in clean if f["severity"] == "error"]
    assert errors == []
    warnings = [f["message"] for f in clean if f["severity"] == "warning"]
    assert warnings == []


def test_every_injected_discrepancy_is_found_at_its_line(
    batch: Path, checked: RunReport
) -> None:
    kinds: set[str] = set()
    for folder in INJECTED:
        expected = load_manifest(batch / folder)
        kinds |= {e.kind for e in expected}
        marker = f"/{folder}/"
        injected = [f for f in as_mappings(checked.findings) if marker in f["file"]]
        result = score(injected, expected, batch / folder)
        # Every injection is cited at its line. A strict miss is allowed only where
        # a wrong amount in a row of space-grouped amounts leaves no reading that
        # satisfies the row's relations: the reader then reports the row ambiguous
        # (EXT01 at that line) and the arithmetic rules skip the uncertain row.
        assert result.line_recall == 1.0, [str(m) for m in result.missed]
        by_line = {
            (f["file"].split(marker)[-1], line): f["code"]
            for f in injected
            for line in f["lines"]
        }
        for miss in result.missed:
            assert miss.kind in {"drift_row", "unit_amount", "wrong_total"}
            assert by_line[(miss.file, miss.line)] == "EXT01"
        assert result.recall >= 0.85
    assert kinds == {f.__name__ for family in FAMILIES for f in family}


def test_the_manifest_names_file_line_and_codes(batch: Path) -> None:
    folder = batch / INJECTED[0]
    data = json.loads((folder / "manifest.json").read_text("utf-8"))
    first = data["expected"][0]
    assert set(first) == {"file", "line", "kind", "codes", "note"}
    line = (folder / first["file"]).read_text("utf-8").splitlines()
    assert 1 <= first["line"] <= len(line)


def test_bench_write_makes_a_batch_and_its_manifest(tmp_path: Path) -> None:
    from rapportkoll.cli import main

    assert main(["bench", "--write", str(tmp_path), "--sizes", "2"]) == 0
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.txt"))
    assert len(files) == 2 and all(f.endswith(("-04.txt", "-08.txt")) for f in files)
    assert (
        json.loads((tmp_path / "manifest.json").read_text("utf-8"))["reports"] == files
    )


def test_score_needs_the_code_and_the_line() -> None:
    from rapportkoll.benchmark.batch import Expected

    root = Path("/batch")
    expected = [
        Expected("a.txt", 10, "unit_amount", ("ROW01", "SUM01"), ""),
        Expected("a.txt", 20, "prose_amount", ("CLM01",), ""),
        Expected("b.txt", 5, "draft_marker", ("TXT01",), ""),
    ]
    findings = [
        {
            "code": "SUM01",
            "severity": "error",
            "file": "/batch/a.txt",
            "lines": [9, 10],
        },
        {"code": "EXT01", "severity": "warning", "file": "/batch/a.txt", "lines": [20]},
        {"code": "TXT01", "severity": "info", "file": "/batch/b.txt", "lines": [5]},
        {"code": "CMP01", "severity": "warning", "file": "/batch/b.txt", "lines": [7]},
    ]
    result = score(findings, expected, root)
    assert (result.found, result.flagged, result.expected) == (1, 1, 3)
    assert [m.kind for m in result.missed] == ["prose_amount", "draft_marker"]
    assert dict(result.unexpected) == {"EXT01": 1, "CMP01": 1}


def test_measure_reports_wall_cpu_memory_and_stage_timings() -> None:
    import sys

    from rapportkoll.benchmark.measure import run

    code = (
        "import sys; x = bytearray(50 * 2**20); "
        "sys.stderr.write('  extraction      12.5 ms\\n  rules.SUM01   1.0 ms\\n')"
    )
    m = run([sys.executable, "-c", code])
    assert m.exit_code == 0 and m.wall > 0 and m.cpu > 0
    assert m.maxrss_mib >= 50
    assert m.timings == {"extraction": 0.0125, "rules.SUM01": 0.001}


def test_a_tjansteskrivelse_reads_and_its_goal_count_is_checked(tmp_path: Path) -> None:
    from rapportkoll.benchmark.render_md import write_markdown

    board = next(
        b
        for b in (make_board(2, 0, k, "Testby") for k in range(10))
        if any(g.bedomning == "Ej uppfyllt" for g in snapshot(b, 2).goals)
    )
    report = snapshot(board, 2)
    failed = [g.number for g in report.goals if g.bedomning == "Ej uppfyllt"]
    clean, _ = write_markdown(report)
    wrong, slots = write_markdown(report, goal_shift=1)
    (tmp_path / "clean.md").write_text(clean, "utf-8")
    (tmp_path / "wrong.md").write_text(wrong, "utf-8")
    bundle = read_paths([tmp_path / "clean.md"])
    assert set(bundle.reports["profile"]) == {"norrtalje-tjansteskrivelse"}
    assert list(bundle.table("goals")["goal"]) == failed
    prose = [p for p in FAST_CHECKS if p.endswith("prose.yaml")]
    run = run_check(CheckOptions(paths=[str(tmp_path)], checks=prose))
    cited = {
        (Path(f.file).name, line, f.code) for f in run.findings for line in f.lines
    }
    assert ("wrong.md", slots["md.goals"], "CLM01") in cited
    assert not [f for f in run.findings if Path(f.file).name == "clean.md"]
