"""Where a version key stands before Dagster knows it: waiting in the inbox, being taken, or quarantined.

Both are found by content: a file's key is `<stem>-<sha256[:12]>` of its own name and bytes, so files
are hashed (once per name, size and mtime: the cache keeps repeated status calls cheap).
"""

from __future__ import annotations

import threading
from pathlib import Path

from crfgen_core.ingest.document import sha256_file
from crfgen_core.publication.manifest import package_version_key
from crfgen_dagster.inbox import INTAKE_RECORD, REASON_SUFFIX, inbox_dir, protocols_dir, quarantine_dir

MAX_CACHED = 10_000


class ContentHashes:
    def __init__(self) -> None:
        self._known: dict[tuple[str, int, int], str] = {}
        self._lock = threading.Lock()

    def sha256(self, path: Path) -> str | None:
        try:
            info = path.stat()
        except OSError:
            return None
        key = (str(path), info.st_size, info.st_mtime_ns)
        with self._lock:
            known = self._known.get(key)
        if known is not None:
            return known
        try:
            digest = sha256_file(path)
        except OSError:
            return None
        with self._lock:
            if len(self._known) >= MAX_CACHED:
                self._known.clear()
            self._known[key] = digest
        return digest


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if not p.name.startswith(".") and p.is_file() and not p.is_symlink()
    )


def waiting_in_inbox(data_dir: Path, version_key: str, hashes: ContentHashes) -> bool:
    for path in _files(inbox_dir(data_dir)):
        digest = hashes.sha256(path)
        if digest is not None and package_version_key(path.name, digest) == version_key:
            return True
    return False


def quarantine_reason(data_dir: Path, version_key: str, hashes: ContentHashes) -> str | None:
    """The reason text of a quarantined file with this key (`<stamp>-<name>`), or None."""
    for path in _files(quarantine_dir(data_dir)):
        if path.name.endswith(REASON_SUFFIX) or "-" not in path.name:
            continue
        original = path.name.split("-", 1)[1]
        if version_key.rpartition("-")[0] != package_version_key(original, "")[:-1]:
            continue  # another name: no need to hash it
        digest = hashes.sha256(path)
        if digest is not None and package_version_key(original, digest) == version_key:
            reason = path.with_name(path.name + REASON_SUFFIX)
            return reason.read_text(encoding="utf-8").strip() if reason.is_file() else "quarantined"
    return None


def being_taken(data_dir: Path, version_key: str) -> bool:
    """Moved from the inbox into protocols/<sha256>/, its intake record not written yet (a moment; after
    a crash, until the next scan completes it)."""
    digest = version_key.rpartition("-")[2]
    for folder in sorted(protocols_dir(data_dir).glob(f"{digest}*")):
        for path in _files(folder):
            if path.name != INTAKE_RECORD and package_version_key(path.name, folder.name) == version_key:
                return True
    return False
