"""Property-based tests of the readers: mutated and re-encoded reports, through the
public path (discover.read_paths, the CLI), end in tables or an 'unreadable_file'
row naming file and line — never an exception, never a hang."""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapportkoll.cli import EXIT_ERROR, main
from rapportkoll.ingest.discover import READER_FAILED, ReadOptions, read_paths
from rapportkoll.ingest.source import Limits
from rapportkoll.model.bundle import Bundle
from robustness_support import time_limit

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "data").glob("*.txt"))
SMALL = REPO / "data/004_bf7f54e920ff6444.txt"
SEED_LINES = {p: p.read_text(encoding="utf-8").split("\n") for p in SEEDS}
PROFILES = [None, "norrtalje-stratsys", "norrtalje-tjansteskrivelse"]
# Rules that look at extraction only: enough to see a broken file as a finding.
EXTRACTION_RULES = str(REPO / "checks/format.yaml")
# Starts that send a line down another path of a reader: tables, headings, totals.
MARKUP = ["|", "| --- |", "# ", "## ", "Summa ", "Totalt ", "1.2 ", "- ", "Tabell A "]
NOISE = "0123456789 -−,.%|:()–ÅÄÖåäö\t\u00a0\u2212\u200b\x0c\x1c\u2028\ufffd"


def _lines_of(bundle: Bundle) -> list[tuple[str, int]]:
    """(table, line) of every row that names a line."""
    return [
        (name, int(line))
        for name, frame in bundle.tables.items()
        if len(frame) and "line" in frame.columns
        for line in frame["line"].dropna()
    ]


def _check_bundle(bundle: Bundle, display: str, n_lines: int) -> None:
    """Every row names the file read and a line inside it; a refused file is one
    'unreadable_file' row with a message."""
    for name, frame in bundle.tables.items():
        if len(frame) and "file" in frame.columns:
            assert set(frame["file"].dropna()) <= {display}, name
    for name, line in _lines_of(bundle):
        assert 1 <= line <= max(1, n_lines), (name, line, n_lines)
    issues = bundle.table("extraction_issues")
    refused = issues[issues["issue"] == "unreadable_file"] if len(issues) else issues
    assert len(refused) <= 1
    if len(refused):
        message = str(refused["message"].iloc[0])
        assert message and "\n" not in message and "Traceback" not in message
        assert READER_FAILED not in message  # a reader bug, caught by the net
    else:
        assert len(bundle.reports) == 1


