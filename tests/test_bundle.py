"""Readers' plain rows, and the run's canonical tables built from them once."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rapportkoll.model.bundle as bundle_module
from rapportkoll.ingest.discover import (
    ReadOptions,
    find_reports,
    pool_chunksize,
    read_paths,
    read_task,
)
from rapportkoll.model.bundle import Bundle, TableBuilder
from rapportkoll.model.tables import TABLES

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
APRIL = DATA / "000_4d1abd7bdfbb87a9.txt"
KS = DATA / "004_bf7f54e920ff6444.txt"


def _assert_same_tables(left: Bundle, right: Bundle) -> None:
    assert list(left.tables) == list(right.tables)
    for name in left.tables:
        pd.testing.assert_frame_equal(left.tables[name], right.tables[name])


def test_a_reader_returns_rows_in_the_contract_order() -> None:
    task = find_reports([KS])[0]
    report = read_task(task, ReadOptions())
    columns = list(TABLES["text_lines"].columns)
    rows = report.rows("text_lines")
    assert all(len(row) == len(columns) for row in rows)
    first = dict(zip(columns, rows[0], strict=True))
    # Lines 1-4 are blank; line 5 is "**Kommunstyrelsekontoret**".
    assert (first["report"], first["file"], first["line"]) == (
        task.report,
        task.display,
        5,
    )
    assert "Kommunstyrelsekontoret" in first["text"]
    assert first["sheet"] is None


def test_every_table_has_the_contract_dtypes_and_nan_for_empty_text() -> None:
    bundle = read_paths([DATA])
    assert {"reports", "indicators", "claims", "repairs"} <= set(bundle.tables)
    for name, frame in bundle.tables.items():
        assert list(frame.columns) == list(TABLES[name].columns), name
        assert dict(frame.dtypes) == TABLES[name].dtypes(), name
        assert isinstance(frame.index, pd.RangeIndex), name
        for column in frame.select_dtypes(include="object").columns:
            assert not any(cell is None for cell in frame[column]), (name, column)
    # The August report's title is not printed: an empty cell, NaN as in any column.
    titles = bundle.reports.set_index("report")["title"]
    assert titles.isna().sum() == 1
    assert titles["000_4d1abd7bdfbb87a9"] == "Delårsrapport per april 2025"


def test_merging_in_chunks_gives_the_same_tables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    whole = read_paths([DATA])
    monkeypatch.setattr(bundle_module, "MERGE_CHUNK", 1)
    chunked = read_paths([DATA])
    _assert_same_tables(whole, chunked)
    assert list(chunked.reports.report) == [p.stem for p in sorted(DATA.glob("*.txt"))]


def test_bundles_of_frames_merge_like_bundles_of_rows() -> None:
    # Merged bundles hold frames; merging them again goes through their rows.
    parts = Bundle.merge([read_paths([APRIL]), read_paths([KS])])
    _assert_same_tables(parts, read_paths([APRIL, KS]))
    # An Int64 column with empty cells (<NA>) survives the round trip.
    direction = parts.table("claims")["direction"]
    assert direction.dtype == "Int64"
    assert direction.isna().any() and set(direction.dropna()) == {-1, 1}


def test_builder_fills_absent_columns_and_refuses_unknown_ones() -> None:
    builder = TableBuilder()
    builder.add("goals", report="r", file="f.txt", line=3, goal="1.1")
    with pytest.raises(KeyError, match="bedömning"):
        builder.add("goals", report="r", file="f.txt", line=4, bedömning="Uppfyllt")
    with pytest.raises(KeyError, match="unknown canonical table"):
        builder.add("mål", report="r", file="f.txt", line=4)
    bundle = builder.build({"f.txt": ["a", "b", "c"]})
    (row,) = bundle.rows("goals")
    assert row[:5] == ("r", "f.txt", 3, None, "1.1")
    goals = bundle.table("goals")
    assert goals["line"].tolist() == [3]
    assert np.isnan(goals["title"].iloc[0])
    assert goals["analysis_line"].isna().tolist() == [True]
    assert bundle.sources["f.txt"].lines() == ["a", "b", "c"]


def test_set_rows_replaces_a_table_in_place() -> None:
    bundle = read_task(find_reports([KS])[0], ReadOptions())
    names = bundle.names()
    kept = bundle.rows("claims")[:2]
    bundle.set_rows("claims", kept)
    assert bundle.names() == names
    assert len(bundle.table("claims")) == 2
    bundle.set_rows("claims", [])
    assert "claims" not in bundle.names()
    assert bundle.table("claims").empty


def test_a_report_crosses_the_process_boundary_as_plain_rows() -> None:
    report = read_task(find_reports([KS])[0], ReadOptions())
    copy = pickle.loads(pickle.dumps(report))
    assert copy.names() == report.names()
    assert copy.rows("text_lines") == report.rows("text_lines")
    _assert_same_tables(copy, report)  # NaN cells (claims' value) too
    (file,) = report.sources
    assert copy.sources[file].lines() == KS.read_text(encoding="utf-8").splitlines()


def test_workers_get_reports_in_chunks() -> None:
    assert pool_chunksize(8700, 2) == 16
    assert pool_chunksize(50, 2) == 3
    assert pool_chunksize(3, 2) == 1


def test_an_empty_table_is_left_out_of_the_merge() -> None:
    report = read_task(find_reports([KS])[0], ReadOptions())
    empty = Bundle(tables={"repairs": TABLES["repairs"].empty()})
    merged = Bundle.merge([empty, report])
    assert "repairs" not in merged.tables
    assert merged.table("repairs").empty
    assert list(merged.reports.report) == [report.rows("reports")[0][0]]
