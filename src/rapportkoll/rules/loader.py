"""Loading rule files (checks/*.yaml): validation with errors named file → rule → key."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from rapportkoll.model.errors import UserError
from rapportkoll.rules.expr import ExpressionError, parse
from rapportkoll.rules.registry import RuleKind, all_kinds, get_kind
from rapportkoll.rules.spec import RuleSpec

MAX_RULE_FILE_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class LoadedRule:
    """A validated rule instance: its spec, kind, typed params and where it was written."""

    spec: RuleSpec
    kind: RuleKind
    params: BaseModel
    file: str
    line: int


def _rule_lines(text: str) -> list[int]:
    """1-based line of each item under the top-level ``rules:`` key."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == "rules" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _read_yaml(path: Path) -> tuple[Any, str]:
    try:
        if path.stat().st_size > MAX_RULE_FILE_BYTES:
            raise UserError("rule file is larger than 2 MiB", where=str(path))
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read rule file: {exc}", where=str(path)) from None
    try:
        return yaml.safe_load(text), text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(f"invalid YAML: {problem}", where=where) from None


def _error(
    path: Path, line: int, rule_id: str, exc: ValidationError, prefix: str
) -> UserError:
    err = exc.errors()[0]
    loc = " → ".join(str(x) for x in (rule_id, *prefix.split(), *err["loc"]) if x != "")
    return UserError(
        f"{loc}: {err['msg']} (found {err.get('input')!r})", where=f"{path}:{line}"
    )


def _resolve_kind(path: Path, line: int, spec: RuleSpec) -> RuleKind:
    kind = get_kind(spec.kind)
    if kind is None:
        names = [k.code for k in all_kinds()] + [k.name for k in all_kinds()]
        close = difflib.get_close_matches(spec.kind, names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UserError(
            f"{spec.id} → kind: unknown rule kind {spec.kind!r}{hint}",
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
                    f"{spec.id} → {key}: {exc} (found {source!r})",
                    where=f"{path}:{line}",
                ) from None


def load_rule_file(path: Path) -> tuple[list[LoadedRule], list[str]]:
    """The rules of one file, plus warnings (unknown keys)."""
    data, text = _read_yaml(path)
    if data is None:
        return [], []
    if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
        raise UserError(
            "a rule file is a mapping with a list under 'rules'", where=str(path)
        )
    lines = _rule_lines(text)
    warnings = [
        f"{path}: unknown top-level key {k!r} ignored" for k in data if k != "rules"
    ]
    loaded: list[LoadedRule] = []
    for i, raw in enumerate(data.get("rules", [])):
        line = lines[i] if i < len(lines) else 1
        rule_id = (
            str(raw.get("id", f"#{i + 1}")) if isinstance(raw, dict) else f"#{i + 1}"
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
