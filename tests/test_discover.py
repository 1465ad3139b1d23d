"""Finding reports under folders, parallel reading, unreadable files, central claims."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from rapportkoll.ingest.discover import ReadOptions, find_reports, read_paths
from rapportkoll.model.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = ROOT / "tests" / "fixtures" / "layouts"
DOC = ROOT / "data" / "004_bf7f54e920ff6444.txt"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "b").mkdir()
    shutil.copy(DOC, tmp_path / "b" / "ks.md")
    shutil.copy(LAYOUTS / "aligned_layout.txt", tmp_path / "a.txt")
    shutil.copy(LAYOUTS / "pipe_mnkr.md", tmp_path / "b" / "rr.md")
    (tmp_path / "c.txt").write_bytes(b"Rubrik\n\x00\x01binary")
    (tmp_path / "ignored.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    return tmp_path


def test_finds_reports_sorted(folder: Path) -> None:
    tasks = find_reports([folder])
    assert [t.report for t in tasks] == ["a", "b/ks", "b/rr", "c"]
    assert {t.kind for t in tasks} == {"text"}


def test_unreadable_file_does_not_stop_the_others(folder: Path) -> None:
    bundle = read_paths([folder])
    issues = bundle.table("extraction_issues")
    bad = issues[issues.issue == "unreadable_file"]
    assert list(bad.report) == ["c"]
    assert list(bad.line) == [2]  # the line with the NUL byte
    assert list(bundle.reports.report) == ["a", "b/ks", "b/rr"]


def test_jobs_give_the_same_bundle(folder: Path) -> None:
    one = read_paths([folder], ReadOptions(jobs=1))
    three = read_paths([folder], ReadOptions(jobs=3))
    assert set(one.tables) == set(three.tables)
    for name in one.tables:
        pd.testing.assert_frame_equal(one.tables[name], three.tables[name])
    assert one.sources.keys() == three.sources.keys()


def test_claims_are_read_for_every_layout(folder: Path) -> None:
    claims = read_paths([folder]).table("claims")
    aligned = claims[claims.report == "a"]
    assert list(aligned.printed) == ["5,0 mnkr", "6,3 mnkr", "0,8 mnkr"]
    assert list(aligned.direction) == [-1, -1, 1]
    assert list(aligned.line) == [11, 12, 12]
    pipe = claims[claims.report == "b/rr"]
    assert list(pipe.unit) == ["mnkr", "mnkr"]


def test_missing_path_and_unknown_profile(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        read_paths([tmp_path / "nope.txt"])
    with pytest.raises(UserError, match="unknown profile"):
        read_paths([DOC], ReadOptions(profile="finns-inte"))
