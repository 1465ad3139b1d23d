"""Find every report under the given paths, pick a profile and reader, read them all.

A report is a text file (.txt, .md …), a PDF, or a folder holding canonical tables
as CSV/XLSX next to a ``report.yaml``. Each is read on its own (in parallel with
``jobs > 1``); a file that cannot be read becomes an ``extraction_issues`` row
('unreadable_file') and the others are still read. Prose claims are extracted
here, centrally, from the ``text_lines`` every text reader returns, so every
layout gets the same claim reading. Results are merged in the order the reports
were found (sorted paths), whatever order the workers finish in.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Final

from rapportkoll.ingest.profile import (
    Profile,
    available_profiles,
    check_profiles,
    get_profile,
)
from rapportkoll.ingest.reader import TextReader
from rapportkoll.ingest.source import Limits, Source, read_source, report_id
from rapportkoll.model.bundle import Bundle, TableBuilder
from rapportkoll.model.errors import UserError
from rapportkoll.model.tables import TABLES, Row

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
PDF_SUFFIXES = {".pdf"}
REPORT_META = "report.yaml"

# Readers are named, not imported, so that heavy or optional ones load only when used.
READERS: tuple[str, ...] = (
    "rapportkoll.ingest.stratsys:READER",
    "rapportkoll.ingest.ocr:READER",
    "rapportkoll.ingest.markdown:READER",
    "rapportkoll.ingest.generic:READER",
)


@dataclass(frozen=True)
class ReadOptions:
    profile: str | None = None
    profile_dirs: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    jobs: int = 1


@dataclass(frozen=True)
class ReportTask:
    """One report to read: its kind ('text', 'pdf', 'structured') and where."""

    kind: str
    path: Path
    display: str
    report: str


def load_readers() -> list[TextReader]:
    readers: list[TextReader] = []
    for ref in READERS:
        module_name, _, attr = ref.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        readers.append(getattr(module, attr))
    return readers


def detect_profile(source: Source, profiles: list[Profile]) -> Profile | None:
    """The profile whose detect phrases occur most often (tolerant match), if any."""
    from rapportkoll.ingest.normalize import fold

    text = fold(source.text)
    best: tuple[int, Profile] | None = None
    for profile in profiles:
        hits = sum(1 for phrase in profile.detect if fold(phrase) in text)
        if hits and (best is None or hits > best[0]):
            best = (hits, profile)
    return best[1] if best else None


def choose_reader(
    source: Source, options: ReadOptions
) -> tuple[TextReader, Profile | None]:
    """The profile (given or detected) and the reader that fits the source best."""
    profiles = available_profiles(options.profile_dirs)
    profile = (
        get_profile(options.profile, options.profile_dirs)
        if options.profile
        else detect_profile(source, profiles)
    )
    readers = load_readers()
    scored = sorted(
        (
            (reader.score(source, profile), i, reader)
            for i, reader in enumerate(readers)
        ),
        key=lambda t: (-t[0], t[1]),
    )
    if not scored or scored[0][0] <= 0:
        raise UserError("no reader recognises this file's layout", where=source.path)
    return scored[0][2], profile


def read_text_source(source: Source, options: ReadOptions) -> Bundle:
    """Read one text source with the best reader, then add its prose claims."""
    reader, profile = choose_reader(source, options)
    return with_prose_claims(reader.read(source, profile), profile)


def with_prose_claims(bundle: Bundle, profile: Profile | None) -> Bundle:
    """Add claims from ``text_lines``, skipping lines the reader already claimed."""
    from rapportkoll.ingest.prose import claim_rows

    lines = bundle.rows("text_lines")
    if not lines:
        return bundle
    own = bundle.rows("claims")
    if own:
        claimed = set(map(_CLAIM_KEY, own))
        lines = [row for row in lines if _LINE_KEY(row) not in claimed]
    found = claim_rows(lines, profile)
    if found:
        bundle.set_rows("claims", own + found)
    return bundle


def _key(table: str) -> Callable[[Row], tuple[object, ...]]:
    """A row's (report, file, line)."""
    positions = map(TABLES[table].position, ("report", "file", "line"))
    return itemgetter(*positions)


_CLAIM_KEY: Final = _key("claims")
_LINE_KEY: Final = _key("text_lines")


def find_reports(paths: list[Path]) -> list[ReportTask]:
    """Every report under ``paths``: files by suffix, folders with a report.yaml."""
    tasks: list[ReportTask] = []
    for path in paths:
        if path.is_dir():
            tasks.extend(_reports_in(path))
        elif path.is_file():
            tasks.append(_file_task(path, None))
        else:
            raise UserError("no such file or folder", where=str(path))
    return tasks


def _reports_in(root: Path) -> list[ReportTask]:
    if (root / REPORT_META).is_file():
        return [_folder_task(root, None)]
    folders = sorted(p.parent for p in root.rglob(REPORT_META) if p.is_file())
    tasks = [_folder_task(folder, root) for folder in folders]
    for file in sorted(root.rglob("*")):
        if not file.is_file() or any(f in file.parents for f in folders):
            continue
        if file.suffix.lower() in TEXT_SUFFIXES | PDF_SUFFIXES:
            tasks.append(_file_task(file, root))
    return sorted(tasks, key=lambda t: t.display)


def _file_task(path: Path, root: Path | None) -> ReportTask:
    if path.name == REPORT_META:
        return _folder_task(path.parent, None)
    kind = "pdf" if path.suffix.lower() in PDF_SUFFIXES else "text"
    return ReportTask(kind, path, path.as_posix(), report_id(path, root))


