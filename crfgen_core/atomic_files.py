"""Durable file writes: a whole-file replace readers never see half done, and an append-only log."""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `path` so readers see the old or the new content, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def append_line_durably(path: Path, line: str) -> None:
    """Append one line to `path` under an exclusive lock and fsync it before returning.

    A line torn by a crash is left as it is (the log is never rewritten): the next line starts on a
    line of its own, so one torn record never merges with the next.
    """
    if "\n" in line:
        raise ValueError("an appended record must be one line")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        torn = size > 0 and os.pread(fd, 1, size - 1) != b"\n"
        os.write(fd, (("\n" if torn else "") + line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
