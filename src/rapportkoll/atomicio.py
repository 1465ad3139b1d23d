"""Write a file atomically: a temporary file in the same folder, then ``os.replace``."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from rapportkoll.model.errors import UserError


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``: readers see the old file or the new, never half.

    The temporary file lives in the target's folder so ``os.replace`` stays on one
    filesystem (a rename, atomic on POSIX and Windows). Missing folders are created.
    A file that cannot be written (no space, no permission, a folder in the way) is
    a UserError naming it; the previous file is left as it was.
    """
    path = Path(path)
    try:
        _write(path, data)
    except OSError as exc:
        raise UserError(
            f"cannot write file: {exc.strerror or exc}", where=str(path)
        ) from None


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
