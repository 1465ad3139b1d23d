"""Reading in worker processes while the rules load: same results, clean errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapportkoll.engine import CheckOptions, run_check
from rapportkoll.ingest.discover import ReadOptions, reading, resolved_jobs
from rapportkoll.model.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
APRIL = ROOT / "data" / "000_4d1abd7bdfbb87a9.txt"
TJANSTESKRIVELSE = ROOT / "data" / "004_bf7f54e920ff6444.txt"


def _findings(jobs: int, paths: list[Path]) -> list[tuple[str, str, tuple[int, ...]]]:
    report = run_check(
        CheckOptions(
            paths=[str(p) for p in paths], checks=[str(ROOT / "checks")], jobs=jobs
        )
    )
    return [(f.rule, f.message, f.lines) for f in report.findings]


def test_one_report_read_by_a_worker_gives_the_same_findings() -> None:
    assert _findings(2, [TJANSTESKRIVELSE]) == _findings(1, [TJANSTESKRIVELSE])


def test_zero_jobs_means_one_per_cpu() -> None:
    assert resolved_jobs(0) >= 1 and resolved_jobs(0) != 2  # CPUs + 1, or 1
    assert resolved_jobs(3) == 3


def test_a_bad_rule_file_stops_the_workers_with_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: x\n    kind: NOPE01\n", encoding="utf-8")
    with pytest.raises(UserError) as error:
        run_check(CheckOptions(paths=[str(APRIL)], checks=[str(bad)], jobs=2))
    assert "bad.yaml" in str(error.value)


def test_reading_with_workers_times_itself() -> None:
    with reading([TJANSTESKRIVELSE], ReadOptions(jobs=2)) as pending:
        bundle = pending.bundle()
    assert pending.seconds > 0
    assert [Path(r).name for r in bundle.reports["report"]] == [TJANSTESKRIVELSE.stem]


def test_reading_a_report_imports_neither_pandas_nor_numpy() -> None:
    """Workers start before the command line imports pandas; reading must not need it
    (else a one-report run pays the import twice over instead of overlapping it)."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "import rapportkoll.cli\n"
        "from rapportkoll.ingest.discover import ReadOptions, find_reports, read_task\n"
        "for task in find_reports([Path(p) for p in sys.argv[1:]]):\n"
        "    read_task(task, ReadOptions())\n"
        "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))\n"
    )
    seeds = sorted(str(p) for p in (ROOT / "data").glob("*.txt"))
    done = subprocess.run(
        [sys.executable, "-c", script, *seeds],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"
