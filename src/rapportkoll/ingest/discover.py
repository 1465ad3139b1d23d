"""Find every report under the given paths, pick a profile and reader, read them all."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from rapportkoll.ingest.profile import Profile, available_profiles, get_profile
from rapportkoll.ingest.reader import TextReader
from rapportkoll.ingest.source import Limits, Source, read_source, report_id
from rapportkoll.model.bundle import Bundle, TableBuilder
from rapportkoll.model.errors import UserError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}

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
    limits: Limits = Limits()
    jobs: int = 1


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


def read_text_source(source: Source, options: ReadOptions) -> Bundle:
    profiles = available_profiles(options.profile_dirs)
    profile = (
        get_profile(options.profile, options.profile_dirs)
        if options.profile
        else detect_profile(source, profiles)
    )
    readers = load_readers()
    scored = sorted(
        ((reader.score(source, profile), i, reader) for i, reader in enumerate(readers)),
        key=lambda t: (-t[0], t[1]),
    )
    if not scored or scored[0][0] <= 0:
        raise UserError("no reader recognises this file's layout", where=source.path)
    return scored[0][2].read(source, profile)


def iter_report_files(paths: list[Path]) -> list[tuple[Path, Path | None]]:
    """(file, root) pairs: text files under folders, sorted for determinism."""
    found: list[tuple[Path, Path | None]] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.is_file() and file.suffix.lower() in TEXT_SUFFIXES:
                    found.append((file, path))
        elif path.exists():
            found.append((path, None))
        else:
            raise UserError("no such file or folder", where=str(path))
    return found


def unreadable(display: str, report: str, error: UserError) -> Bundle:
    """A file that cannot be read becomes an error finding; the others still run."""
    builder = TableBuilder()
    where = error.where or display
    line = int(where.rsplit(":", 1)[1]) if where.rsplit(":", 1)[-1].isdigit() else 1
    builder.add(
        "extraction_issues",
        report=report,
        file=display,
        line=line,
        issue="unreadable_file",
        message=error.message,
    )
    return builder.build()


def read_paths(paths: list[Path], options: ReadOptions | None = None) -> Bundle:
    options = options or ReadOptions()
    bundles: list[Bundle] = []
    for file, root in iter_report_files(paths):
        display = file.as_posix()
        report = report_id(file, root)
        try:
            source = read_source(file, display, report, options.limits)
            bundles.append(read_text_source(source, options))
        except UserError as error:
            bundles.append(unreadable(display, report, error))
    return Bundle.merge(bundles)
