"""Property-based tests of the loaders: mutated rule files, profiles, waiver files and
[tool.rapportkoll] tables load or end in one clear UserError naming file:line."""

from __future__ import annotations

import codecs
import contextlib
import copy
import io
import json
import tempfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapportkoll.cli import EXIT_ERROR, main
from rapportkoll.config import Config, load_config
from rapportkoll.ingest.discover import READER_FAILED, ReadOptions, read_paths
from rapportkoll.ingest.profile import Profile, builtin_profile_dir, load_profile
from rapportkoll.model.errors import UserError
from rapportkoll.rules.loader import load_rule_file
from rapportkoll.waivers import WaiverFile, load_waivers, parse_waivers
from robustness_support import time_limit

REPO = Path(__file__).resolve().parents[1]
RULE_FILES = sorted((REPO / "checks").glob("*.yaml"))
PROFILES = sorted(builtin_profile_dir().glob("*.yaml"))
SEEDS = sorted((REPO / "data").glob("*.txt"))
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MAX_MESSAGE = 400

LOL = ", ".join(["lol"] * 9)
BOMB = f"a: &a [{LOL}]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)
WEIRD: list[Any] = [
    None,
    True,
    0,
    -1,
    10**30,
    1.5,
    float("inf"),
    "",
    "x",
    "ÅÄÖ åäö",
    "a" * 3000,
    "line\nbreak",
    "9**9**9",
    "__import__('os').system('true')",
    "value > ",
    "2025-13-01",
    [],
    {},
    [1, [2, [3]]],
    {"a": {"b": {"c": 1}}},
    date(2025, 1, 1),
]
VALUES = st.one_of(
    st.sampled_from(WEIRD),
    st.text(max_size=20),
    st.integers(),
    st.lists(st.text(max_size=5), max_size=3),
)


@cache
def _parsed(path: Path) -> Any:
    """The original file's data (copied by ``_mutate`` before it is changed)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _draw_value(data: st.DataObject, label: str = "value") -> Any:
    """A fresh copy: the sampled lists and mappings must not change between runs."""
    return copy.deepcopy(data.draw(VALUES, label=label))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a parsed YAML tree (keys and list indices)."""
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_paths(value, (*prefix, i)))
    return out


def _mutate(tree: Any, data: st.DataObject) -> Any:
    """Delete keys, change types, add keys, duplicate items, nest deeply."""
    tree = copy.deepcopy(tree)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        places = [p for p in _paths(tree) if p]
        if not places:
            return _draw_value(data)
        place = data.draw(st.sampled_from(places), label="place")
        parent = tree
        for step in place[:-1]:
            parent = parent[step]
        last = place[-1]
        op = data.draw(st.sampled_from(["delete", "replace", "add", "dup", "nest"]))
        if op == "delete":
            del parent[last]
        elif op == "replace":
            parent[last] = _draw_value(data, label="value")
        elif op == "add" and isinstance(parent, dict):
            key = data.draw(st.sampled_from(["id", "kind", "params", "x", "where"]))
            parent[key] = _draw_value(data, label="value")
        elif op == "dup" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
        elif op == "nest":
            value: Any = parent[last]
            for _ in range(data.draw(st.integers(1, 60))):
                value = [value]
            parent[last] = value
    return tree


def _dump(tree: Any) -> str:
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=10**6)


def _raw(text: str, data: st.DataObject) -> bytes:
    """The file's bytes, sometimes damaged: truncated, bytes inserted, re-encoded,
    a YAML bomb or a deep nesting prepended."""
    raw = text.encode("utf-8")
    how = data.draw(
        st.sampled_from(
            ["utf-8"] * 6
            + ["truncate", "bytes", "cp1252", "utf-16", "bomb", "deep", "empty"]
        ),
        label="damage",
    )
    if how == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    elif how == "bytes":
        at = data.draw(st.integers(0, len(raw)))
        raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    elif how == "cp1252":
        raw = text.encode("cp1252", errors="replace")
    elif how == "utf-16":
        raw = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    elif how == "bomb":
        raw = (BOMB + text + "\nbomb: *i\n").encode()
    elif how == "deep":
        raw = b"x: " + b"[" * 5000 + b"]" * 5000 + b"\n" + raw
    elif how == "empty":
        raw = b""
    return raw


def _assert_clear(error: UserError, name: str) -> None:
    """One line, not too long, naming the file and a line in it."""
    text = str(error)
    assert error.where is not None and error.where.startswith(name), text
    assert error.where[len(name) :].lstrip(":").isdigit(), text
    assert "\n" not in text and len(text) <= MAX_MESSAGE, text


