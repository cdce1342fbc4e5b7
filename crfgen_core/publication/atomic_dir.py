"""Write a directory atomically: build it under a temporary name, then rename it into place.

Replacing an existing directory (`overwrite`) exchanges the two atomically where the kernel can
(Linux renameat2 RENAME_EXCHANGE), then deletes the old content under the temporary name: a kill at any
moment leaves the old or the new directory under the final name, never a half-deleted one. Elsewhere the
old one is renamed aside first; a kill between the two renames leaves it aside, and the next write to
the same target renames it back before anything else.
"""

from __future__ import annotations

import ctypes
import errno
import glob
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PackageExistsError(FileExistsError):
    """A published package is immutable: its directory already exists."""


class NotAPackageError(PackageExistsError):
    """`--overwrite` replaces a package directory, never any other folder."""


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_ASIDE = ".replaced"


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
    for staging in sorted(target.parent.glob(f".{glob.escape(target.name)}.*.partial")):
        pid = staging.name[len(target.name) + 2 :].split(".", 1)[0]
        if not staging.is_dir() or (pid.isdigit() and _pid_alive(int(pid))):
            continue
        if staging.name.endswith(_ASIDE + ".partial") and not target.exists():
            os.rename(staging, target)  # killed between the two renames of a replacement: restore
            continue
        shutil.rmtree(staging, ignore_errors=True)
        removed.append(staging)
    return removed


@contextmanager
def atomic_directory(target: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary sibling directory; on success rename it to `target`, on error remove it.

    Readers never see a half-written `target`: the rename is atomic on one filesystem.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(target)  # first: it may put back a directory a killed replacement left aside
    if target.exists() and not overwrite:
        raise PackageExistsError(f"{target} already exists; published packages are never overwritten")
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
        _put_in_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _put_in_place(staging: Path, target: Path) -> None:
    """Rename `staging` to `target`; an existing target is swapped out atomically, then deleted."""
    if not (target.exists() or target.is_symlink()):
        os.rename(staging, target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous content
        return
    aside = staging.with_name(staging.name.removesuffix(".partial") + _ASIDE + ".partial")
    os.rename(target, aside)
    os.rename(staging, target)
    shutil.rmtree(aside, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is unavailable."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if done == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False  # the file system or kernel cannot exchange: fall back to rename aside
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(second))
