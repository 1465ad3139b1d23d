"""The command line: ``rapportkoll check | rules | explain | baseline``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from rapportkoll import __version__
from rapportkoll.config import Config, load_config
from rapportkoll.findings import RunReport, Severity
from rapportkoll.model.errors import UserError
from rapportkoll.options import CheckOptions, read_options, report_paths

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rapportkoll",
        description=(
            "Kontrollerar att en kommunal uppföljningsrapport är internt konsekvent."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"rapportkoll {__version__}"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check reports and write discrepancy reports")
    _run_options(check)
    check.add_argument(
        "--format",
        "-f",
        action="append",
        dest="formats",
        help="output format: text, json, markdown, html, junit, sarif, "
        "xlsx (repeatable)",
    )
    check.add_argument("--output", "-o", help="output file (one format) or folder")
    check.add_argument(
        "--fail-on",
        choices=[s.value for s in Severity],
        default=None,
        help="exit 1 when an unwaived finding at or above this exists (default: error)",
    )
    check.add_argument(
        "--quiet", "-q", action="store_true", help="print only the summary"
    )
    check.add_argument(
        "--timings",
        action="store_true",
        help="print where the time went (extraction, rules, rendering)",
    )
    base = sub.add_parser(
        "baseline", help="write a waiver file accepting current findings"
    )
    _run_options(base)
    base.add_argument("--output", "-o", default="rapportkoll-waivers.yaml")
    base.add_argument("--accepted-by", default=os.environ.get("USER", "okänd"))
    base.add_argument("--expires", required=False, help="expiry date YYYY-MM-DD")
    rules = sub.add_parser("rules", help="list the rules with their codes")
    rules.add_argument("--checks", action="append", help="rule file or folder")
    rules.add_argument("--lang", choices=["sv", "en"], default=None)
    rules.add_argument(
        "--markdown",
        action="store_true",
        help="print the whole catalogue as Markdown (docs/rules.md)",
    )
    explain = sub.add_parser(
        "explain", help="show one rule or rule kind with an example"
    )
    explain.add_argument("id", help="rule id (from checks/) or kind code (e.g. SUM01)")
    explain.add_argument("--checks", action="append", help="rule file or folder")
    explain.add_argument("--lang", choices=["sv", "en"], default=None)
    from rapportkoll.benchmark.command import add_parser as add_bench

    add_bench(sub)
    return parser


def _run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="report files or folders (default: data/)")
    p.add_argument("--checks", action="append", help="rule file or folder (repeatable)")
    p.add_argument("--expectations", help="folder of Great Expectations suites")
    p.add_argument("--profile", help="layout profile name (default: detected)")
    p.add_argument(
        "--profiles-dir",
        action="append",
        dest="profiles",
        help="extra folder of profile YAML files",
    )
    p.add_argument("--lang", choices=["sv", "en"], default=None)
    p.add_argument("--waivers", help="waiver file (accepted findings)")
    p.add_argument("--jobs", "-j", type=int, default=None, help="parallel extraction")
    p.add_argument("--max-bytes", type=int, default=None)
    p.add_argument("--max-lines", type=int, default=None)
    p.add_argument("--config", help="pyproject.toml to read [tool.rapportkoll] from")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "baseline":
            return _baseline(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "bench":
            from rapportkoll.benchmark.command import run_bench

            return run_bench(args)
        return _explain(args)
    except UserError as error:
        print(f"rapportkoll: fel: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("rapportkoll: avbruten", file=sys.stderr)
        return EXIT_ERROR


def _config(args: argparse.Namespace) -> tuple[Config, CheckOptions]:
    """[tool.rapportkoll] from pyproject.toml, overridden by command-line flags."""
    start = Path(args.config) if getattr(args, "config", None) else Path.cwd()
    config = load_config(start)
    overrides: dict[str, Any] = {
        key: getattr(args, key)
        for key in (
            "paths",
            "checks",
            "expectations",
            "profiles",
            "lang",
            "waivers",
            "jobs",
            "max_bytes",
            "max_lines",
            "formats",
            "fail_on",
        )
        if getattr(args, key, None) not in (None, [])
    }
    if getattr(args, "expectations", None):
        overrides["expectations"] = [args.expectations]
    config = config.merged(**overrides)
    options = CheckOptions(
        paths=[str(p) for p in config.paths] or ["data"],
        checks=[str(p) for p in config.checks] or ["checks"],
        expectations=[str(p) for p in config.expectations] or ["expectations"],
        profile=getattr(args, "profile", None),
        profiles=list(config.profiles) or ["profiles"],
        lang=config.lang,
        jobs=config.jobs,
        max_bytes=config.max_bytes,
        max_lines=config.max_lines,
    )
    return config, options


def _run(config: Config, options: CheckOptions) -> RunReport:
    from rapportkoll.ingest.discover import reading

    # The workers start reading before pandas, the rules and the reporters are
    # imported here: on a one-report run that import is most of the time saved.
    with reading(report_paths(options), read_options(options)) as pending:
        from rapportkoll.engine import run_check

        report = run_check(options, pending)
    if config.waivers is not None:
        from rapportkoll.waivers import apply_waivers, load_waivers

        report = apply_waivers(report, load_waivers(config.waivers), date.today())
    return report


def _check(args: argparse.Namespace) -> int:
    import time

    from rapportkoll.reporters import FORMATS, render, write_atomic
    from rapportkoll.reporters.text import render_text

    started = time.perf_counter()
    config, options = _config(args)
    report = _run(config, options)
    t0 = time.perf_counter()
    formats = list(config.formats or [])
    output = args.output or config.output_dir
    written = []
    for fmt in formats:
        if fmt == "text" and output is None:
            continue
        data = render(report, fmt)
        target = Path(output) if output else Path("reports")
        if len(formats) > 1 or target.is_dir() or not target.suffix:
            target = target / FORMATS[fmt].filename
        write_atomic(target, data)
        written.append(str(target))
    report.timings["rendering"] = time.perf_counter() - t0
    # Wall time, not a sum: reading overlaps loading the rules when it has workers.
    report.timings["total"] = time.perf_counter() - started
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    sys.stdout.write(render_text(report, color=color, quiet=args.quiet))
    for path in written:
        print(f"→ {path}")
    if args.timings:
        _print_timings(report)
    threshold = Severity(config.fail_on)
    return EXIT_FINDINGS if report.fails(threshold) else EXIT_CLEAN


def _print_timings(report: RunReport) -> None:
    for key, value in report.timings.items():
        print(f"  {key:<28} {value * 1000:9.1f} ms", file=sys.stderr)


def _baseline(args: argparse.Namespace) -> int:
    from rapportkoll.waivers import write_baseline

    config, options = _config(args)
    report = _run(config, options)
    write_baseline(
        report, Path(args.output), accepted_by=args.accepted_by, expires=args.expires
    )
    print(f"{len(report.active())} avvikelser accepterade → {args.output}")
    return EXIT_CLEAN


def _rules(args: argparse.Namespace) -> int:
    from rapportkoll.rules.loader import load_rules

    lang = args.lang or "sv"
    rules, _ = load_rules([Path(p) for p in (args.checks or ["checks"])])
    if args.markdown:
        from rapportkoll.rules.describe import catalogue_markdown

        sys.stdout.write(catalogue_markdown(rules, lang))
        return EXIT_CLEAN
    for rule in rules:
        print(
            f"{rule.kind.code}  {rule.spec.id:<44} {rule.spec.severity.value:<8}"
            f"{rule.spec.title.get(lang)}"
        )
    return EXIT_CLEAN


def _explain(args: argparse.Namespace) -> int:
    from rapportkoll.rules.loader import load_rules
    from rapportkoll.rules.registry import get_kind

    lang = args.lang or "sv"
    kind = get_kind(args.id)
    if kind is None:
        rules, _ = load_rules([Path(p) for p in (args.checks or ["checks"])])
        match = [r for r in rules if r.spec.id == args.id]
        if not match:
            raise UserError(f"no rule or rule kind called {args.id!r}")
        rule = match[0]
        print(
            f"{rule.spec.id} ({rule.kind.code} {rule.kind.name}, "
            f"{rule.spec.severity.value}) — {rule.file}:{rule.line}"
        )
        print(f"\n{rule.spec.title.get(lang)}")
        if rule.spec.explanation:
            print(f"\n{rule.spec.explanation.get(lang)}")
        if rule.spec.hint:
            remedy = "Åtgärd" if lang == "sv" else "Remedy"
            print(f"\n{remedy}: {rule.spec.hint.get(lang)}")
        kind = rule.kind
    print(f"\n{kind.code} {kind.name}\n")
    print(kind.doc.strip())
    return EXIT_CLEAN


if __name__ == "__main__":
    raise SystemExit(main())
