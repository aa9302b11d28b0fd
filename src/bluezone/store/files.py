"""Files readers never see half-written: replaced whole, or created once by whichever process is first."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _written_beside(path: Path, data: bytes) -> str:
    """A synced temporary file holding `data` beside `path`, ready to be moved or linked into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the whole new one, never a part. A file that already holds `data` is
    left as it is (the index and the public key are rewritten on every run, mostly unchanged)."""
    if path.is_file() and path.read_bytes() == data:
        return
    temporary = _written_beside(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def create_once(path: Path, data: bytes) -> bytes:
    """Put `data` at `path` unless another process got there first; return what the file holds.

    The hard link fails if the file exists already, so two processes starting at once agree on one secret."""
    if path.exists():
        return path.read_bytes()
    temporary = _written_beside(path, data)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)
    return path.read_bytes()
