"""Static checks as tests, so CI runs them: ruff, mypy --strict, the layer contract."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    on_path = shutil.which(name)
    if on_path is None:
        pytest.fail(f"{name} is not installed (pip install -e '.[dev]')")
    return on_path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def test_ruff_finds_nothing() -> None:
    done = _run(_tool("ruff"), "check", "src", "tests", "scripts")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_mypy_strict_finds_nothing() -> None:
    done = _run(_tool("mypy"), "src")  # strict = true in [tool.mypy]
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_layers_point_one_way() -> None:
    done = _run(_tool("lint-imports"))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
