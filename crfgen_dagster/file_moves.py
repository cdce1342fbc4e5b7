"""File-system steps of intake that a crash or a second mount cannot leave half done.

- `write_atomically`: temp file in the same folder, fsync, rename: a reader sees the old or the new file.
- `move_verified`: a rename when source and target share a file system; across file systems (inbox and
  store on different mounts) a copy into a temp file beside the target, fsync, size and sha256 checked
  against what intake read, rename, and only then the source is deleted. A file still changing is left
  where it was.
- `bounded_name`: a stamped name that still fits the file-system name limit (255 bytes) with room for a
  suffix such as `.reason.txt`.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from pathlib import Path

from crfgen_core.atomic_files import atomic_write_bytes, fsync_folder

NAME_MAX_BYTES = 255
TEMP_SUFFIX = ".partial"
TEMP_PREFIX = ".intake-"
_COPY_CHUNK = 1 << 20
_KEPT_SUFFIX_BYTES = 16  # ".docx", ".pdf": the extension survives a shortened name


class ChangedWhileMovingError(OSError):
    """The file's bytes differ from what intake read: it is still being written."""


def write_atomically(path: Path, text: str) -> None:
    """Write `path` so that no reader, and no crash, ever sees a partial file (intake's temp name, which
    the inbox scan skips)."""
    atomic_write_bytes(path, text.encode("utf-8"), temp_prefix=TEMP_PREFIX, temp_suffix=TEMP_SUFFIX)


def move_verified(source: Path, target: Path, *, size: int, sha256: str | None = None) -> None:
    """Move `source` to `target` (which must not exist); across file systems copy, verify, then delete.

    `size` and `sha256` are what intake read; a copy that differs raises ChangedWhileMovingError and the
    source stays. A symbolic link or special file is moved as itself (never followed or opened).
    """
    if target.exists() or target.is_symlink():
        raise FileExistsError(errno.EEXIST, "intake target already exists", str(target))
    try:
        os.rename(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        _copy_across(source, target, size=size, sha256=sha256)
    else:
        fsync_folder(target.parent)


def _copy_across(source: Path, target: Path, *, size: int, sha256: str | None) -> None:
    mode = source.lstat().st_mode
    if stat.S_ISLNK(mode):
        os.symlink(os.readlink(source), target)
        source.unlink()
        return
    if not stat.S_ISREG(mode):
        raise OSError(errno.EXDEV, "a special file cannot be moved to another file system", str(source))
    copy_verified(source, target, size=size, sha256=sha256)
    source.unlink()


def copy_verified(source: Path, target: Path, *, size: int, sha256: str | None = None) -> None:
    """Copy the regular file `source` to `target` through a temp name, synced, and rename it into place
    only when the bytes copied are the `size` (and `sha256`) intake read: no reader sees a partial copy."""
    handle, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        digest = hashlib.sha256()
        copied = 0
        with os.fdopen(handle, "wb") as out, source.open("rb") as inp:
            while chunk := inp.read(_COPY_CHUNK):
                out.write(chunk)
                digest.update(chunk)
                copied += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if copied != size or source.stat().st_size != size or (sha256 and digest.hexdigest() != sha256):
            raise ChangedWhileMovingError(
                errno.EAGAIN,
                f"changed while being moved ({copied} bytes copied, {size} expected)",
                str(source),
            )
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    fsync_folder(target.parent)


def bounded_name(prefix: str, name: str, reserve: int = 0) -> str:
    """Return `prefix` + `name`, the name shortened (extension kept) so the result plus `reserve` bytes
    fits NAME_MAX_BYTES."""
    room = NAME_MAX_BYTES - reserve - len(os.fsencode(prefix))
    encoded = os.fsencode(name)
    if len(encoded) <= room:
        return prefix + name
    stem, dot, suffix = name.rpartition(".")
    kept = os.fsencode(dot + suffix) if dot and len(os.fsencode(dot + suffix)) <= _KEPT_SUFFIX_BYTES else b""
    shortened = os.fsencode(stem if kept else name)[: room - len(kept)]
    return prefix + shortened.decode("utf-8", "ignore") + os.fsdecode(kept)
