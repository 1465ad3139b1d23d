"""The ``rapportkoll`` command as a process: exit codes, output and written files
survive the quick exit (``cli.entry`` skips the interpreter's teardown)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

APRIL = "data/000_4d1abd7bdfbb87a9.txt"


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "rapportkoll.cli", *args]


def test_findings_exit_1_with_the_summary_and_a_complete_json(tmp_path: Path) -> None:
    out = tmp_path / "rapport.json"
    done = subprocess.run(
        _command(
            "check",
            APRIL,
            "--checks",
            "checks/format.yaml",
            "-f",
            "json",
            "-o",
            str(out),
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "\n1 fel, 6 varningar" in done.stdout and not done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["summary"]["by_severity"] == {"error": 1, "info": 0, "warning": 6}
    assert done.stdout.rstrip().endswith(str(out))


def test_bad_input_exits_2_naming_the_file(tmp_path: Path) -> None:
    rules = tmp_path / "regler.yaml"
    rules.write_text("rules:\n  - id: x\n    kind: FINNS_INTE\n", encoding="utf-8")
    done = subprocess.run(
        _command("check", APRIL, "--checks", str(rules), "-q"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "regler.yaml:2" in done.stderr and "Traceback" not in done.stderr


def test_a_closed_pipe_is_no_traceback() -> None:
    command = _command("check", APRIL, "--checks", "checks/arithmetic.yaml")
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()  # as `| head -1` does
        errors = proc.stderr.read().decode()
        proc.wait()
    assert "Traceback" not in errors
    assert proc.returncode in (0, 1, 2)
