"""``rapportkoll bench``: one run, one machine, the figures of issue 6.

1. One seed report, cold (a fresh process), all rules, JSON + HTML output — with
   and without the Great Expectations suites.
2. Batches of N synthetic reports with injected discrepancies: wall time, peak
   memory, stage breakdown, recall; a clean batch for the false alarms.
3. The same subset of checks through pandera alone and Great Expectations alone,
   over the same canonical tables, as ratios against rapportkoll's rules.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapportkoll.benchmark.batch import NATIONAL, load_manifest, write_batch
from rapportkoll.benchmark.measure import (
    Measurement,
    installed_env,
    rapportkoll_command,
    run,
)
from rapportkoll.benchmark.score import false_alarms, score

DEFAULT_SIZES = (10, 100, 1000)
STAGES = ("load_rules", "extraction", "rules", "rendering")
GX_RULE_FILE = "expectations.yaml"


@dataclass(frozen=True)
class BenchOptions:
    seed_report: Path
    sizes: tuple[int, ...]
    jobs: int
    seed: int
    checks: Path
    workdir: Path | None
    json_out: Path | None
    alternatives_n: int
    clean_n: int
    keep: bool
    single: bool = True
    repeat: int = 1
    tjansteskrivelser: bool = False


Printer = Callable[[str], None]


def machine() -> dict[str, Any]:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "memory_gib": _memory_gib(),
        # pandera imports hypothesis when it is installed (+0.3-0.5 s on each cold
        # start): a development install (.[dev]) is slower to start than a user's.
        "hypothesis_installed": importlib.util.find_spec("hypothesis") is not None,
    }


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo") as fh:
            kib = int(fh.readline().split()[1])
        return round(kib / 2**20, 1)
    except (OSError, ValueError, IndexError):
        return None


def _checks_without_gx(checks: Path, into: Path) -> Path:
    """A copy of the rule folder without the Great Expectations rule file."""
    target = into / "checks-no-gx"
    shutil.copytree(checks, target, ignore=shutil.ignore_patterns(GX_RULE_FILE))
    return target


def _stage_row(m: Measurement) -> dict[str, Any]:
    row: dict[str, Any] = {
        "wall_s": round(m.wall, 3),
        "maxrss_mib": round(m.maxrss_mib, 1),
        "tree_mib": round(m.tree_mib, 1),
        "cpu_s": round(m.cpu, 3),
        "load_average": round(os.getloadavg()[0], 2),
        "exit_code": m.exit_code,
    }
    row["stages_s"] = {k: round(v, 3) for k, v in m.timings.items()}
    return row


def _fmt_stages(timings: dict[str, float]) -> str:
    shown = [f"{k} {timings[k]:.2f}" for k in STAGES if k in timings]
    slow = sorted(
        ((v, k) for k, v in timings.items() if k.startswith("rules.")), reverse=True
    )[:3]
    if slow:
        shown.append("slowest " + ", ".join(f"{k[6:]} {v:.2f}" for v, k in slow))
    return "; ".join(shown)


def _check(
    paths: list[str], checks: Path, out: Path, jobs: int, formats: list[str]
) -> Measurement:
    args = [
        *paths,
        "--checks",
        str(checks),
        "-o",
        str(out),
        "--timings",
        "-q",
        "--jobs",
        str(jobs),
    ]
    for fmt in formats:
        args += ["-f", fmt]
    # Compiled modules are kept under the bench's folder (see installed_env); the
    # first run of each kind compiles them and is not timed (single_report).
    m = run(rapportkoll_command("check", *args), env=installed_env(out.parent / "pyc"))
    if m.exit_code not in (0, 1):
        raise RuntimeError(
            f"rapportkoll check failed ({m.exit_code}):\n{m.stderr[-2000:]}"
        )
    return m


def single_report(o: BenchOptions, tmp: Path, say: Printer) -> dict[str, Any]:
    say(f"\n1. One report, cold, all rules, JSON + HTML: {o.seed_report}")
    no_gx = _checks_without_gx(o.checks, tmp)
    figures = {}
    for label, checks in (("without_gx", no_gx), ("with_gx", o.checks)):
        # A first run compiles the modules it imports (as installing would) and is
        # not timed; then, with --repeat, the fastest of the runs (each a fresh
        # process: still cold).
        runs = [
            _check(
                [str(o.seed_report)],
                checks,
                tmp / f"single-{label}",
                o.jobs,
                ["json", "html"],
            )
            for _ in range(1 + max(1, o.repeat))
        ][1:]
        m = min(runs, key=lambda r: r.wall)
        figures[label] = _stage_row(m) | {
            "runs_wall_s": [round(r.wall, 3) for r in runs]
        }
        say(
            f"   {label.replace('_', ' '):<12} wall {m.wall:6.2f} s  "
            f"cpu {m.cpu:6.2f} s  peak {m.tree_mib:5.0f} MiB  "
            f"({_fmt_stages(m.timings)})"
        )
    return figures


def batch_run(o: BenchOptions, n: int, tmp: Path, say: Printer) -> dict[str, Any]:
    folder = tmp / f"batch-{n}"
    t0 = time.perf_counter()
    expected = write_batch(
        folder, n, seed=o.seed, tjansteskrivelser=o.tjansteskrivelser
    )
    generated = time.perf_counter() - t0
    m = _check([str(folder)], tmp / "checks-no-gx", tmp / f"out-{n}", o.jobs, ["json"])
    findings = _json_in(tmp / f"out-{n}")
    s = score(findings, load_manifest(folder), folder)
    row = _stage_row(m) | {
        "n": n,
        "generate_s": round(generated, 2),
        "per_report_ms": round(1000 * m.wall / n, 1),
        "score": s.as_dict(),
        "injected": len(expected),
    }
    say(
        f"   N={n:<5} wall {m.wall:7.1f} s ({1000 * m.wall / n:5.0f} ms/report)  cpu "
        f"{m.cpu:7.1f} s  peak {m.tree_mib:5.0f} MiB  recall {s.found}/{s.expected}"
        f" = {s.recall:.1%} (at the line, any code: {s.line_recall:.1%})"
    )
    say(f"           [{_fmt_stages(m.timings)}]")
    return row


def _json_in(folder: Path) -> list[dict[str, Any]]:
    for path in folder.glob("*.json"):
        data = json.loads(path.read_text())
        return list(data["findings"])
    return []


def clean_run(o: BenchOptions, tmp: Path, say: Printer) -> dict[str, Any]:
    n = o.clean_n
    folder = tmp / f"clean-{n}"
    write_batch(
        folder, n, seed=o.seed, injections=0, tjansteskrivelser=o.tjansteskrivelser
    )
    m = _check(
        [str(folder)], tmp / "checks-no-gx", tmp / f"clean-out-{n}", o.jobs, ["json"]
    )
    alarms = false_alarms(_json_in(tmp / f"clean-out-{n}"))
    total = sum(alarms.values())
    say(
        f"   clean N={n}: {total} findings at warning/error (false alarms)"
        + (f": {dict(sorted(alarms.items()))}" if alarms else "")
    )
    return {
        "n": n,
        "false_alarms": total,
        "by_code": dict(sorted(alarms.items())),
        "wall_s": round(m.wall, 2),
    }


def alternatives(o: BenchOptions, tmp: Path, say: Printer) -> dict[str, Any]:
    from rapportkoll.benchmark.alternatives import (
        RAPPORTKOLL_SUBSET,
        run_gx,
        run_pandera,
    )
    from rapportkoll.engine import run_rules
    from rapportkoll.ingest.discover import ReadOptions, read_paths
    from rapportkoll.rules.loader import load_rules

    n = o.alternatives_n
    folder = tmp / f"batch-{n}"
    if not folder.exists():
        write_batch(folder, n, seed=o.seed, tjansteskrivelser=o.tjansteskrivelser)
    say(f"\n3. The same subset of checks over the canonical tables of N={n}")
    bundle = read_paths([folder], ReadOptions(jobs=o.jobs))
    rules, _ = load_rules([tmp / "checks-no-gx"])
    subset = [r for r in rules if r.spec.id in RAPPORTKOLL_SUBSET]
    # every tool runs once untimed first, so that lazy imports are paid outside
    # the timed runs (GX's import and context are reported on their own)
    run_rules(bundle, subset)
    run_pandera(bundle)
    _, _, gx_setup = run_gx(bundle)
    t0 = time.perf_counter()
    ours_report = run_rules(bundle, subset)
    ours = time.perf_counter() - t0
    per_kind = {
        k[6:]: round(v, 3)
        for k, v in ours_report.timings.items()
        if k.startswith("rules.")
    }
    ours_found = sum(1 for f in ours_report.findings if f.severity.value != "info")
    all_rules = _timed(lambda: run_rules(bundle, rules))
    pa_failing, pa_time = run_pandera(bundle)
    gx_failing, gx_time, _ = run_gx(bundle)
    say(
        f"   rapportkoll subset rules {ours:7.2f} s   ({ours_found} findings; per kind "
        + ", ".join(f"{k} {v:.2f}" for k, v in per_kind.items())
        + f"; all rules {all_rules:.2f} s)"
    )
    say(
        f"   pandera alone            {pa_time:7.2f} s   = {pa_time / ours:5.1f}× "
        f"rapportkoll's subset  ({pa_failing} failure cases)"
    )
    say(
        f"   Great Expectations alone {gx_time:7.2f} s   = {gx_time / ours:5.1f}× "
        f"rapportkoll's subset  (+ {gx_setup:.2f} s import and context; "
        f"{gx_failing} unexpected values)"
    )
    return {
        "n": n,
        "rapportkoll_subset_s": round(ours, 3),
        "rapportkoll_all_rules_s": round(all_rules, 3),
        "rapportkoll_subset_by_kind_s": per_kind,
        "rapportkoll_subset_findings": ours_found,
        "pandera_s": round(pa_time, 3),
        "gx_s": round(gx_time, 3),
        "gx_setup_s": round(gx_setup, 3),
        "pandera_ratio": round(pa_time / ours, 2),
        "gx_ratio": round(gx_time / ours, 2),
        "pandera_failures": pa_failing,
        "gx_unexpected": gx_failing,
        "subset": list(RAPPORTKOLL_SUBSET),
    }


def _timed(job: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    job()
    return time.perf_counter() - t0


def growth(rows: list[dict[str, Any]]) -> list[str]:
    """'N 10 → 100 (×10): time ×8.1' for each pair of successive batch sizes."""
    out = []
    for a, b in itertools.pairwise(rows):
        factor = b["n"] / a["n"]
        wall = b["wall_s"] / a["wall_s"]
        out.append(
            f"N {a['n']} → {b['n']} (×{factor:g}): wall ×{wall:.1f},"
            f" cpu ×{b['cpu_s'] / a['cpu_s']:.1f}, peak memory "
            f"×{b['tree_mib'] / a['tree_mib']:.1f}"
        )
    return out


def bench(o: BenchOptions, say: Printer = print) -> dict[str, Any]:
    """Run every measurement; print as we go; return the figures."""
    tmp = o.workdir or Path(tempfile.mkdtemp(prefix="rapportkoll-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"machine": machine(), "jobs": o.jobs, "seed": o.seed}
    shutil.rmtree(tmp / "checks-no-gx", ignore_errors=True)
    say(
        f"rapportkoll bench — {figures['machine']['cpus']} CPU, "
        f"{figures['machine']['memory_gib']} GiB, Python {figures['machine']['python']}"
        f", load average {os.getloadavg()[0]:.1f}"
    )
    if figures["machine"]["hypothesis_installed"]:
        say(
            "   (a development install: pandera imports hypothesis at each start; "
            "a user install (pip install .) starts ~0.4 s faster)"
        )
    if os.getloadavg()[0] > (os.cpu_count() or 1):
        say("   (the machine is busy: wall times are inflated; cpu times less so)")
    try:
        if o.single:
            figures["single_report"] = single_report(o, tmp, say)
        else:
            _checks_without_gx(o.checks, tmp)
        say(
            f"\n2. Synthetic batches (jobs={o.jobs}; national set = {NATIONAL} reports)"
        )
        figures["batches"] = [batch_run(o, n, tmp, say) for n in o.sizes]
        for line in growth(figures["batches"]):
            say(f"   growth {line}")
        if o.clean_n:
            figures["clean"] = clean_run(o, tmp, say)
        if o.alternatives_n:
            figures["alternatives"] = alternatives(o, tmp, say)
    finally:
        if not o.keep and o.workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    if o.json_out:
        o.json_out.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n")
        say(f"\n→ {o.json_out}")
    return figures
