"""Nothing lost: an interrupted or failed write leaves the previous report intact,
inputs are never touched, and the same inputs give byte-identical JSON."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

import rapportkoll.atomicio
import rapportkoll.reporters
from rapportkoll.atomicio import write_atomic
from rapportkoll.cli import EXIT_ERROR, main

REPO = Path(__file__).resolve().parents[1]
SMALL = REPO / "data/004_bf7f54e920ff6444.txt"
RULES = [str(REPO / "checks" / n) for n in ("format.yaml", "status.yaml")]


def _check(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["check", *argv, *(x for r in RULES for x in ("--checks", r))])
    return code, err.getvalue()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """A report folder with a JSON and an HTML report from an earlier run."""
    out = tmp_path / "reports"
    code, err = _check([str(SMALL), "-f", "json", "-f", "html", "-o", str(out), "-q"])
    assert code in (0, 1) and err == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "rapportkoll.html",
        "rapportkoll.json",
    ]
    return out


def _unchanged(folder: Path, before: dict[str, str]) -> None:
    after = {p.name: _digest(p) for p in folder.iterdir()}
    assert after == before  # same files, same bytes, no temporary files left


def test_a_failure_while_rendering_leaves_the_previous_reports(
    previous: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {p.name: _digest(p) for p in previous.iterdir()}

    def broken(report: Any, fmt: str, **options: Any) -> bytes:
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(rapportkoll.reporters, "render", broken)
    with pytest.raises(RuntimeError):
        _check([str(SMALL), "-f", "json", "-f", "html", "-o", str(previous)])
    _unchanged(previous, before)


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), None])
def test_a_failed_or_interrupted_rename_leaves_the_previous_report(
    previous: Path, monkeypatch: pytest.MonkeyPatch, error: OSError | None
) -> None:
    before = {p.name: _digest(p) for p in previous.iterdir()}

    def replace(src: str, dst: str) -> None:
        raise error if error is not None else KeyboardInterrupt

    monkeypatch.setattr(rapportkoll.atomicio.os, "replace", replace)
    code, err = _check([str(SMALL), "-f", "json", "-o", str(previous)])
    assert code == EXIT_ERROR
    lines = err.splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    if error is not None:
        target = previous / "rapportkoll.json"
        assert f"{target}: cannot write file: No space left on device" in lines[0]
    else:
        assert "avbruten" in lines[0]
    _unchanged(previous, before)


def test_a_write_interrupted_halfway_leaves_the_old_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_bytes(b'{"old": true}')
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        real_fsync(fd)
        raise KeyboardInterrupt  # after the new bytes hit the temporary file

    monkeypatch.setattr(rapportkoll.atomicio.os, "fsync", fsync)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b'{"new": true}' * 1000)
    assert target.read_bytes() == b'{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_an_output_path_that_is_a_folder_is_a_user_error(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    (target / "rapportkoll.json").mkdir(parents=True)
    code, err = _check([str(SMALL), "-f", "json", "-o", str(target)])
    assert code == EXIT_ERROR
    assert len(err.splitlines()) == 1 and "cannot write file" in err, err


def test_same_inputs_give_byte_identical_json_in_parallel_and_serially(
    tmp_path: Path,
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SMALL, inputs / "a.txt")
    shutil.copy(SMALL, inputs / "b.md")
    (inputs / "c.txt").write_bytes(b"\x00broken")
    digests = {_digest(p) for p in inputs.iterdir()}
    outputs = []
    for run, jobs in enumerate(["1", "2", "1"]):
        out = tmp_path / f"run{run}.json"
        code, err = _check([str(inputs), "-j", jobs, "-f", "json", "-o", str(out)])
        assert code == 1 and err == ""
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert b'"fil-kunde-inte-lasas"' in outputs[0]
    assert {_digest(p) for p in inputs.iterdir()} == digests
