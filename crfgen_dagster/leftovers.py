"""Temporary files and folders that a killed process left behind, removed at the next inbox tick.

Every normal exit removes its own temporary files (context managers, `finally`); only a kill (kill -9,
the OOM killer, a lost container) leaves them:
- `<data>/tmp/crfgen-supporting-*`: a run killed while rendering or publishing its supporting files
  (protocol-derived content);
- `<data>/inbox/.upload-*`: the API killed while staging an upload;
- `.intake-*.partial` in quarantine/ and protocols/*/duplicates/: a move or record write interrupted.

One is removed when nothing in it changed for the grace period and no process on this host holds any of
its files open: a live run or upload writes within seconds and keeps its files open, so neither loses
its files. Processes on another host (a shared mount) are not seen: the grace period covers them.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crfgen_dagster.file_moves import TEMP_PREFIX, TEMP_SUFFIX
from crfgen_dagster.inbox import DUPLICATES, inbox_dir, protocols_dir, quarantine_dir
from crfgen_dagster.open_writers import held_open

SCRATCH_FOLDER = "tmp"
SUPPORTING_PREFIX = "crfgen-supporting-"
UPLOAD_STAGING_PREFIX = ".upload-"
DEFAULT_GRACE_SECONDS = 3600.0

logger = logging.getLogger(__name__)


def scratch_dir(data_dir: Path) -> Path:
    """Temporary work of runs: under the data directory, so the inbox tick that cleans it sees it."""
    return data_dir / SCRATCH_FOLDER


@contextmanager
def supporting_scratch(data_dir: Path) -> Iterator[Path]:
    """A temporary folder for one run's supporting files, removed on every exit a process survives."""
    folder = scratch_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=SUPPORTING_PREFIX, dir=folder) as scratch:
        yield Path(scratch)


def leftover_candidates(data_dir: Path) -> list[Path]:
    """Every temporary file or folder of the kinds above, live or left behind."""
    temp_files = f"{TEMP_PREFIX}*{TEMP_SUFFIX}"
    return [
        *scratch_dir(data_dir).glob(f"{SUPPORTING_PREFIX}*"),
        *inbox_dir(data_dir).glob(f"{UPLOAD_STAGING_PREFIX}*"),
        *quarantine_dir(data_dir).glob(temp_files),
        *protocols_dir(data_dir).glob(f"*/{DUPLICATES}/{temp_files}"),
    ]


def remove_leftovers(data_dir: Path, grace_seconds: float, now: float | None = None) -> list[Path]:
    """Remove the temporary files and folders unchanged for `grace_seconds` and held open by no process
    on this host; return what was removed. Never raises for one path (it is tried again next tick)."""
    now = time.time() if now is None else now
    stale: dict[Path, list[Path]] = {}
    for path in leftover_candidates(data_dir):
        try:
            entries = [path, *_contents(path)]
            if now - max(entry.lstat().st_mtime for entry in entries) >= grace_seconds:
                stale[path] = [entry for entry in entries if entry.is_file() and not entry.is_symlink()]
        except OSError:
            continue  # removed meanwhile (its owner finished) or unreadable: next tick
    if not stale:
        return []
    held = held_open(file for files in stale.values() for file in files)
    removed = []
    for path, files in stale.items():
        if held.intersection(files):
            continue
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            logger.warning("cannot remove the leftover %s: %s", path, exc)
            continue
        removed.append(path)
    return removed


def _contents(path: Path) -> list[Path]:
    """Everything under a folder (links not followed); nothing for a file."""
    if not path.is_dir() or path.is_symlink():
        return []
    found = []
    for root, folders, files in os.walk(path, onerror=_raise):
        found += [Path(root, name) for name in (*folders, *files)]
    return found


def _raise(error: OSError) -> None:
    raise error
