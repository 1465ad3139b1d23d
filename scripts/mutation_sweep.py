"""Mutation sweep: change one cross-checked value at a time and see whether it is reported.

For every value the readers took from one report (amounts, counts, percentages,
statuses, prognoses, assessments, deadlines, numbers in prose) this writes a copy of
the report with only that value changed, checks it together with the other reports
of the folder and counts the edit as found when a finding naming its line appears
(or disappears: the edit may repair an inconsistency the report had).

    .venv/bin/python scripts/mutation_sweep.py data/000_4d1abd7bdfbb87a9.txt \
        --others data --sample 80 --jobs 2

It prints the detection rate per value kind and lists the edits nobody reported: a
value that no rule cross-checks, or a rule that misses it. A development tool, not a
test: the end-to-end tests pin a handful of edits; this measures all of them.
"""  # noqa: E501 - the first line is the --help description

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rapportkoll.engine import run_rules
from rapportkoll.ingest.discover import read_paths
from rapportkoll.model.bundle import Bundle
from rapportkoll.model.numbers import parse_number
from rapportkoll.rules.loader import LoadedRule, load_rules

WORD_SWAPS = {
    "Enligt plan": "Avvikelse från plan",
    "Avvikelse från plan": "Enligt plan",
    "Påbörjad": "Slutförd",
    "Slutförd": "Påbörjad",
    "Ej påbörjad": "Slutförd",
    "Uppfyllt": "Ej uppfyllt",
    "Ej uppfyllt": "Uppfyllt",
    "Delvis uppfyllt": "Uppfyllt",
}


@dataclass(frozen=True)
class Target:
    kind: str  # e.g. 'finance.utfall_period', 'items.status', 'claims'
    line: int
    old: str
    new: str


def _shift(printed: str) -> str | None:
    """The printed number changed well beyond its rounding, in the same format."""
    number = parse_number(printed)
    if number is None:
        return None
    step = 10.0**-number.decimals
    delta = max(7 * step, round(abs(number.value) * 0.07, number.decimals))
    new = number.value + delta
    decimal = "," if "," in printed else "."
    body = f"{abs(new):.{number.decimals}f}"
    whole, _, frac = body.partition(".")
    if re.search(r"\d[ \u00a0]\d{3}", printed):
        whole = f"{int(whole):,}".replace(",", " ")
    text = whole + (decimal + frac if frac else "")
    sign = re.match(r"^\s*([-−–])", printed)
    if new < 0:
        text = (sign.group(1) if sign else "-") + text
    if printed.rstrip().endswith("%"):
        text += "%"
    return text if text != printed.strip() else None


def _targets(bundle: Bundle, lines: list[str]) -> list[Target]:
    found: list[Target] = []

    def add(kind: str, line: object, old: object) -> None:
        if pd.isna(line) or pd.isna(old) or not str(old).strip():
            return
        n, text = int(str(line)), str(old).strip()
        if not 0 < n <= len(lines) or lines[n - 1].count(text) != 1:
            return
        new = WORD_SWAPS.get(text) or (
            _shift(text) if kind != "items.slutdatum" else _later(text)
        )
        if new:
            found.append(Target(kind, n, text, new))

    for name in ("finance", "indicators", "item_matrix", "claims"):
        frame = bundle.table(name)
        for row in frame.itertuples(index=False):
            kind = name if name == "claims" else f"{name}.{row.column}"
            add(kind, row.line, row.printed)
    items = bundle.table("items")
    for column in ("status", "prognos", "slutdatum"):
        for row in items.itertuples(index=False):
            add(f"items.{column}", row.line, getattr(row, column))
    indicators = bundle.table("indicators").drop_duplicates(["indicator", "report"])
    for row in indicators.itertuples(index=False):
        add("indicators.bedomning", row.bedomning_line, row.bedomning)
    unique = {(t.line, t.old): t for t in found}
    return sorted(unique.values(), key=lambda t: (t.line, t.old))


def _later(date: str) -> str | None:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", date)
    if not m:
        return None
    return f"{int(m[1]) + 1}-{m[2]}-{m[3]}"


_STATE: dict[str, object] = {}


def _init(others: list[str], checks: list[str]) -> None:
    rules, _ = load_rules([Path(p) for p in checks])
    _STATE["rules"] = rules
    _STATE["others"] = read_paths([Path(p) for p in others]) if others else Bundle()


def _findings(bundle: Bundle) -> set[tuple[str, tuple[int, ...], str]]:
    rules = _STATE["rules"]
    assert isinstance(rules, list)
    typed: list[LoadedRule] = rules
    report = run_rules(bundle, typed)
    return {(f.rule, tuple(f.lines), f.message) for f in report.findings}


def _check(path: Path, text: str) -> set[tuple[str, tuple[int, ...], str]]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        copy.write_text(text, encoding="utf-8")
        mutated = read_paths([copy])
    # Findings name the copy's path; map it back so they compare with the baseline.
    others = _STATE["others"]
    assert isinstance(others, Bundle)
    found = _findings(Bundle.merge([others, mutated]))
    return {(r, lines, m.replace(str(copy), str(path))) for r, lines, m in found}


def _run_target(
    args: tuple[Path, list[str], Target, set[tuple[str, tuple[int, ...], str]]],
) -> tuple[Target, bool, int]:
    path, lines, target, baseline = args
    edited = list(lines)
    edited[target.line - 1] = edited[target.line - 1].replace(target.old, target.new, 1)
    found = _check(path, "\n".join(edited) + "\n")
    # A new finding, or one that went away (the edit repaired an inconsistency).
    changed = (found - baseline) | (baseline - found)
    at_line = any(target.line in lines_ for _, lines_, _ in changed)
    return target, at_line, len(changed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--others", default=None, help="folder of the other reports")
    parser.add_argument("--checks", nargs="*", default=None)
    parser.add_argument("--sample", type=int, default=0, help="0 = every target")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    checks = args.checks or [
        str(p)
        for p in sorted(Path("checks").glob("*.yaml"))
        if p.name != "expectations.yaml"
    ]
    others = (
        [
            str(p)
            for p in sorted(Path(args.others).glob("*.txt"))
            if p.name != args.report.name
        ]
        if args.others
        else []
    )
    _init(others, checks)
    lines = args.report.read_text(encoding="utf-8").splitlines()
    baseline = _check(args.report, "\n".join(lines) + "\n")
    targets = _targets(read_paths([args.report]), lines)
    if args.sample and args.sample < len(targets):
        targets = sorted(
            random.Random(args.seed).sample(targets, args.sample), key=lambda t: t.line
        )
    print(f"{len(targets)} single-value edits of {args.report}", file=sys.stderr)
    work = [(args.report, lines, t, baseline) for t in targets]
    with ProcessPoolExecutor(
        args.jobs, initializer=_init, initargs=(others, checks)
    ) as pool:
        results = list(pool.map(_run_target, work, chunksize=4))
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for target, hit, _ in results:
        by_kind[target.kind].append(hit)
    total = sum(hit for _, hit, _ in results)
    share = total / max(len(results), 1)
    print(f"found at their line: {total}/{len(results)} ({share:.0%})")
    for kind, hits in sorted(by_kind.items()):
        print(f"  {kind:40s} {sum(hits):4d}/{len(hits):<4d}")
    print("not reported at their line:")
    for target, hit, n_new in results:
        if not hit:
            elsewhere = f" ({n_new} finding(s) changed elsewhere)" if n_new else ""
            print(
                f"  {target.line:5d} {target.kind:32s} "
                f"{target.old!r} → {target.new!r}{elsewhere}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
