"""Loading rule files (checks/*.yaml): validated, errors named file → rule → key."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from rapportkoll.model.errors import UserError
from rapportkoll.model.yamlfile import load_yaml, read_text, shown
from rapportkoll.rules.expr import ExpressionError, parse
from rapportkoll.rules.registry import RuleKind, all_kinds, get_kind
from rapportkoll.rules.spec import RuleSpec

MAX_RULE_FILE_BYTES = 2 * 1024 * 1024
_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,80}")


@dataclass(frozen=True)
class LoadedRule:
    """A validated rule instance: spec, kind, typed params and where it was written."""

    spec: RuleSpec
    kind: RuleKind
    params: BaseModel
    file: str
    line: int


def _rule_lines(node: yaml.Node | None) -> list[int]:
    """1-based line of each item under the top-level ``rules:`` key."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == "rules" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    text = read_text(path, "rule file", MAX_RULE_FILE_BYTES)
    return load_yaml(text, str(path))


def _error(
    path: Path, line: int, rule_id: str, exc: ValidationError, prefix: str
) -> UserError:
    err = exc.errors()[0]
    loc = " → ".join(str(x) for x in (rule_id, *prefix.split(), *err["loc"]) if x != "")
    found = "" if err["type"] == "missing" else f" (found {shown(err.get('input'))})"
    message = err["msg"] if len(err["msg"]) <= 160 else err["msg"][:159] + "…"
    return UserError(f"{loc}: {message}{found}", where=f"{path}:{line}")


def _resolve_kind(path: Path, line: int, spec: RuleSpec) -> RuleKind:
    kind = get_kind(spec.kind)
    if kind is None:
        names = [k.code for k in all_kinds()] + [k.name for k in all_kinds()]
        close = difflib.get_close_matches(spec.kind, names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UserError(
            f"{spec.id} → kind: unknown rule kind {shown(spec.kind)}{hint}",
            where=f"{path}:{line}",
        )
    return kind


def _check_expressions(
    path: Path, line: int, spec: RuleSpec, params: BaseModel
) -> None:
    candidates: dict[str, Any] = {"where": spec.where}
    for key in (
        "when",
        "then",
        "parts",
        "total",
        "listing_where",
        "claims",
        "fact_where",
    ):
        candidates[f"params → {key}"] = getattr(params, key, None)
    for key, source in candidates.items():
        if isinstance(source, str):
            try:
                parse(source)
            except ExpressionError as exc:
                raise UserError(
                    f"{spec.id} → {key}: {exc} (found {shown(source)})",
                    where=f"{path}:{line}",
                ) from None


def load_rule_file(path: Path) -> tuple[list[LoadedRule], list[str]]:
    """The rules of one file, plus warnings (unknown keys)."""
    data, node = _read_yaml(path)
    if data is None:
        return [], []
    if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
        raise UserError(
            "a rule file is a mapping with a list under 'rules'", where=f"{path}:1"
        )
    lines = _rule_lines(node)
    warnings = [
        f"{path}: unknown top-level key {shown(k)} ignored"
        for k in data
        if k != "rules"
    ]
    loaded: list[LoadedRule] = []
    for i, raw in enumerate(data.get("rules", [])):
        line = lines[i] if i < len(lines) else 1
        given = raw.get("id") if isinstance(raw, dict) else None
        rule_id = (
            given if isinstance(given, str) and _ID.fullmatch(given) else f"#{i + 1}"
        )
        if not isinstance(raw, dict):
            raise UserError(
                f"{rule_id}: a rule must be a mapping", where=f"{path}:{line}"
            )
        try:
            spec = RuleSpec.model_validate(raw)
        except ValidationError as exc:
            raise _error(path, line, rule_id, exc, "") from None
        for key in spec.model_extra or {}:
            warnings.append(f"{path}:{line}: {spec.id} → {key}: unknown key ignored")
        kind = _resolve_kind(path, line, spec)
        try:
            params = kind.params.model_validate(spec.params)
        except ValidationError as exc:
            raise _error(path, line, spec.id, exc, "params") from None
        _check_expressions(path, line, spec, params)
        loaded.append(LoadedRule(spec, kind, params, str(path), line))
    return loaded, warnings


def load_rules(paths: list[Path]) -> tuple[list[LoadedRule], list[str]]:
    """All rules from the given files or folders (``*.yaml``, ``*.yml``), ids unique."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        elif path.exists():
            files.append(path)
        else:
            raise UserError("no such rule file or folder", where=str(path))
    rules: list[LoadedRule] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}
    for file in files:
        loaded, warns = load_rule_file(file)
        warnings.extend(warns)
        for rule in loaded:
            if rule.spec.id in seen:
                raise UserError(
                    f"{rule.spec.id}: rule id already used in {seen[rule.spec.id]}",
                    where=f"{file}:{rule.line}",
                )
            seen[rule.spec.id] = f"{file}:{rule.line}"
            rules.append(rule)
    return rules, warnings
