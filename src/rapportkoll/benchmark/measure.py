"""Run a command in a child process and measure its wall time and peak memory.

Peak memory is taken two ways: the kernel's ``ru_maxrss`` for the child (from
``wait4``: the largest single process among the child and the workers it reaped),
and, on Linux, the largest memory of the child's whole process tree, sampled every
20 ms — the figure that matters with ``--jobs``. Forked processes share pages
(copy-on-write), which a plain sum of resident sizes would count once per process;
while the tree has several processes the sum is therefore taken as proportional set
size (each shared page split among its sharers, ``/proc/<pid>/smaps_rollup``). That
read costs milliseconds on a large process, so it is made every quarter second and,
between two such reads, the cheap resident sum is corrected by the shared part the
last read found.
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
FULL_READ_SECONDS = 0.25
TIMING_LINE = re.compile(r"^\s+(?P<key>[\w.]+)\s+(?P<ms>[\d.]+) ms$")


@dataclass
class Measurement:
    command: list[str]
    exit_code: int
    wall: float
    maxrss_mib: float
    tree_mib: float
    cpu: float  # user + system seconds of the child and the workers it reaped
    stdout: str
    stderr: str
    timings: dict[str, float] = field(default_factory=dict)  # seconds, from --timings


def rapportkoll_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "rapportkoll.cli", *args]


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (just ``pid`` where /proc is missing)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p in found:
            continue
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return found


def _resident(pids: list[int]) -> int:
    """Resident bytes of ``pids``, summed (shared pages counted in each)."""
    page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            continue
    return total


def _proportional(pids: list[int]) -> int | None:
    """Proportional set size of ``pids``, summed (None where the kernel has no
    smaps_rollup)."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except FileNotFoundError:
            if p == pids[0]:
                return None
        except (OSError, ValueError, IndexError):
            continue
    return total


@dataclass
class TreeMemory:
    """The peak memory of a process tree, sampled (see the module's docstring)."""

    root: int
    peak: int = 0
    shared: int = 0  # resident sum minus proportional sum at the last full read
    last_full: float = float("-inf")

    def sample(self) -> None:
        pids = _tree(self.root)
        resident = _resident(pids)
        if len(pids) == 1:
            self.shared = 0
        elif time.perf_counter() - self.last_full >= FULL_READ_SECONDS:
            self.last_full = time.perf_counter()
            proportional = _proportional(pids)
            self.shared = 0 if proportional is None else resident - proportional
        self.peak = max(self.peak, resident - self.shared)


def installed_env(bytecode: Path) -> dict[str, str]:
    """This environment, but with Python's compiled modules kept (in ``bytecode``):
    an installed tool imports compiled modules (pip compiles them at install), so a
    ``PYTHONDONTWRITEBYTECODE`` set here would time compiling rapportkoll's own
    modules at every start — about 0.1 s of CPU a run on the development machine."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return env


def run(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> Measurement:
    """Run ``command`` to its end; wall time, peak memory, output, --timings figures."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd, env=env)
        memory = TreeMemory(proc.pid)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            memory.sample()
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
        max(memory.peak / 2**20, maxrss),
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