def _write(raw: bytes, suffix: str) -> Path:
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115
    with handle:
        handle.write(raw)
    return Path(handle.name)


# --- rule files --------------------------------------------------------------------


@SETTINGS
@given(st.sampled_from(RULE_FILES), st.data())
def test_mutated_rule_files_load_or_name_file_and_line(
    original: Path, data: st.DataObject
) -> None:
    path = _write(_raw(_dump(_mutate(_parsed(original), data)), data), ".yaml")
    try:
        with time_limit(10):
            rules, warnings = load_rule_file(path)
    except UserError as error:
        _assert_clear(error, str(path))
    else:
        assert all(r.file == str(path) and r.line >= 1 for r in rules)
        assert all("\n" not in w and len(w) <= MAX_MESSAGE for w in warnings)
    finally:
        path.unlink()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (BOMB + "rules: []\nx: *i\n", 6, "more than 200000 values"),
        ("rules: &r [*r]\n", 1, "refers to itself"),
        ("rules: " + "[" * 5000 + "]" * 5000 + "\n", 1, "nests deeper"),
        (
            "rules:\n  - id: a\n    kind: SUM01\n    where: '\x7f'\n",
            4,
            "special characters",
        ),
        ("rules:\n  - id: " + "x" * 5000 + "\n    kind: SUM01\n", 2, "id"),
        (
            "rules:\n  - id: ok-id\n    kind: " + "Q" * 5000 + "\n    title: t\n",
            2,
            "unknown rule kind 'QQQ",
        ),
        ("- a\n- b\n", 1, "mapping with a list under 'rules'"),
    ],
)
def test_hostile_rule_files_are_user_errors(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with time_limit(10), pytest.raises(UserError, match=message) as info:
        load_rule_file(path)
    _assert_clear(info.value, str(path))
    assert info.value.where == f"{path}:{line}"


def test_non_utf8_rule_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_bytes("rules:\n  - id: a\n    title: Räddning\n".encode("cp1252"))
    with pytest.raises(UserError, match="not UTF-8") as info:
        load_rule_file(path)
    assert info.value.where == f"{path}:3"


def test_cli_exits_2_with_one_line_for_a_bad_rule_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(BOMB + "rules: *i\n", encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["rules", "--checks", str(path)])
    assert code == EXIT_ERROR
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and f"{path}:" in lines[0] and "Traceback" not in lines[0]


# --- profiles ----------------------------------------------------------------------


@SETTINGS
@given(st.sampled_from(PROFILES), st.data())
def test_mutated_profiles_load_or_name_file_and_line(
    original: Path, data: st.DataObject
) -> None:
    path = _write(_raw(_dump(_mutate(_parsed(original), data)), data), ".yaml")
    try:
        with time_limit(10):
            profile = load_profile(path)
    except UserError as error:
        _assert_clear(error, str(path))
    else:
        assert isinstance(profile, Profile)
    finally:
        path.unlink()


def test_bad_relation_is_the_profiles_error_at_its_line(tmp_path: Path) -> None:
    text = (PROFILES[0]).read_text(encoding="utf-8")
    bad = text.replace(
        "- avvikelse_period = utfall_period - budget_period",
        "- avvikelse_period = utfall_period ** budget_period",
        1,
    )
    assert bad != text
    path = tmp_path / "p.yaml"
    path.write_text(bad, encoding="utf-8")
    line = (
        bad.splitlines().index(
            "      - avvikelse_period = utfall_period ** budget_period"
        )
        + 1
    )
    with pytest.raises(UserError, match="relations → 0") as info:
        load_profile(path)
    assert info.value.where == f"{path}:{line}"


def test_cli_exits_2_for_a_bad_profiles_dir(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("name: x\ndetect: 3\n", encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(
            [
                "check",
                str(REPO / "data/004_bf7f54e920ff6444.txt"),
                *("--profiles-dir", str(tmp_path), "--checks", str(RULE_FILES[0])),
            ]
        )
    assert code == EXIT_ERROR
    lines = err.getvalue().splitlines()
    assert len(lines) == 1 and f"{tmp_path / 'bad.yaml'}:2" in lines[0], lines


# --- waiver files ------------------------------------------------------------------

WAIVERS = """\
version: 1
waivers:
  - fingerprint: 3f2a9c0d1e4b5a67
    rule: driftredovisning-summa-exakt
    reason: Avrundning i ekonomisystemet
    accepted_by: Ekonomichefen
    expires: 2025-12-31
  - fingerprint: 0011223344556677
    reason: Känd skillnad
    accepted_by: Controller
    expires: 2026-06-30
    labels: [Summa, Avvikelse]
"""


@SETTINGS
@given(st.data())
def test_mutated_waiver_files_load_or_name_file_and_line(data: st.DataObject) -> None:
    tree = yaml.safe_load(WAIVERS)
    path = _write(_raw(_dump(_mutate(tree, data)), data), ".yaml")
    try:
        with time_limit(10):
            waivers = load_waivers(path)
    except UserError as error:
        _assert_clear(error, str(path))
    else:
        assert isinstance(waivers, WaiverFile)
        assert all(w.line >= 1 for w in waivers.waivers)
    finally:
        path.unlink()


def test_mixed_key_types_in_a_waiver_file_are_a_user_error() -> None:
    with pytest.raises(UserError, match="unknown key") as info:
        parse_waivers("waivers: []\n1: a\nb: c\n", "w.yaml")
    assert info.value.where == "w.yaml:2"


# --- [tool.rapportkoll] ------------------------------------------------------------

CONFIG_KEYS = [*Config.model_fields, "fail-on", "max-bytes", "output-dir", "okänd"]
TOML_VALUES = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(),
        st.text(max_size=12),
        st.sampled_from(["json", "error", "sv", "en", "checks", "a\x00b", "html"]),
        st.dates(),
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2)
    ),
    max_leaves=6,
)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | date):
        return str(value) if not isinstance(value, date) else value.isoformat()
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(
            repr(value), repr(value)
        )
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.dictionaries(st.sampled_from(CONFIG_KEYS), TOML_VALUES, max_size=4),
    st.data(),
)
def test_random_config_tables_load_or_name_file_and_line(
    table: dict[str, Any], data: st.DataObject
) -> None:
    body = "[project]\nname = 'x'\n\n[tool.rapportkoll]\n" + "".join(
        f'"{key}" = {_toml(value)}\n' for key, value in table.items()
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pyproject.toml"
        path.write_bytes(_raw(body, data))
        try:
            with time_limit(10):
                config = load_config(Path(folder))
        except UserError as error:
            _assert_clear(error, str(path))
        else:
            assert isinstance(config, Config)


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (b"[tool]\nrapportkoll = 3\n", 2, "must be a table"),
        (b"[tool.rapportkoll]\nlang = 'sv'\nlang = 'en'\n", 3, "not valid TOML"),
        ("[tool.rapportkoll]\nlang = 'å'\n".encode("cp1252"), 2, "not UTF-8"),
        (b'[tool.rapportkoll]\npaths = ["a\\u0000b"]\n', 2, "NUL"),
    ],
)
def test_bad_config_is_a_user_error_at_its_line(
    tmp_path: Path, body: bytes, line: int, message: str
) -> None:
    (tmp_path / "pyproject.toml").write_bytes(body)
    with pytest.raises(UserError, match=message) as info:
        load_config(tmp_path)
    assert info.value.where is not None
    assert info.value.where.endswith(f"pyproject.toml:{line}")


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.sampled_from(PROFILES), st.sampled_from(SEEDS), st.data())
def test_reports_read_with_a_mutated_profile_give_tables_or_a_clear_error(
    original: Path, seed: Path, data: st.DataObject
) -> None:
    """Typed profile fields of odd but valid values never break a reader. (Reader
    settings under ``extra`` are untyped: see the reader-failure net in discover.)"""
    tree = copy.deepcopy(_parsed(original))
    extra = tree.pop("extra", {})
    tree = _mutate(tree, data)
    if isinstance(tree, dict):
        tree["extra"] = extra
    lines = seed.read_text(encoding="utf-8").split("\n")
    start = data.draw(st.integers(0, len(lines) - 1), label="start")
    window = "\n".join(lines[start : start + 250])
    with tempfile.TemporaryDirectory() as folder:
        profiles = Path(folder) / "profiles"
        profiles.mkdir()
        (profiles / original.name).write_text(_dump(tree), encoding="utf-8")
        report = Path(folder) / "rapport.txt"
        report.write_text(window, encoding="utf-8")
        name = tree.get("name") if isinstance(tree, dict) else None
        options = ReadOptions(
            profile=name if isinstance(name, str) and name.strip() else None,
            profile_dirs=(str(profiles),),
        )
        try:
            with time_limit(30):
                bundle = read_paths([report], options)
        except UserError as error:
            assert error.where is None or error.where.startswith(str(profiles))
            assert "\n" not in str(error)
            return
    issues = bundle.table("extraction_issues")
    if len(issues):
        assert not issues["message"].str.contains(READER_FAILED).any()