def _folder_task(folder: Path, root: Path | None) -> ReportTask:
    if root is None:
        report = folder.resolve().name
    else:
        report = folder.relative_to(root).as_posix() if folder != root else folder.name
    return ReportTask("structured", folder, folder.as_posix(), report)


def unreadable(display: str, report: str, error: UserError) -> Bundle:
    """A file that cannot be read becomes an error finding; the others still run."""
    builder = TableBuilder()
    where = error.where or display
    tail = where.rsplit(":", 1)[-1]
    line = int(tail) if tail.isdigit() and ":" in where else 1
    builder.add(
        "extraction_issues",
        report=report,
        file=display,
        line=line,
        issue="unreadable_file",
        message=error.message,
    )
    return builder.build()


READER_FAILED = "the reader failed"


def read_task(task: ReportTask, options: ReadOptions) -> Bundle:
    """Read one report; a UserError becomes an 'unreadable_file' row.

    So does any other exception: one report that trips a reader bug (or a profile
    setting of the wrong type) must not stop a run over thousands. The row says
    so (READER_FAILED); the robustness tests fail on it, so bugs stay visible.
    """
    try:
        return _READ[task.kind](task, options)
    except UserError as error:
        return unreadable(task.display, task.report, error)
    except Exception as exc:  # RecursionError too
        detail = (str(exc).splitlines() or [""])[0][:200]
        failure = UserError(
            f"{READER_FAILED} ({type(exc).__name__}: {detail}); a bug, or a "
            "profile setting of the wrong type — please report it",
            where=task.display,
        )
        return unreadable(task.display, task.report, failure)


def _read_text(task: ReportTask, options: ReadOptions) -> Bundle:
    source = read_source(task.path, task.display, task.report, options.limits)
    return read_text_source(source, options)


def _read_pdf(task: ReportTask, options: ReadOptions) -> Bundle:
    from rapportkoll.ingest.pdf import read_pdf

    return read_pdf(task.path, task.display, task.report, options)


def _read_structured(task: ReportTask, options: ReadOptions) -> Bundle:
    from rapportkoll.ingest.structured import read_folder

    return read_folder(task.path, task.display, task.report, options.limits)


_READ: dict[str, Callable[[ReportTask, ReadOptions], Bundle]] = {
    "text": _read_text,
    "pdf": _read_pdf,
    "structured": _read_structured,
}


def read_paths(paths: list[Path], options: ReadOptions | None = None) -> Bundle:
    """Read every report under ``paths`` into one bundle (deterministic order)."""
    with reading(paths, options) as pending:
        return pending.bundle()


class Reading:
    """Reports being read: in worker processes from the start (``jobs`` > 1), or
    one after another when the bundle is asked for.

    With workers the caller goes on meanwhile: the engine loads the rule files while
    even a single report is read, so a one-file run pays the slower of the two, not
    both. ``seconds`` is the reading's own wall time, once the bundle is there.
    """

    def __init__(self, tasks: list[ReportTask], options: ReadOptions) -> None:
        self._tasks = tasks
        self._options = options
        self._pool: ProcessPoolExecutor | None = None
        self._results: Iterator[Bundle] | None = None
        self._began = time.perf_counter()
        self.seconds = 0.0
        jobs = resolved_jobs(options.jobs)
        workers = min(jobs, len(tasks))
        if jobs > 1 and workers:
            self._pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=_worker_context()
            )
            self._results = self._pool.map(
                read_task,
                tasks,
                [options] * len(tasks),
                chunksize=pool_chunksize(len(tasks), workers),
            )

    def bundle(self) -> Bundle:
        """Every report merged, in the order found (workers' results as they come:
        a report's rows are freed once merged)."""
        if self._results is None:
            self._began = time.perf_counter()
            results: Iterable[Bundle] = (
                read_task(t, self._options) for t in self._tasks
            )
        else:
            results = self._results
        merged = Bundle.merge(results)
        self.seconds = time.perf_counter() - self._began
        self.close()  # idle workers would hold their memory through the rules stage
        return merged

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _worker_context() -> multiprocessing.context.BaseContext:
    """fork on Linux: a worker starts at once, with every module already imported.
    Elsewhere the platform's default (spawn on macOS and Windows, where fork is
    unsafe or missing): workers then import what they need themselves."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


@contextmanager
def reading(paths: list[Path], options: ReadOptions | None = None) -> Iterator[Reading]:
    """Start reading every report under ``paths`` (see ``Reading``); the workers are
    stopped when the block ends, also when it ends in an error.

    Workers start before the profiles are checked: the check imports pydantic,
    which reading does not need, so a worker forked first starts sooner.
    """
    options = options or ReadOptions()
    pending = Reading(find_reports(paths), options)
    try:
        # A bad profile is a configuration error for the whole run, not a bad
        # report (readers load the profiles without checking them again; what
        # they read with a bad one is never used).
        check_profiles(options.profile_dirs)
        if options.profile:
            get_profile(options.profile, options.profile_dirs)
        yield pending
    finally:
        pending.close()


def resolved_jobs(jobs: int) -> int:
    """Worker processes for ``jobs``; 0 (automatic) means one more than the CPUs this
    process may use, when there are several: the main process only merges what the
    workers send, so a spare worker keeps every CPU busy (a 1,000-report batch on
    two CPUs read 9 % faster with three workers than with two)."""
    if jobs > 0:
        return jobs
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return cpus + 1 if cpus > 1 else 1


def pool_chunksize(tasks: int, workers: int) -> int:
    """Reports sent to a worker at a time: few round trips for thousands of small
    reports, yet enough chunks (~8 per worker) that no worker idles at the end."""
    return max(1, min(MAX_CHUNKSIZE, tasks // (workers * 8)))


MAX_CHUNKSIZE = 16
