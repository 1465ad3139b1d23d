"""Reports given as canonical tables: a folder of CSV/XLSX files plus report.yaml.

A report folder holds ``report.yaml`` (organisation, doc_type, period_start,
period_end, unit; optionally title and profile) and the canonical tables, either
one file per table named after it (``finance.csv``, ``items.xlsx``) or one XLSX
workbook with a sheet per table. Columns are those of ``model/tables.py`` without
the provenance columns, which the reader sets: ``file`` is the CSV/XLSX file,
``sheet`` the sheet, ``line`` the 1-based row (the header is row 1).

:func:`export_bundle` writes a bundle in this form, so a report read from text and
the same report read back from CSV/XLSX can be compared table by table.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import Any, Final

import pandas as pd
import yaml

from rapportkoll.ingest.source import Limits
from rapportkoll.model.bundle import Bundle, TableBuilder
from rapportkoll.model.errors import UserError
from rapportkoll.model.tables import PROVENANCE, TABLES
from rapportkoll.model.yamlfile import load_yaml, read_text

REPORT_META: Final = "report.yaml"
META_KEYS: Final = (
    "organisation",
    "doc_type",
    "period_start",
    "period_end",
    "unit",
    "title",
    "profile",
)
_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_folder(
    folder: Path, display: str, report: str, limits: Limits | None = None
) -> Bundle:
    """Read one report folder into canonical tables (UserError names file and row).

    Each table file is held to ``limits`` like a text report: its size before it
    is opened, its rows once read.
    """
    limits = limits or Limits()
    builder = TableBuilder()
    meta_path = folder / REPORT_META
    meta = _read_meta(meta_path)
    builder.add(
        "reports",
        report=report,
        file=meta_path.as_posix(),
        line=1,
        **{k: meta.get(k) for k in META_KEYS},
    )
    sources: dict[str, list[str]] = {}
    for name, file, sheet, rows in _table_sources(folder, limits):
        if len(rows) > limits.max_lines:
            raise UserError(
                f"table has {len(rows)} rows, over the limit of {limits.max_lines} "
                "(raise it with --max-lines)",
                where=str(file),
            )
        _add_rows(builder, name, report, file, sheet, rows)
        if file.suffix.lower() == ".csv":
            sources[file.as_posix()] = file.read_text(encoding="utf-8-sig").splitlines()
    return builder.build(sources)


def _read_meta(path: Path) -> dict[str, Any]:
    # Checked YAML: no alias bombs, bounded nesting, errors at file:line.
    data, _ = load_yaml(read_text(path, "report.yaml", 1024 * 1024), str(path))
    if not isinstance(data, dict):
        raise UserError("report.yaml ska vara en mappning", where=f"{path}:1")
    unknown = sorted(set(data) - set(META_KEYS))
    if unknown:
        raise UserError(
            f"okända nycklar {unknown} (tillåtna: {', '.join(META_KEYS)})",
            where=str(path),
        )
    meta = {k: None if data.get(k) is None else str(data[k]) for k in META_KEYS}
    for key in ("period_start", "period_end"):
        value = meta[key]
        if value is not None and not _ISO_DATE.match(value):
            raise UserError(
                f"{key}: {value!r} är inte ett datum ÅÅÅÅ-MM-DD", where=str(path)
            )
    return meta


def _table_sources(
    folder: Path, limits: Limits
) -> list[tuple[str, Path, str | None, list[list[Any]]]]:
    found: list[tuple[str, Path, str | None, list[list[Any]]]] = []
    for file in sorted(folder.iterdir()):
        suffix = file.suffix.lower()
        if suffix in (".csv", ".xlsx") and file.stat().st_size > limits.max_bytes:
            raise UserError(
                f"file is {file.stat().st_size} bytes, over the limit of "
                f"{limits.max_bytes} bytes (raise it with --max-bytes)",
                where=str(file),
            )
        if suffix == ".csv" and file.stem in TABLES:
            found.append((file.stem, file, None, _csv_rows(file)))
        elif suffix == ".xlsx":
            for sheet, rows in _xlsx_sheets(file):
                name = file.stem if file.stem in TABLES else sheet
                if name in TABLES:
                    found.append((name, file, sheet, rows))
    return [f for f in found if f[0] != "reports"]


def _csv_rows(file: Path) -> list[list[Any]]:
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            delimiter = ";" if sample.count(";") > sample.count(",") else ","
            return [list(r) for r in csv.reader(handle, delimiter=delimiter)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UserError(f"kan inte läsa CSV: {exc}", where=str(file)) from None


def _xlsx_sheets(file: Path) -> list[tuple[str, list[list[Any]]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise UserError(f"kan inte läsa XLSX: {exc}", where=str(file)) from None
    try:
        return [
            (ws.title, [list(r) for r in ws.iter_rows(values_only=True)])
            for ws in book.worksheets
        ]
    except Exception as exc:  # the sheets are parsed lazily, damage shows up here
        raise UserError(f"kan inte läsa XLSX: {exc}", where=str(file)) from None
    finally:
        book.close()


def _add_rows(
    builder: TableBuilder,
    name: str,
    report: str,
    file: Path,
    sheet: str | None,
    rows: list[list[Any]],
) -> None:
    where = f"{file}" + (f" [{sheet}]" if sheet else "")
    if not rows:
        return
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    columns = TABLES[name].columns
    data_columns = [c for c in columns if c not in PROVENANCE]
    unknown = [h for h in header if h and h not in columns]
    if unknown:
        raise UserError(
            f"tabellen {name} har inga kolumner {unknown}", where=f"{where}:1"
        )
    missing = [
        c for c in data_columns if c not in header and not columns[c].endswith("?")
    ]
    if missing:
        raise UserError(f"obligatoriska kolumner saknas: {missing}", where=f"{where}:1")
    for number, values in enumerate(rows[1:], start=2):
        if all(_blank(v) for v in values):
            continue
        row: dict[str, Any] = {}
        for column, value in zip(header, values, strict=False):
            if column in data_columns:
                row[column] = _coerce(
                    value, columns[column], f"{where}:{number}", column
                )
        for column in data_columns:
            if row.get(column) is None and not columns[column].endswith("?"):
                raise UserError(f"kolumnen {column} är tom", where=f"{where}:{number}")
        present = {k: v for k, v in row.items() if v is not None}  # empty as NaN
        builder.add(
            name,
            report=report,
            file=file.as_posix(),
            line=number,
            sheet=sheet,
            **present,
        )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _coerce(value: Any, kind: str, where: str, column: str) -> Any:
    if _blank(value) or (isinstance(value, float) and math.isnan(value)):
        return None
    base = kind.rstrip("?")
    text = str(value).strip()
    try:
        if base == "int":
            number = float(text.replace(",", "."))
            if not number.is_integer():
                raise ValueError(text)
            return int(number)
        if base == "float":
            return float(text.replace(" ", "").replace(",", "."))
    except ValueError:
        raise UserError(
            f"kolumnen {column}: {text!r} är inte ett tal", where=where
        ) from None
    if base == "date":
        text = text[:10]
        if not _ISO_DATE.match(text):
            raise UserError(
                f"kolumnen {column}: {text!r} är inte ett datum", where=where
            )
    return text


def export_bundle(bundle: Bundle, folder: Path, fmt: str = "csv") -> list[Path]:
    """Write each report of ``bundle`` as a report folder (CSV files or one XLSX).

    One report goes straight into ``folder``; several go into a subfolder each,
    named after the report id. Returns the report folders written.
    """
    if fmt not in {"csv", "xlsx"}:
        raise UserError(f"okänt format {fmt!r} (csv eller xlsx)")
    reports = list(bundle.reports["report"].drop_duplicates())
    written: list[Path] = []
    for report in reports:
        target = folder if len(reports) == 1 else folder / _safe(str(report))
        target.mkdir(parents=True, exist_ok=True)
        _export_report(bundle, str(report), target, fmt)
        written.append(target)
    return written


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "report"


def _export_report(bundle: Bundle, report: str, target: Path, fmt: str) -> None:
    meta_row = bundle.reports[bundle.reports["report"] == report].iloc[0]
    meta = {k: _plain(meta_row.get(k)) for k in META_KEYS}
    (target / REPORT_META).write_text(
        yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    frames: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        if name == "reports":
            continue
        frame = bundle.table(name)
        frame = frame[frame["report"] == report]
        if len(frame):
            columns = [c for c in TABLES[name].columns if c not in PROVENANCE]
            frames[name] = frame[columns]
    if fmt == "csv":
        for name, frame in frames.items():
            frame.to_csv(target / f"{name}.csv", index=False)
        return
    with pd.ExcelWriter(target / "tables.xlsx", engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is pd.NA:
        return None
    return str(value)
