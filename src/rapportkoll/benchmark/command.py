"""The ``rapportkoll bench`` subcommand's options and entry point."""

from __future__ import annotations

import argparse
from pathlib import Path

from rapportkoll.model.errors import UserError

# The generator and the bench runner are imported when ``bench`` runs: every other
# subcommand (``check`` above all) builds this parser and must not pay for them.

DEFAULT_SEED_REPORT = "data/000_4d1abd7bdfbb87a9.txt"


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("bench", help="measure speed, memory and recall (issue 6)")
    p.add_argument(
        "--report",
        default=DEFAULT_SEED_REPORT,
        help="the single report to time (default: the April seed)",
    )
    p.add_argument(
        "--sizes",
        default=None,
        help="batch sizes N, comma-separated (default 10,100,1000)",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="add the national batch (290 × 10 × 3 = 8700 reports; minutes)",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=0,
        help="reading workers, as for check (default 0: automatic, CPUs + 1)",
    )
    p.add_argument("--seed", type=int, default=1, help="generator seed")
    p.add_argument("--checks", default="checks", help="rule folder")
    p.add_argument(
        "--clean-n",
        type=int,
        default=100,
        help="size of the clean batch that counts false alarms (0: skip)",
    )
    p.add_argument(
        "--alternatives-n",
        type=int,
        default=100,
        help="batch size for the pandera / Great Expectations comparison (0: skip)",
    )
    p.add_argument("--json", dest="json_out", help="write the figures to this file")
    p.add_argument("--workdir", help="keep generated batches and outputs here")
    p.add_argument(
        "--skip-single", action="store_true", help="skip the single-report runs"
    )
    p.add_argument(
        "--write",
        metavar="DIR",
        help="only write a batch of the largest --sizes N to DIR (with manifest.json)"
        " and exit; --injections sets the mean number per report (0: clean)",
    )
    p.add_argument(
        "--injections",
        type=float,
        default=1.5,
        help="with --write: mean injected discrepancies per report (0: clean)",
    )
    p.add_argument(
        "--tjansteskrivelser",
        action="store_true",
        help="add each board's tjänsteskrivelse (markdown) after its "
        "verksamhetsberättelse (companion documents, not counted in N)",
    )
    p.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the single report R times, each cold, and keep the fastest",
    )


def run_bench(args: argparse.Namespace) -> int:
    from rapportkoll.benchmark.batch import NATIONAL
    from rapportkoll.benchmark.bench import DEFAULT_SIZES, BenchOptions, bench
    from rapportkoll.ingest.discover import resolved_jobs

    text = args.sizes if args.sizes is not None else ",".join(map(str, DEFAULT_SIZES))
    try:
        sizes = tuple(int(s) for s in str(text).split(",") if s.strip())
    except ValueError:
        raise UserError(f"--sizes: expected numbers, got {args.sizes!r}") from None
    if args.full and NATIONAL not in sizes:
        sizes = (*sizes, NATIONAL)
    if args.write:
        return _write(
            Path(args.write),
            max(sizes),
            args.seed,
            args.injections,
            args.tjansteskrivelser,
        )
    report = Path(args.report)
    if not report.is_file():
        raise UserError("no such report", where=str(report))
    checks = Path(args.checks)
    if not checks.is_dir():
        raise UserError("rule folder not found", where=str(checks))
    options = BenchOptions(
        seed_report=report,
        sizes=sizes,
        jobs=resolved_jobs(args.jobs),
        seed=args.seed,
        checks=checks,
        workdir=Path(args.workdir) if args.workdir else None,
        json_out=Path(args.json_out) if args.json_out else None,
        alternatives_n=args.alternatives_n,
        clean_n=args.clean_n,
        keep=bool(args.workdir),
        single=not args.skip_single,
        repeat=args.repeat,
        tjansteskrivelser=args.tjansteskrivelser,
    )
    bench(options)
    return 0


def _write(folder: Path, n: int, seed: int, injections: float, md: bool) -> int:
    from rapportkoll.benchmark.batch import MANIFEST, write_batch

    expected = write_batch(
        folder, n, seed=seed, injections=injections, tjansteskrivelser=md
    )
    print(f"{n} rapporter, {len(expected)} inlagda avvikelser → {folder}/{MANIFEST}")
    return 0
