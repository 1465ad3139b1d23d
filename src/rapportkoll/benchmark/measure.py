"""Run a command in a child process and measure its wall time and peak memory.

Peak memory is taken two ways: the kernel's ``ru_maxrss`` for the child (from
``wait4``: the largest single process among the child and the workers it reaped),
and, on Linux, the largest sum of resident memory over the child's whole process
tree, sampled every 20 ms — the figure that matters with ``--jobs``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.02
TIMING_LINE = re.compile(r"^\s+(?P<key>[\w.]+)\s+(?P<ms>[\d.]+) ms$")


@dataclass
class Measurement:
    command: list[str]
    exit_code: int
    wall: float
    maxrss_mib: float
    tree_rss_mib: float
    cpu: float  # user + system seconds of the child and the workers it reaped
    stdout: str
    stderr: str
    timings: dict[str, float] = field(default_factory=dict)  # seconds, from --timings


def rapportkoll_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "rapportkoll.cli", *args]


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants (0 where /proc is missing)."""
    total, todo, seen = 0, [pid], set()
    page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * page
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def run(command: list[str], cwd: Path | None = None) -> Measurement:
    """Run ``command`` to its end; wall time, peak memory, output, --timings figures."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd)
        peak = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(SAMPLE_SECONDS)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    maxrss = usage.ru_maxrss / 1024  # KiB on Linux
    return Measurement(
        command,
        proc.returncode,
        wall,
        maxrss,
        max(peak / 2**20, maxrss),
        usage.ru_utime + usage.ru_stime,
        stdout,
        stderr,
        parse_timings(stderr),
    )


def parse_timings(stderr: str) -> dict[str, float]:
    """The stage figures ``rapportkoll check --timings`` prints, in seconds."""
    found = {}
    for line in stderr.splitlines():
        m = TIMING_LINE.match(line)
        if m:
            found[m.group("key")] = float(m.group("ms")) / 1000
    return found
