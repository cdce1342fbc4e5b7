"""Durable file writes: a whole-file replace readers never see half done, and an append-only log."""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path


def atomic_write_bytes(
    path: Path, data: bytes, *, temp_prefix: str | None = None, temp_suffix: str = "", mode: int = 0o644
) -> None:
    """Write `path` so readers see the old or the new content, never a part, and the rename survives a
    crash (the folder is fsynced). The temp file is `<temp_prefix>...<temp_suffix>` beside `path`
    (default `.<name>.`), so a folder watcher can tell it from a real file; `mode` is set before the
    content is written, so a private file (0o600) is never readable by others, not even for a moment."""
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{path.name}." if temp_prefix is None else temp_prefix
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=temp_suffix)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new entry in `folder` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


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
