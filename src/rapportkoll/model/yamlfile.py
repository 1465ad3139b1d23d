"""Loading user-written YAML (rule files, profiles, waivers, report.yaml) safely.

These files may come from an untrusted pull request, so beyond ``yaml.SafeLoader``
the document is checked before it is built: anchors and aliases may not expand it
past a bound (a "billion laughs" document is a few lines that expand to 10⁹ nodes,
which would hang whoever walks it — pydantic, ``repr`` in an error message), may not
refer to themselves, and nesting is bounded (PyYAML composes recursively, so a line
of ten thousand ``[`` would otherwise end in a RecursionError).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
import yaml.composer
import yaml.constructor
import yaml.resolver

from rapportkoll.model.errors import UserError

MAX_NODES = 200_000
MAX_DEPTH = 100
MAX_SHOWN = 60
_FLOW = re.compile(r"[\[\]{}\n]")


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """``repr(value)`` cut to ``limit`` characters, for one-line error messages."""
    text = repr(value) if not isinstance(value, dict | list) else _brief(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _brief(value: dict[Any, Any] | list[Any]) -> str:
    """A mapping or list named by its size, not dumped (it may be a whole rule)."""
    if isinstance(value, dict):
        keys = ", ".join(str(k) for k in list(value)[:6])
        return f"a mapping with keys {keys}" if value else "an empty mapping"
    return f"a list of {len(value)}" if value else "an empty list"


def read_text(path: Path, what: str, max_bytes: int | None = None) -> str:
    """A user-written UTF-8 file's text; UserError naming ``path:line`` if not."""
    try:
        if max_bytes is not None and path.stat().st_size > max_bytes:
            raise UserError(f"{what} is larger than {max_bytes} bytes", where=str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(
            f"cannot read {what}: {exc.strerror or exc}", where=str(path)
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserError(
            f"{what} is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "save it as UTF-8",
            where=f"{path}:{line}",
        ) from None


def _fast_composer() -> type | None:
    """libyaml's scanner and parser (C: ~10x faster than PyYAML's, and not
    recursive) under PyYAML's own composer, which stays in Python so that deep
    nesting ends in a RecursionError, not in a crash of the C stack."""
    try:
        from yaml._yaml import CParser
    except ImportError:
        return None

    class FastComposer(
        CParser,
        yaml.composer.Composer,
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        get_single_node = yaml.composer.Composer.get_single_node
        compose_document = yaml.composer.Composer.compose_document
        compose_node = yaml.composer.Composer.compose_node

    return FastComposer


_FAST_COMPOSER = _fast_composer()
_C_COMPOSER: type | None = getattr(yaml, "CSafeLoader", None)  # with libyaml only

MAX_C_LINE = 1_000
"""Text whose lines are at most this long is composed by libyaml in C (~2x faster
than the Python composer on the rule files). libyaml's composer is recursive in C,
but nesting is bounded by the line length: a block collection nested in another
starts further right (or, a sequence under a mapping key, at its key's column, one
per key), and flow nesting is refused past MAX_DEPTH before parsing; so depth is
at most 2 × (MAX_C_LINE + 1) + MAX_DEPTH, well inside the C stack (20,000 levels
composed without harm in a test; 200,000 crashed)."""


def _c_composable(text: str) -> bool:
    """Whether every line is short enough for libyaml's recursive composer (lines
    split at ``\n`` only: YAML's other line breaks only make lines shorter)."""
    return max(map(len, text.split("\n"))) <= MAX_C_LINE


def _compose(text: str) -> yaml.Node | None:
    """The node tree of ``text``: libyaml's parser when present (and its composer
    when the lines are short enough); on any error the pure-Python parser reads it
    again, so errors are worded and placed as before."""
    if _FAST_COMPOSER is not None and _C_COMPOSER is not None:
        loader: Any = _C_COMPOSER if _c_composable(text) else _FAST_COMPOSER
        try:
            node: yaml.Node | None = yaml.compose(text, Loader=loader)
            return node
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def compose_yaml(text: str, name: str) -> yaml.Node | None:
    """The checked node tree of ``text``; UserError naming ``name:line`` if bad."""
    _check_flow_depth(text, name)
    try:
        node = _compose(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, name, text) from None
    except RecursionError:
        raise UserError(
            f"YAML nests deeper than {MAX_DEPTH} levels", where=f"{name}:1"
        ) from None
    if node is not None:
        _check_size(node, name)
    return node


def load_yaml(text: str, name: str) -> tuple[Any, yaml.Node | None]:
    """The data of ``text`` and its node tree (for line numbers); checked first."""
    node = compose_yaml(text, name)
    if node is None:
        return None, None
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node), node
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, name, "") from None
    except RecursionError:
        raise UserError(
            f"YAML nests deeper than {MAX_DEPTH} levels", where=f"{name}:1"
        ) from None
    finally:
        loader.dispose()


def _check_flow_depth(text: str, name: str) -> None:
    """Refuse deep ``[``/``{`` nesting before parsing: PyYAML's scanner is quadratic
    in it (ten thousand ``[`` take minutes). Brackets inside quoted text count too,
    so this errs on the side of refusing; no real rule file nests a hundred deep."""
    depth = 0
    line = 1
    for match in _FLOW.finditer(text):
        char = match.group()
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise UserError(
                    f"YAML nests deeper than {MAX_DEPTH} levels", where=f"{name}:{line}"
                )
        elif depth:
            depth -= 1


def _yaml_error(exc: yaml.YAMLError, name: str, text: str) -> UserError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        line = mark.line + 1
    elif isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
    else:
        line = 1
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None)
    problem = problem or (str(exc).splitlines() or ["?"])[0]
    return UserError(f"not valid YAML: {problem}", where=f"{name}:{line}")


def _check_size(root: yaml.Node, name: str) -> None:
    """Refuse documents whose aliases expand them past MAX_NODES, or that nest
    deeper than MAX_DEPTH, or refer to themselves; linear in the written size."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        line = f"{name}:{node.start_mark.line + 1}"
        if key in open_nodes:
            raise UserError("YAML alias refers to itself", where=line)
        if depth > MAX_DEPTH:
            raise UserError(f"YAML nests deeper than {MAX_DEPTH} levels", where=line)
        open_nodes.add(key)
        total = 1
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_NODES:
                raise UserError(
                    f"YAML expands to more than {MAX_NODES} values "
                    "(anchors and aliases repeated?)",
                    where=line,
                )
        open_nodes.discard(key)
        sizes[key] = total
        return total

    size(root, 0)


def line_of(node: yaml.Node | None, path: tuple[int | str, ...]) -> int:
    """1-based line of the value at ``path`` (keys and list indices, as pydantic's
    error ``loc``) under ``node``; the deepest line found when the path ends early."""
    if node is None:
        return 1
    line = int(node.start_mark.line) + 1
    for step in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == str(step)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            child = node.value[step] if 0 <= step < len(node.value) else None
        if child is None:
            break
        node = child
        line = int(node.start_mark.line) + 1
    return line
