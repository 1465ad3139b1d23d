"""The command line: ``rapportkoll check | rules | explain | baseline``."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from rapportkoll import __version__
from rapportkoll.findings import RunReport, Severity
from rapportkoll.ingest.discover import Reading, ReadOptions, reading
from rapportkoll.model.errors import UserError
from rapportkoll.options import CheckOptions, read_options, report_paths
from rapportkoll.pyproject import (
    DEFAULT_JOBS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_LINES,
    Table,
    read_table,
)

if TYPE_CHECKING:  # validating the settings imports pydantic: after reading starts
    from rapportkoll.config import Config

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
    check.add_argument(
        "--output",
        "-o",
        help="output file (one format; without --format its extension names it) "
        "or folder",
    )
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
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        help="worker processes for reading (0: automatic); above 1 the rules "
        "stage also runs in two processes",
    )
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


# Settings the command line can give, as named in rapportkoll.config.Config.
_FLAGS = (
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


def _flags(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line (None and [] mean not given)."""
    given: dict[str, Any] = {
        key: getattr(args, key)
        for key in _FLAGS
        if getattr(args, key, None) not in (None, [])
    }
    if getattr(args, "expectations", None):
        given["expectations"] = [args.expectations]
    return given


def _table(args: argparse.Namespace) -> Table:
    """[tool.rapportkoll] as written: of --config's pyproject.toml or the nearest."""
    start = Path(args.config) if getattr(args, "config", None) else Path.cwd()
    return read_table(start)


def _config(args: argparse.Namespace, table: Table) -> tuple[Config, CheckOptions]:
    """The settings of ``table`` overridden by the flags, validated (pydantic)."""
    from rapportkoll.config import config_of

    config = config_of(table).merged(**_flags(args))
    options = _options(
        args,
        paths=config.paths,
        profiles=config.profiles,
        jobs=config.jobs,
        max_bytes=config.max_bytes,
        max_lines=config.max_lines,
        checks=config.checks,
        expectations=config.expectations,
        lang=config.lang,
    )
    return config, options


def _options(
    args: argparse.Namespace,
    *,
    paths: Sequence[str | Path],
    profiles: Sequence[str | Path],
    jobs: int,
    max_bytes: int,
    max_lines: int,
    checks: Sequence[str | Path] = (),
    expectations: Sequence[str | Path] = (),
    lang: str = "sv",
) -> CheckOptions:
    """A run's options from settings (validated or as written); a folder list not
    given keeps ``CheckOptions``' default."""
    folders = {
        "paths": paths,
        "checks": checks,
        "expectations": expectations,
        "profiles": profiles,
    }
    return CheckOptions(
        **{key: [str(p) for p in value] for key, value in folders.items() if value},
        profile=getattr(args, "profile", None),
        lang=lang,
        jobs=jobs,
        max_bytes=max_bytes,
        max_lines=max_lines,
    )


def _reading(options: CheckOptions) -> tuple[list[Path], ReadOptions]:
    """What reading the reports of a run needs: their paths and how to read them."""
    return report_paths(options), read_options(options)


def _early_reading(
    args: argparse.Namespace, table: Table
) -> tuple[list[Path], ReadOptions] | None:
    """What reading the reports needs, from the flags and the table as written,
    known before pydantic is imported to validate them; None when a value is not of
    its plain type (the settings are then validated before anything is read)."""
    values = {**table.values(), **_flags(args)}
    paths, profiles = values.get("paths", []), values.get("profiles", [])
    numbers = (
        values.get("jobs", DEFAULT_JOBS),
        values.get("max_bytes", DEFAULT_MAX_BYTES),
        values.get("max_lines", DEFAULT_MAX_LINES),
    )
    if not (_plain_paths(paths) and _plain_paths(profiles)):
        return None
    if not all(type(n) is int for n in numbers):
        return None
    jobs, max_bytes, max_lines = numbers
    options = _options(
        args,
        paths=paths,
        profiles=profiles,
        jobs=jobs,
        max_bytes=max_bytes,
        max_lines=max_lines,
    )
    return _reading(options)


def _plain_paths(value: object) -> bool:
    """A list of paths that ``Path`` and the file system take without an error."""
    return isinstance(value, list | tuple) and all(
        isinstance(p, str | Path) and "\x00" not in str(p) for p in value
    )


def _run(args: argparse.Namespace, table: Table) -> tuple[Config, RunReport]:
    """Read the reports while pydantic, the settings' validation, pandas and the
    rules load: the workers start from the settings as written. A bad setting still
    ends the run with its error (exit 2), and the workers are stopped."""
    early = _early_reading(args, table)
    if early is None:
        config, options = _config(args, table)  # its error before any worker starts
        report = _checked(options, None)
    else:
        with reading(*early) as pending:
            config, options = _config(args, table)
            same = _reading(options) == early  # as validated: always, by their types
            report = _checked(options, pending if same else None)
    if config.waivers is not None:
        from rapportkoll.waivers import apply_waivers, load_waivers

        report = apply_waivers(report, load_waivers(config.waivers), date.today())
    return config, report


def _checked(options: CheckOptions, pending: Reading | None) -> RunReport:
    """The run's report; the reports are read here unless ``pending`` reads them."""
    from rapportkoll.engine import run_check

    return run_check(options, pending)


def _check(args: argparse.Namespace) -> int:
    import time

    from rapportkoll.reporters import FORMATS, render, write_atomic
    from rapportkoll.reporters.text import render_text

    started = time.perf_counter()
    table = _table(args)
    config, report = _run(args, table)
    t0 = time.perf_counter()
    formats = _formats(args, table, config)
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


def _formats(args: argparse.Namespace, table: Table, config: Config) -> list[str]:
    """The formats to write: ``--format``, else the settings' ``formats``, else the
    one ``--output FILE`` names by its extension (``-o rapport.json``: JSON), else
    text."""
    if args.formats or "formats" in table.values() or not args.output:
        return list(config.formats)
    from rapportkoll.reporters import FORMATS

    suffix = Path(args.output).suffix.lower()
    named = [name for name, f in FORMATS.items() if Path(f.filename).suffix == suffix]
    return named[:1] or list(config.formats)


def _print_timings(report: RunReport) -> None:
    for key, value in report.timings.items():
        print(f"  {key:<28} {value * 1000:9.1f} ms", file=sys.stderr)


def _baseline(args: argparse.Namespace) -> int:
    from rapportkoll.waivers import write_baseline

    _settings, report = _run(args, _table(args))
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


def entry() -> NoReturn:
    """The ``rapportkoll`` command: ``main`` in a process it owns.

    A run makes millions of small objects that all live to its end, so the young
    generation is collected less often (by default every 700 allocations, each time
    finding no garbage: ~6 % of a batch's CPU). And at the end the process exits
    once its exit handlers have run and its output is flushed, without taking every
    object apart one by one: after a run with pandas loaded that teardown takes
    0.1-0.2 s, and every file was already written (atomically) and closed.
    """
    gc.set_threshold(*GC_THRESHOLDS)
    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe: nothing more can be said.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


GC_THRESHOLDS = (50_000, 20, 100)


if __name__ == "__main__":
    entry()
