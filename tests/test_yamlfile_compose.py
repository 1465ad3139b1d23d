"""YAML composed by libyaml in C gives the trees PyYAML's composer builds from
libyaml's events, and deep nesting stays a clear error whichever composer reads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from rapportkoll.model import yamlfile
from rapportkoll.model.errors import UserError
from rapportkoll.model.yamlfile import MAX_C_LINE, load_yaml

ROOT = Path(__file__).parent.parent
YAML_FILES = sorted(
    [*(ROOT / "checks").rglob("*.yaml"), *(ROOT / "src/rapportkoll/profiles").glob("*")]
)

pytestmark = pytest.mark.skipif(
    yamlfile._C_COMPOSER is None, reason="PyYAML without libyaml"
)


def _tree(node: yaml.Node | None) -> Any:
    """Everything a loader reads from a node: kind, tag, value, style, place."""
    if node is None:
        return None
    value = node.value
    if isinstance(node, yaml.MappingNode):
        value = [(_tree(k), _tree(v)) for k, v in value]
    elif isinstance(node, yaml.SequenceNode):
        value = [_tree(v) for v in value]
    start, end = node.start_mark, node.end_mark
    place = (start.line, start.column, end.line, end.column)
    return (type(node).__name__, node.tag, value, getattr(node, "style", None), place)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_c_composer_builds_the_python_composers_tree(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yamlfile._c_composable(text)
    in_c = yaml.compose(text, Loader=yamlfile._C_COMPOSER)  # type: ignore[arg-type]
    in_python = yaml.compose(text, Loader=yamlfile._FAST_COMPOSER)  # type: ignore[arg-type]
    assert in_c is not None and _tree(in_c) == _tree(in_python)


def _nested_mappings(levels: int) -> str:
    return "".join("  " * k + "a:\n" for k in range(levels)) + "  " * levels + "x\n"


@pytest.mark.parametrize(
    ("text", "composed_in_c", "line"),
    [
        (_nested_mappings(450), True, 101),
        ("- " * 450 + "x\n", True, 1),
        ("- " * 20_000 + "x\n", False, 1),  # a long line: PyYAML's composer
        ("k: " + "v" * MAX_C_LINE + "\n" + _nested_mappings(300), False, 102),
    ],
)
def test_deep_nesting_is_a_user_error_in_either_composer(
    text: str, composed_in_c: bool, line: int
) -> None:
    assert yamlfile._c_composable(text) is composed_in_c
    with pytest.raises(UserError, match="nests deeper than 100") as info:
        load_yaml(text, "deep.yaml")
    assert info.value.where == f"deep.yaml:{line}"
