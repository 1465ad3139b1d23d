"""Helpers for the property-based robustness tests: a hard per-example time limit."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Hang(AssertionError):
    """An example ran past its time limit: a hang, not a slow test."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail the example (rather than the CI job) when it runs longer than ``seconds``.

    Uses SIGALRM, so it works on POSIX in the main thread; elsewhere it only runs
    the body (hypothesis' deadline still reports slow examples).
    """
    if not hasattr(signal, "setitimer"):
        yield
        return

    def _raise(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"example ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
