"""PDF input: text per page through the best text reader, with page numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from rapportkoll.ingest.discover import read_paths
from rapportkoll.ingest.pdf import page_of

LAYOUT = Path(__file__).resolve().parent / "fixtures" / "layouts" / "aligned_layout.txt"


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    pdf = FPDF()
    pdf.set_font("Courier", size=8)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


@pytest.fixture
def report_pdf(tmp_path: Path) -> Path:
    table = LAYOUT.read_text(encoding="utf-8").splitlines()
    prose = [
        "Verksamhetsberättelse 2025",
        "",
        "Nämnden redovisar ett överskott om 1,2 mnkr för helåret.",
    ]
    return make_pdf(tmp_path / "rapport.pdf", [prose, table])


def test_pdf_text_and_pages(report_pdf: Path) -> None:
    bundle = read_paths([report_pdf.parent])
    assert list(bundle.reports.report) == ["rapport"]
    claims = bundle.table("claims")
    first = claims[claims.printed == "1,2 mnkr"].iloc[0]
    assert (first.value, first.direction, first.sheet) == (1.2, 1, "page 1")
    finance = bundle.table("finance")
    skola = finance[(finance.row == "Skola") & (finance.column == "avvikelse_period")]
    assert list(skola.value) == [-6279.0]
    assert set(finance.sheet) == {"page 2"}
    later = claims[claims.printed == "6,3 mnkr"].iloc[0]
    assert later.sheet == "page 2"
    assert report_pdf.as_posix() in bundle.sources


def test_not_a_pdf_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "trasig.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (tmp_path / "ok.txt").write_text("Nämnden har 3 uppdrag.\n", encoding="utf-8")
    bundle = read_paths([tmp_path])
    issues = bundle.table("extraction_issues")
    assert list(issues.issue) == ["unreadable_file"]
    assert list(issues.file) == [(tmp_path / "trasig.pdf").as_posix()]
    assert list(bundle.reports.report) == ["ok"]


def test_page_of() -> None:
    starts = [1, 40, 75]
    assert [page_of(n, starts) for n in (1, 39, 40, 74, 75, 200)] == [1, 1, 2, 2, 3, 3]