def _line_count(data: bytes) -> int:
    """Lines in the file as an editor counts them (newlines of the decoded text)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").count("\n") + 1
    return data.count(b"\n") + 1


def _read(path: Path, profile: str | None = None, **limits: int) -> Bundle:
    options = ReadOptions(profile=profile, limits=Limits(**limits))
    with time_limit(30):
        return read_paths([path], options)


@st.composite
def mutated_report(draw: st.DrawFn) -> tuple[bytes, int]:
    """A window of a seed, its lines shuffled, deleted, duplicated or garbled, in
    some encoding; returns the bytes and the number of lines they hold."""
    seed = draw(st.sampled_from(SEEDS))
    lines = SEED_LINES[seed]
    start = draw(st.integers(0, max(0, len(lines) - 1)))
    lines = lines[start : start + draw(st.integers(1, 300))]
    for _ in range(draw(st.integers(0, 5))):
        op = draw(
            st.sampled_from(
                ["shuffle", "delete", "dup", "garble", "blank", "cut", "markup"]
            )
        )
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        j = i + draw(st.integers(1, 30))
        if op == "shuffle":
            lines[i:j] = draw(st.permutations(lines[i:j]))
        elif op == "delete":
            del lines[i:j]
        elif op == "dup":
            lines[i:i] = lines[i:j]
        elif op == "garble" and lines:
            k = draw(st.integers(0, len(lines[i])))
            noise = draw(st.text(st.sampled_from(NOISE), min_size=1, max_size=12))
            lines[i] = lines[i][:k] + noise + lines[i][k:]
        elif op == "blank" and lines:
            lines[i] = ""
        elif op == "markup" and lines:
            lines[i] = draw(st.sampled_from(MARKUP)) + lines[i]
        elif op == "cut" and lines:
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
    text = "\n".join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "cp1252", "latin-1", "utf-16"]))
    if encoding == "utf-16":
        data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    else:
        data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    return data, _line_count(data)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated_report(), st.sampled_from(PROFILES))
def test_mutated_reports_give_tables_or_an_unreadable_row(
    report: tuple[bytes, int], profile: str | None
) -> None:
    data, n_lines = report
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rapport.txt"
        path.write_bytes(data)
        bundle = _read(path, profile)
    _check_bundle(bundle, path.as_posix(), n_lines)


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"", None, None),
        (b"\n\n\n", None, None),
        (b"Rubrik\r\nrad\rsamma rad\x0crad\x1c\n\x00", 3, "NUL"),
        (bytes(range(256)) * 64, 1, "NUL"),
        (SMALL.read_bytes()[:3000] + b"\x00" + SMALL.read_bytes()[3000:], 41, "NUL"),
        (b"Rubrik\n" + b"1 234 " * 200_000 + b"\n", 2, "characters long"),
        (b"\xff\xfe" + "Rubrik\nrad två".encode("utf-16-le") + b"\x00", None, None),
    ],
    ids=[
        "empty",
        "blank-lines",
        "cr-and-separators",
        "binary",
        "nul-byte",
        "1mb-line",
        "utf16-odd-byte",
    ],
)
def test_special_files_are_read_or_refused_at_their_line(
    tmp_path: Path, data: bytes, line: int | None, message: str | None
) -> None:
    path = tmp_path / "rapport.txt"
    path.write_bytes(data)
    bundle = _read(path)
    _check_bundle(bundle, path.as_posix(), _line_count(data))
    issues = bundle.table("extraction_issues")
    refused = issues[issues["issue"] == "unreadable_file"] if len(issues) else issues
    if message is None:
        assert not len(refused)
    else:
        assert refused["line"].tolist() == [line]
        assert message in refused["message"].iloc[0]


def _facts(bundle: Bundle) -> dict[str, list[tuple[object, ...]]]:
    """The tables without provenance of the file itself, for comparing encodings."""
    out = {}
    for name, frame in bundle.tables.items():
        kept = frame.drop(columns=[c for c in ("file", "report") if c in frame.columns])
        out[name] = [tuple(map(str, row)) for row in kept.itertuples(index=False)]
    return out


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16", "utf-8-sig"])
def test_a_re_encoded_report_gives_the_same_facts(
    tmp_path: Path, encoding: str
) -> None:
    # What the encoding can hold (latin-1 has no dashes): the same text both ways.
    text = SMALL.read_text(encoding="utf-8")
    text = text.encode(encoding, errors="replace").decode(encoding)
    original = tmp_path / "utf8" / "rapport.txt"
    other = tmp_path / encoding / "rapport.txt"
    original.parent.mkdir()
    other.parent.mkdir()
    original.write_text(text, encoding="utf-8")
    other.write_bytes(text.encode(encoding))
    expected, found = _read(original), _read(other)
    assert len(expected.table("goals")) == 4  # the seed's four inriktningsmål
    assert _facts(found) == _facts(expected)


# --- limits and many reports -------------------------------------------------------


def _check_json(argv: list[str], out: Path) -> tuple[int, dict[str, object], str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(
            [
                "check",
                *argv,
                "--checks",
                EXTRACTION_RULES,
                "-f",
                "json",
                "-o",
                str(out),
                "-q",
            ]
        )
    document = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return code, document, err.getvalue()


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--max-bytes", "5000", "over the limit of 5000 bytes"),
        ("--max-lines", "50", "over the limit of 50"),
    ],
)
def test_files_over_the_limits_are_refused_with_a_clear_finding(
    tmp_path: Path, flag: str, value: str, message: str
) -> None:
    code, document, err = _check_json([str(SMALL), flag, value], tmp_path / "out.json")
    assert err == ""
    findings = document["findings"]
    assert isinstance(findings, list)
    refused = [f for f in findings if message in f["message"]]
    assert len(refused) == 1 and refused[0]["file"] == str(SMALL), findings
    assert refused[0]["severity"] == "error" and code == 1


def test_a_bad_limit_is_a_configuration_error(tmp_path: Path) -> None:
    code, _, err = _check_json([str(SMALL), "--max-lines", "0"], tmp_path / "out.json")
    assert code == EXIT_ERROR
    assert len(err.splitlines()) == 1 and "max_lines" in err, err


def test_a_broken_report_among_many_is_a_finding_and_the_others_are_read(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "rapporter"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SMALL.read_bytes())
    (folder / "b.txt").write_bytes(b"Rubrik\n\x00\x01binary")
    (folder / "c.md").write_bytes(SMALL.read_bytes())
    (folder / "d.pdf").write_bytes(b"%PDF-1.7\n%broken")
    code, document, err = _check_json([str(folder)], tmp_path / "out.json")
    assert err == "" and code == 1
    findings = document["findings"]
    assert isinstance(findings, list)
    broken = sorted(
        (f["file"], f["lines"]) for f in findings if f["rule"] == "fil-kunde-inte-lasas"
    )
    assert [b[0] for b in broken] == [
        (folder / "b.txt").as_posix(),
        (folder / "d.pdf").as_posix(),
    ], findings
    assert broken[0][1] == [2]
    bundle = read_paths([folder])
    goals = bundle.table("goals")
    assert sorted(set(goals["report"])) == ["a", "c"]
    assert (goals.groupby("report").size() == 4).all()
    assert isinstance(bundle.reports, pd.DataFrame)


def test_a_reader_failure_is_an_unreadable_row_and_the_others_are_read(
    tmp_path: Path,
) -> None:
    """The last-resort net: a profile setting of the wrong type (reader settings
    under ``extra`` are not typed) breaks the OCR reader on one report only."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    builtin = REPO / "src/rapportkoll/profiles/norrtalje-stratsys.yaml"
    text = builtin.read_text(encoding="utf-8")
    bad = text.replace(
        "matrix_total_row: [Total Summa, Totalt, Summa]", "matrix_total_row: [{a: 1}]"
    )
    assert bad != text
    (profiles / "norrtalje-stratsys.yaml").write_text(bad, encoding="utf-8")
    reports = tmp_path / "in"
    reports.mkdir()
    august = SEED_LINES[REPO / "data/002_905efd7e8d1a0751.txt"]
    (reports / "a.txt").write_text("\n".join(august[:400]), encoding="utf-8")
    (reports / "b.txt").write_bytes(SMALL.read_bytes())
    options = ReadOptions(profile_dirs=(str(profiles),))
    with time_limit(60):
        bundle = read_paths([reports], options)
    issues = bundle.table("extraction_issues")
    failed = issues[issues["issue"] == "unreadable_file"]
    assert list(failed["report"]) == ["a"]
    assert READER_FAILED in failed["message"].iloc[0]
    assert "TypeError" in failed["message"].iloc[0]
    assert list(bundle.reports["report"]) == ["b"]
