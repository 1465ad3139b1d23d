"""Waivers: accepted discrepancies, matched by stable fingerprint, each with an expiry.

A waiver file is YAML::

    version: 1
    waivers:
      - fingerprint: 3f2a9c0d1e4b5a67   # Finding.fingerprint: rule+report+table+labels
        reason: Avrundning i ekonomisystemet
        accepted_by: Ekonomichefen
        expires: 2025-12-31
        rule: driftredovisning-summa-exakt   # optional, for the reader
        message: "…"                         # optional, for the reader

A waived finding stays in every output, marked, but does not fail the gate. An expired
waiver waives nothing and is itself a finding (WVR01); one that matched nothing is a
finding too (WVR02), so the file cannot silently rot.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rapportkoll.atomicio import write_atomic
from rapportkoll.findings import (
    Finding,
    Outcome,
    RuleInfo,
    RuleResult,
    RunReport,
    Severity,
)
from rapportkoll.model.errors import UserError
from rapportkoll.model.yamlfile import load_yaml, read_text, shown

MAX_WAIVER_BYTES = 10 * 1024 * 1024

EXPIRED = RuleInfo(
    id="waiver-expired",
    code="WVR01",
    kind="waiver",
    severity=Severity.ERROR,
    title="Undantaget har gått ut",
    explanation=(
        "Ett undantag gäller till och med sitt datum i 'expires'. Därefter undantar "
        "det ingenting: förläng det med ett nytt beslut, eller rätta avvikelsen och "
        "ta bort undantaget."
    ),
    area="waivers",
)
UNUSED = RuleInfo(
    id="waiver-unused",
    code="WVR02",
    kind="waiver",
    severity=Severity.WARNING,
    title="Undantaget matchar ingen avvikelse",
    explanation=(
        "Inget fynd har undantagets fingeravtryck: avvikelsen är rättad eller har "
        "ändrat tabell eller etiketter. Ta bort undantaget eller uppdatera det."
    ),
    area="waivers",
)


class _Entry(BaseModel):
    """One waiver as written; the optional keys only help the human reader."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fingerprint: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    accepted_by: str = Field(min_length=1)
    expires: date
    rule: str | None = None
    code: str | None = None
    report: str | None = None
    file: str | None = None
    table: str | None = None
    labels: list[str] | None = None
    message: str | None = None


@dataclass(frozen=True)
class Waiver:
    """An accepted discrepancy, with the line it starts on in its file."""

    fingerprint: str
    reason: str
    accepted_by: str
    expires: date
    line: int
    rule: str | None = None
    report: str | None = None

    def expired(self, today: date) -> bool:
        """A waiver holds through its ``expires`` day."""
        return today > self.expires


@dataclass(frozen=True)
class WaiverFile:
    """The waivers of one file, and the file's path for findings about them."""

    path: str
    waivers: tuple[Waiver, ...] = ()


def load_waivers(path: Path | str) -> WaiverFile:
    """Read and check a waiver file; problems raise UserError naming file:line → key."""
    path = Path(path)
    return parse_waivers(read_text(path, "waiver file", MAX_WAIVER_BYTES), str(path))


def parse_waivers(text: str, name: str) -> WaiverFile:
    data, root = load_yaml(text, name)
    if data is None:
        return WaiverFile(name)
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise UserError("expected a mapping with a 'waivers' list", where=f"{name}:1")
    unknown = sorted(set(data) - {"version", "waivers"}, key=str)
    if unknown:
        line = _key_line(root, unknown[0])
        raise UserError(f"{str(unknown[0])[:60]}: unknown key", where=f"{name}:{line}")
    entries = data.get("waivers") or []
    nodes = _value_node(root, "waivers")
    if not isinstance(entries, list) or not isinstance(nodes, yaml.SequenceNode | None):
        raise UserError(
            "waivers: expected a list", where=f"{name}:{_key_line(root, 'waivers')}"
        )
    items = nodes.value if nodes is not None else []
    waivers = tuple(_waiver(e, n, name) for e, n in zip(entries, items, strict=True))
    _reject_duplicates(waivers, name)
    return WaiverFile(name, waivers)


def _waiver(entry: Any, node: yaml.Node, name: str) -> Waiver:
    line = node.start_mark.line + 1
    if not isinstance(entry, dict):
        raise UserError("waiver: expected a mapping", where=f"{name}:{line}")
    try:
        parsed = _Entry.model_validate(entry)
    except ValidationError as exc:
        # an unknown key explains the other errors (a misspelt required key)
        err = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        key = str(err["loc"][0]) if err["loc"] else "?"
        where = f"{name}:{_key_line(node, key) if key in entry else line}"
        problem = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        found = "" if err["type"] == "missing" else f" (found {shown(err['input'])})"
        raise UserError(f"waivers → {key}: {problem}{found}", where=where) from None
    return Waiver(
        parsed.fingerprint,
        parsed.reason,
        parsed.accepted_by,
        parsed.expires,
        line,
        parsed.rule,
        parsed.report,
    )


def _reject_duplicates(waivers: Iterable[Waiver], name: str) -> None:
    seen: dict[str, int] = {}
    for w in waivers:
        if w.fingerprint in seen:
            raise UserError(
                f"waivers → fingerprint: {shown(w.fingerprint)} already waived at line "
                f"{seen[w.fingerprint]}",
                where=f"{name}:{w.line}",
            )
        seen[w.fingerprint] = w.line


