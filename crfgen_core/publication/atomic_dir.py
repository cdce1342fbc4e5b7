"""Write a directory atomically: build it under a temporary name, then rename it into place."""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PackageExistsError(FileExistsError):
    """A published package is immutable: its directory already exists."""


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(target: Path) -> list[Path]:
    """Remove `.<target>.<pid>.*.partial` folders whose writing process is gone (killed mid-write).

    A staging folder of a live process (another run on this host) is left alone; return what was removed.
    """
    removed = []
    for staging in target.parent.glob(f".{glob.escape(target.name)}.*.partial"):
        pid = staging.name[len(target.name) + 2 :].split(".", 1)[0]
        if staging.is_dir() and (not pid.isdigit() or not _pid_alive(int(pid))):
            shutil.rmtree(staging, ignore_errors=True)
            removed.append(staging)
    return removed


@contextmanager
def atomic_directory(target: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary sibling directory; on success rename it to `target`, on error remove it.

    Readers never see a half-written `target`: the rename is atomic on one filesystem.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not overwrite:
        raise PackageExistsError(f"{target} already exists; published packages are never overwritten")
    remove_stale_staging(target)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".partial", dir=target.parent)
    )
    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes 0700; a package is as readable as any folder
    try:
        yield staging
        for child in staging.rglob("*"):
            if child.is_file():
                with child.open("rb") as handle:
                    os.fsync(handle.fileno())
        if target.exists() and overwrite:
            shutil.rmtree(target)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
