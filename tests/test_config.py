"""Settings from [tool.rapportkoll] in pyproject.toml, and command-line overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapportkoll.config import Config, load_config
from rapportkoll.findings import Severity
from rapportkoll.model.errors import UserError

PYPROJECT = """\
[project]
name = "kommun-rapporter"

[tool.rapportkoll]
paths = ["data"]
fail-on = "warning"
formats = ["text", "html"]
output_dir = "reports"
lang = "en"
waivers = "rapportkoll-waivers.yaml"
jobs = 4
max_lines = 50000
"""


def _project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    sub = tmp_path / "data" / "2025"
    sub.mkdir(parents=True)
    return sub


def test_nearest_pyproject_is_read_and_paths_resolved(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path, PYPROJECT))
    assert config.source == tmp_path / "pyproject.toml"
    assert config.paths == (tmp_path / "data",)
    assert config.fail_on is Severity.WARNING
    assert config.formats == ("text", "html")
    assert config.output_dir == tmp_path / "reports"
    assert config.waivers == tmp_path / "rapportkoll-waivers.yaml"
    assert (config.lang, config.jobs, config.max_lines) == ("en", 4, 50000)


def test_no_pyproject_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.source is None and config.fail_on is Severity.ERROR
    assert config.formats == ("text",) and config.lang == "sv"


def test_section_missing_gives_defaults(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path, "[project]\nname = 'x'\n"))
    assert config.source == tmp_path / "pyproject.toml" and config.paths == ()


def test_unknown_key_is_named_with_suggestion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path, PYPROJECT.replace("fail-on", "fail-onn"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError) as info:
        load_config(tmp_path)
    assert str(info.value) == (
        "pyproject.toml:6: [tool.rapportkoll] → fail-onn: unknown key "
        "(did you mean fail_on?)"
    )


def test_bad_value_names_key_and_value(tmp_path: Path) -> None:
    _project(tmp_path, PYPROJECT.replace('lang = "en"', 'lang = "de"'))
    with pytest.raises(UserError, match=r"lang: .*found 'de'") as info:
        load_config(tmp_path)
    assert info.value.where is not None and info.value.where.endswith(
        "pyproject.toml:9"
    )


def test_unknown_format_rejected(tmp_path: Path) -> None:
    _project(tmp_path, PYPROJECT.replace('"html"]', '"pdf"]'))
    with pytest.raises(UserError, match=r"formats: .*unknown format 'pdf'"):
        load_config(tmp_path)


def test_bad_toml_is_a_user_error(tmp_path: Path) -> None:
    _project(tmp_path, "[tool.rapportkoll\n")
    with pytest.raises(UserError, match="not valid TOML"):
        load_config(tmp_path)


def test_flags_override_and_none_means_not_given(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path, PYPROJECT))
    merged = config.merged(fail_on="error", formats=["json"], lang=None)
    assert merged.fail_on is Severity.ERROR and merged.formats == ("json",)
    assert merged.lang == "en" and merged.source == config.source
    assert config.fail_on is Severity.WARNING  # the original is untouched
    with pytest.raises(UserError, match="jobs"):
        config.merged(jobs=-1)
    with pytest.raises(TypeError, match="fail_onn"):
        config.merged(fail_onn="error")


def test_config_is_frozen() -> None:
    with pytest.raises(ValueError, match="frozen"):
        Config().lang = "en"  # type: ignore[misc]
