"""Which files a process on this host still holds open, for writing or at all (Linux /proc).

A sender that pauses longer than the settle window leaves a file whose size and mtime look stable; if it
still has the file open for writing, the file is not finished. Only processes this one may inspect are
seen (same user or root, same PID namespace); a writer on another host (a network share) is not, which
is why the settle window and the `*.part` -> rename convention remain the senders' contract.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

PROC = Path("/proc")
_ACCESS_MODE = 0o3  # O_ACCMODE
_READ_ONLY = 0o0


def open_for_writing(paths: Iterable[Path], proc: Path = PROC) -> set[Path]:
    """Given files, return those that some visible process has open for writing (empty without /proc)."""
    return _held(paths, proc, writing_only=True)


def held_open(paths: Iterable[Path], proc: Path = PROC) -> set[Path]:
    """Given files, return those that some visible process has open in any mode (empty without /proc)."""
    return _held(paths, proc, writing_only=False)


def _held(paths: Iterable[Path], proc: Path, *, writing_only: bool) -> set[Path]:
    by_identity: dict[tuple[int, int], Path] = {}
    names: set[str] = set()
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            continue
        by_identity[(info.st_dev, info.st_ino)] = path
        names.add(path.name)
    if not by_identity or not proc.is_dir():
        return set()
    found: set[Path] = set()
    for process in _process_dirs(proc):
        for descriptor, target in _descriptors(process):
            if os.path.basename(target.removesuffix(" (deleted)")) not in names:
                continue  # cheap filter: only a same-named target can be one of ours
            try:
                info = os.stat(process / "fd" / descriptor)
            except OSError:
                continue
            held = by_identity.get((info.st_dev, info.st_ino))
            if held is None or held in found:
                continue
            if not writing_only or _writable(process, descriptor):
                found.add(held)
    return found


def _process_dirs(proc: Path) -> list[Path]:
    try:
        return [entry for entry in proc.iterdir() if entry.name.isdigit()]
    except OSError:
        return []


def _descriptors(process: Path) -> list[tuple[str, str]]:
    """(fd number, link target) of one process; nothing if it ended or may not be inspected."""
    folder = process / "fd"
    try:
        entries = os.listdir(folder)
    except OSError:
        return []
    found = []
    for descriptor in entries:
        try:
            found.append((descriptor, os.readlink(folder / descriptor)))
        except OSError:
            continue
    return found


def _writable(process: Path, descriptor: str) -> bool:
    try:
        text = (process / "fdinfo" / descriptor).read_text()
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags:"):
            return int(line.split()[1], 8) & _ACCESS_MODE != _READ_ONLY
    return False
