"""Reports as CSV/XLSX folders: reading, validation, and text ↔ table round trips."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rapportkoll.ingest.discover import read_paths
from rapportkoll.ingest.structured import export_bundle
from rapportkoll.model.bundle import Bundle
from rapportkoll.model.errors import UserError
from rapportkoll.model.tables import PROVENANCE

DOC = Path(__file__).resolve().parents[1] / "data" / "004_bf7f54e920ff6444.txt"


def without_provenance(bundle: Bundle, name: str) -> pd.DataFrame:
    frame = bundle.table(name)
    return frame.drop(columns=list(PROVENANCE)).reset_index(drop=True)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_same_report_as_text_and_as_tables(tmp_path: Path, fmt: str) -> None:
    text = read_paths([DOC])
    export_bundle(text, tmp_path / "ks", fmt=fmt)
    tables = read_paths([tmp_path / "ks"])
    for name in ["goals", "items", "claims", "text_lines"]:
        pd.testing.assert_frame_equal(
            without_provenance(text, name), without_provenance(tables, name)
        )
    row = tables.reports.iloc[0]
    assert (row.organisation, row.period_end, row.unit) == (
        "Kommunstyrelsen",
        "2024-12-31",
        "tkr",
    )
    items = tables.table("items")
    assert items.iloc[0].line == 2  # header is row 1
    if fmt == "xlsx":
        assert set(items.sheet) == {"items"}
        assert items.iloc[0].file.endswith("tables.xlsx")
    else:
        assert items.iloc[0].file.endswith("items.csv")


def _folder(tmp_path: Path, goals_csv: str) -> Path:
    folder = tmp_path / "rep"
    folder.mkdir()
    (folder / "report.yaml").write_text(
        "organisation: Kultur\ndoc_type: delårsrapport\nperiod_start: 2025-01-01\n"
        "period_end: 2025-08-31\nunit: tkr\n",
        encoding="utf-8",
    )
    (folder / "goals.csv").write_text(goals_csv, encoding="utf-8")
    return folder


def test_bad_cell_names_file_and_row(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "goal,title,analysis_line\n1.1,Mål,3\n1.2,Mål,tre\n")
    bundle = read_paths([tmp_path])
    issue = bundle.table("extraction_issues").iloc[0]
    assert issue.issue == "unreadable_file"
    assert issue.line == 3
    assert "analysis_line" in issue.message
    with pytest.raises(UserError) as error:
        from rapportkoll.ingest.structured import read_folder

        read_folder(folder, "rep", "rep")
    assert str(error.value.where).endswith("goals.csv:3")


def test_unknown_column_and_missing_required(tmp_path: Path) -> None:
    from rapportkoll.ingest.structured import read_folder

    folder = _folder(tmp_path, "goal,titel\n1.1,Mål\n")
    with pytest.raises(UserError, match="titel"):
        read_folder(folder, "rep", "rep")
    (folder / "goals.csv").write_text("title\nMål\n", encoding="utf-8")
    with pytest.raises(UserError, match="goal"):
        read_folder(folder, "rep", "rep")


def test_good_folder(tmp_path: Path) -> None:
    _folder(tmp_path, "goal,title,bedomning\n1.1,En ekonomi i balans,Uppfyllt\n")
    bundle = read_paths([tmp_path])
    goals = bundle.table("goals")
    assert (goals.iloc[0].goal, goals.iloc[0].bedomning, goals.iloc[0].line) == (
        "1.1",
        "Uppfyllt",
        2,
    )
    assert bundle.reports.iloc[0].report == "rep"
    assert bundle.reports.iloc[0].period_start == "2025-01-01"
