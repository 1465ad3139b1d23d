"""An Excel workbook: sheet Avvikelser (one row per finding), sheet Sammanfattning."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rapportkoll.findings import Finding, RunReport, Severity
from rapportkoll.reporters.i18n import label, outcome_label, severity_label

_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
FIXED_TIME = datetime(2000, 1, 1)  # no timestamps: same input, same bytes
COLUMNS = (
    ("severity", 10), ("code", 8), ("rule", 34), ("report", 16), ("file", 34),
    ("line", 8), ("lines", 18), ("table", 28), ("message", 80), ("expected", 12),
    ("reported", 12), ("difference", 12), ("tolerance", 10), ("waiver", 40),
    ("fingerprint", 18),
)  # fmt: skip
HEADER_FILL = PatternFill("solid", fgColor="1D2939")


def render(report: RunReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    _findings_sheet(sheet, report)
    _summary_sheet(workbook.create_sheet(), report)
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _findings_sheet(sheet: Worksheet, report: RunReport) -> None:
    lang = report.lang
    sheet.title = "Avvikelser" if lang != "en" else "Findings"
    heads = [_head(lang, key) for key, _ in COLUMNS]
    sheet.append(heads)
    for f in sorted(report.findings, key=Finding.sort_key):
        sheet.append(_row(f, lang))
    for i, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        cell = sheet.cell(row=1, column=i)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{sheet.max_row}"


def _head(lang: str, key: str) -> str:
    if key == "waiver":
        return label(lang, "waiver").capitalize()
    return label(lang, key)


def _row(f: Finding, lang: str) -> list[Any]:
    return [
        severity_label(lang, f.severity),
        f.code,
        f.rule,
        f.report,
        f.file,
        f.line,
        ", ".join(str(n) for n in f.lines),
        f.table or "",
        f.message,
        f.expected,
        f.reported,
        f.difference,
        f.tolerance,
        f.waiver or "",
        f.fingerprint,
    ]


def _summary_sheet(sheet: Worksheet, report: RunReport) -> None:
    lang = report.lang
    sheet.title = "Sammanfattning" if lang != "en" else "Summary"
    sheet.append(
        [label(lang, "severity"), label(lang, "active"), label(lang, "waived")]
    )
    for s in sorted(Severity, key=lambda s: -s.rank):
        sheet.append(
            [severity_label(lang, s), report.count(s), report.count(s, waived=True)]
        )
    sheet.append([])
    sheet.append([label(lang, "report"), label(lang, "rule"), label(lang, "code"),
                  label(lang, "outcome"), label(lang, "checked"),
                  label(lang, "findings").capitalize()])  # fmt: skip
    for r in sorted(report.results, key=lambda r: (r.report, r.rule)):
        sheet.append([r.report, r.rule, r.code, outcome_label(lang, r.outcome),
                      r.checked, r.findings])  # fmt: skip
    for row in (1, 6):
        for cell in sheet[row]:
            cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (16, 36, 8, 16, 14, 12), strict=True):
        sheet.column_dimensions[column].width = width


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed member times so the bytes are reproducible."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            member = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps 'modified' with the clock at save time, whatever
                # the workbook says: a run crossing a second gave different bytes.
                member = _W3CDTF.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", member)
            dst.writestr(fixed, member)
    return out.getvalue()
