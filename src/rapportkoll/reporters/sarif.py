"""SARIF 2.1.0 for code-scanning views: rules, results with locations, suppressions."""

from __future__ import annotations

import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from rapportkoll import __version__
from rapportkoll.findings import Finding, RuleInfo, RunReport, Severity
from rapportkoll.reporters.i18n import label
from rapportkoll.reporters.json import plain

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT = "rapportkoll/v1"


def render(report: RunReport) -> bytes:
    return (json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n").encode()


def to_sarif(report: RunReport) -> dict[str, Any]:
    """The SARIF log as plain data: one run, the rules, one result per finding."""
    rules = _rules(report)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    findings = sorted(report.findings, key=Finding.sort_key)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "rapportkoll",
                        "version": __version__,
                        "informationUri": "https://github.com/rapportkoll/rapportkoll",
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index, report.lang) for f in findings],
            }
        ],
    }


def _rules(report: RunReport) -> list[dict[str, Any]]:
    """Every rule the run knows, plus a stub for a finding of an unknown rule."""
    infos = dict(report.rules)
    for f in report.findings:
        if f.rule not in infos:
            infos[f.rule] = RuleInfo(f.rule, f.code, "", f.severity, f.rule, "", f.area)
    return [_rule(infos[rid]) for rid in sorted(infos)]


def _rule(info: RuleInfo) -> dict[str, Any]:
    explanation = info.explanation or info.title
    return {
        "id": info.id,
        "name": info.code,
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": explanation},
        "help": {"text": explanation},
        "defaultConfiguration": {"level": LEVELS[info.severity]},
        "properties": {"kind": info.kind, "area": info.area, "code": info.code},
    }


def _result(f: Finding, index: dict[str, int], lang: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": LEVELS[f.severity],
        "message": {"text": _message(f, lang)},
        "locations": [_location(f, f.line)],
        "partialFingerprints": {FINGERPRINT: f.fingerprint},
        "properties": _properties(f),
    }
    others = sorted(set(f.lines) - {f.line})
    if others:
        result["relatedLocations"] = [
            {"id": i, **_location(f, line)} for i, line in enumerate(others, start=1)
        ]
    if f.waived:
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": f.waiver}
        ]
    return result


def _message(f: Finding, lang: str) -> str:
    return f"{f.message}\n{label(lang, 'hint')}: {f.hint}" if f.hint else f.message


def _location(f: Finding, line: int) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(f.file)},
            "region": {"startLine": max(line, 1)},
        }
    }


def _uri(file: str) -> str:
    """Relative paths stay relative to the checkout (percent-encoded); absolute ones
    become file URIs."""
    if PurePosixPath(file).is_absolute():
        return PurePosixPath(file).as_uri()
    if PureWindowsPath(file).is_absolute():
        return PureWindowsPath(file).as_uri()
    return quote(file.replace("\\", "/"), safe="/")


def _properties(f: Finding) -> dict[str, Any]:
    props: dict[str, Any] = {"code": f.code, "report": f.report, "area": f.area}
    for key in ("table", "expected", "reported", "difference", "tolerance", "sheet"):
        value = getattr(f, key)
        if value is not None:
            props[key] = plain(value)
    if f.labels:
        props["labels"] = list(f.labels)
    return props
