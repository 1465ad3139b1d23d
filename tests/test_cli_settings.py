"""The command line starts reading from the settings as written, before pydantic
validates them; a bad setting still ends the run (exit 2, file:line), workers gone."""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rapportkoll import cli
from rapportkoll.cli import EXIT_ERROR, main

ROOT = Path(__file__).parent.parent
APRIL = ROOT / "data" / "000_4d1abd7bdfbb87a9.txt"


def _project(tmp_path: Path, table: str) -> Path:
    """A project folder with the April seed under data/ and ``table`` as its
    [tool.rapportkoll]."""
    (tmp_path / "data").mkdir()
    shutil.copy(APRIL, tmp_path / "data" / APRIL.name)
    (tmp_path / "profiles").mkdir()
    text = f'[project]\nname = "x"\n\n[tool.rapportkoll]\n{table}'
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_reading_starts_before_pydantic_is_imported() -> None:
    code = (
        "import sys\n"
        "from rapportkoll import cli\n"
        "args = cli._parser().parse_args(['check', sys.argv[1]])\n"
        "assert cli._early_reading(args, cli._table(args)) is not None\n"
        "print(sorted(m for m in ('pydantic', 'pandas') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(APRIL)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout.strip() == "[]"


def test_settings_as_written_read_as_validated(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        'paths = ["data"]\nprofiles = ["profiles"]\njobs = 3\n'
        "max-bytes = 1000000\nmax_lines = 40000\n",
    )
    args = cli._parser().parse_args(
        ["check", "--config", str(root / "pyproject.toml"), "--max-lines", "50000"]
    )
    table = cli._table(args)
    early = cli._early_reading(args, table)
    _config, options = cli._config(args, table)
    assert early == cli._reading(options)
    paths, read = early
    assert paths == [root / "data"]
    assert (read.jobs, read.limits.max_bytes, read.limits.max_lines) == (
        3,
        1_000_000,
        50_000,
    )


@pytest.mark.parametrize(
    ("table", "line", "message", "early"),
    [
        ('paths = ["data"]\njobs = -1\n', 6, "jobs: Input should be greater", True),
        ('paths = ["data"]\nmax-lines = 0\n', 6, "max-lines: Input should be", True),
        ('paths = ["data"]\njobs = "two"\n', 6, "jobs: Input should be a valid", False),
        ('paths = "data"\n', 5, "paths: Input should be a valid", False),
    ],
)
def test_bad_setting_is_exit_2_at_its_line_and_stops_the_workers(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    table: str,
    line: int,
    message: str,
    early: bool,
) -> None:
    root = _project(tmp_path, table)
    config = str(root / "pyproject.toml")
    args = cli._parser().parse_args(["check", "--config", config])
    assert (cli._early_reading(args, cli._table(args)) is not None) is early
    assert main(["check", "--config", config, "-q"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert message in err and f"pyproject.toml:{line}" in err, err
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize(
    ("output", "flags", "table", "starts"),
    [
        ("rapport.json", [], "", b'{\n  "findings"'),
        ("rapport.html", [], "", b"<!DOCTYPE html>"),
        ("rapport.xml", [], "", b"<?xml"),
        ("rapport.txt", [], "", b"data/000_4d1abd7bdfbb87a9.txt:"),
        ("rapport.out", [], "", b"data/000_4d1abd7bdfbb87a9.txt:"),  # unknown: text
        ("rapport.json", ["-f", "markdown"], "", b"## "),  # --format wins
        ("rapport.json", [], 'formats = ["markdown"]\n', b"## "),  # so do settings
    ],
)
def test_output_file_names_its_format_when_none_is_given(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    output: str,
    flags: list[str],
    table: str,
    starts: bytes,
) -> None:
    project = _project(tmp_path, table)
    monkeypatch.chdir(project)
    checks = str(ROOT / "checks" / "format.yaml")
    code = main(["check", "data", "--checks", checks, "-o", output, "-q", *flags])
    assert code == 1  # the April seed has an error-level format finding
    assert (project / output).read_bytes().startswith(starts)