def _value_node(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == str(key):
                return v  # type: ignore[no-any-return]
    return None


def _key_line(node: yaml.Node, key: str) -> int:
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if k.value == str(key):
                return int(k.start_mark.line) + 1
    return int(node.start_mark.line) + 1


def apply_waivers(report: RunReport, waivers: WaiverFile, today: date) -> RunReport:
    """A new RunReport: waived findings marked, plus findings about expired/unused
    waivers (WVR01, WVR02) and one RuleResult for each of those two checks."""
    active = {w.fingerprint: w for w in waivers.waivers if not w.expired(today)}
    used: set[str] = set()
    findings = []
    for finding in report.findings:
        waiver = active.get(finding.fingerprint)
        if waiver is not None and not finding.waived:
            used.add(waiver.fingerprint)
            finding = finding.with_waiver(f"{waiver.reason} ({waiver.accepted_by})")
        findings.append(finding)
    expired = [
        _expired(w, waivers.path, report.lang)
        for w in waivers.waivers
        if w.expired(today)
    ]
    unused = [
        _unused(w, waivers.path, report.lang)
        for w in active.values()
        if w.fingerprint not in used
    ]
    out = dataclasses.replace(
        report,
        findings=findings + expired + unused,
        results=[
            *report.results,
            _result(EXPIRED, waivers, len(expired)),
            _result(UNUSED, waivers, len(unused)),
        ],
        rules={**report.rules, EXPIRED.id: EXPIRED, UNUSED.id: UNUSED},
    )
    out.sort()
    return out


def _about(w: Waiver) -> str:
    return " ".join(p for p in (w.rule, w.report) if p) or w.fingerprint


def _expired(w: Waiver, path: str, lang: str) -> Finding:
    if lang == "en":
        message = f"The waiver for {_about(w)} expired on {w.expires.isoformat()}"
        hint = "Renew it with a new decision, or fix the discrepancy and remove it."
    else:
        message = f"Undantaget för {_about(w)} gick ut {w.expires.isoformat()}"
        hint = "Förnya det med ett nytt beslut, eller rätta avvikelsen och ta bort det."
    return _waiver_finding(EXPIRED, w, path, message, hint)


def _unused(w: Waiver, path: str, lang: str) -> Finding:
    if lang == "en":
        message = f"The waiver for {_about(w)} matches no finding"
        hint = "Remove it: the discrepancy is fixed or has moved to other labels."
    else:
        message = f"Undantaget för {_about(w)} matchar ingen avvikelse"
        hint = "Ta bort det: avvikelsen är rättad eller har bytt etiketter."
    return _waiver_finding(UNUSED, w, path, message, hint)


def _waiver_finding(
    rule: RuleInfo, w: Waiver, path: str, message: str, hint: str
) -> Finding:
    return Finding(
        rule=rule.id,
        code=rule.code,
        severity=rule.severity,
        message=message,
        hint=hint,
        file=path,
        lines=(w.line,),
        report=path,
        labels=(w.fingerprint,),
        area=rule.area,
    )


def _result(rule: RuleInfo, waivers: WaiverFile, failures: int) -> RuleResult:
    return RuleResult(
        rule=rule.id,
        code=rule.code,
        kind=rule.kind,
        title=rule.title,
        report=waivers.path,
        outcome=Outcome.FAIL if failures else Outcome.PASS,
        checked=len(waivers.waivers),
        findings=failures,
        area=rule.area,
    )


class _PlainDumper(yaml.SafeDumper):
    """Writes every value in place: no ``&id001`` anchors for shared dates."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def baseline_document(
    report: RunReport, accepted_by: str, expires: date, reason: str | None = None
) -> str:
    """The YAML of a waiver file accepting every active finding of ``report``."""
    if reason is None:
        reason = (
            "Baseline: present when rapportkoll was introduced"
            if report.lang == "en"
            else "Baslinje: fanns när rapportkoll infördes"
        )
    seen: set[str] = set()
    entries = []
    for f in sorted(report.active(), key=Finding.sort_key):
        if f.fingerprint in seen:
            continue
        seen.add(f.fingerprint)
        entries.append(_baseline_entry(f, reason, accepted_by, expires))
    head = (
        "# rapportkoll waivers: accepted discrepancies, matched by fingerprint\n"
        "# (rule + report + table + labels; line numbers may move).\n"
    )
    body = yaml.dump(
        {"version": 1, "waivers": entries},
        Dumper=_PlainDumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
    )
    return head + body


def _baseline_entry(
    f: Finding, reason: str, accepted_by: str, expires: date
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "fingerprint": f.fingerprint,
        "rule": f.rule,
        "code": f.code,
        "report": f.report,
        "file": f.file,
    }
    if f.table:
        entry["table"] = f.table
    if f.labels:
        entry["labels"] = list(f.labels)
    entry |= {
        "message": f.message,
        "reason": reason,
        "accepted_by": accepted_by,
        "expires": expires,
    }
    return entry


def write_baseline(
    report: RunReport,
    path: Path,
    accepted_by: str,
    expires: date,
    reason: str | None = None,
) -> int:
    """Write (atomically) a waiver file for the active findings; returns how many."""
    text = baseline_document(report, accepted_by, expires, reason)
    write_atomic(Path(path), text.encode("utf-8"))
    return len({f.fingerprint for f in report.active()})
