"""Versioned CT store under the data directory: `<data_dir>/ct/<package>/<version>/`, one folder per version.

A version folder holds the original bytes as published, `parsed.json` (rows in NCI tab layout: a
pickle-free cache that loads in a fraction of a second) and `version.json` (sha256, source, fetched-at,
counts). A version is written once (staged in a temp folder, then renamed into place) and never changed;
`<package>/current` names the version in use and is replaced atomically (temp file + os.replace).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import Field

from crfgen_core.atomic_files import atomic_write_bytes
from crfgen_core.model.base import Contract
from crfgen_core.model.terminology import CTVersionRef
from crfgen_core.review.audit_trail import AuditAction, AuditEvent, audited, default_actor
from crfgen_core.terminology.ct_index import CTIndex
from crfgen_core.terminology.errors import CTNotInStoreError, CTStoreConflictError

DATA_DIR_ENV = "CRFGEN_DATA_DIR"
PARSED_FILE = "parsed.json"
META_FILE = "version.json"
CURRENT_FILE = "current"
_PARSED_FORMAT = 1


class StoredCTVersion(Contract):
    """What the store knows about one immutable package version: enough for an auditor."""

    package: str
    version: str
    sha256: str = Field(description="sha256 of the original bytes as published")
    source: str = Field(description="file path or URL the bytes came from")
    fetched_at: str = Field(description="UTC ISO-8601 time the bytes were stored")
    original_file: str = Field(description="file name of the original bytes inside the version folder")
    codelists: int
    terms: int

    @property
    def ref(self) -> CTVersionRef:
        return CTVersionRef(package=self.package, version=self.version, sha256=self.sha256)


def default_data_dir() -> Path:
    """`$CRFGEN_DATA_DIR`, else `~/.local/share/crfgen`."""
    configured = os.environ.get(DATA_DIR_ENV)
    return Path(configured) if configured else Path.home() / ".local" / "share" / "crfgen"


def _safe_segment(value: str, what: str) -> str:
    if not value or value in {".", ".."} or "/" in value or "\\" in value or value.startswith("."):
        raise ValueError(f"unsafe {what} for a store path: {value!r}")
    return value


class CTStore:
    """Given a data directory, the CT versions stored under `<data_dir>/ct`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.root = data_dir / "ct"

    def packages(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def versions(self, package: str) -> list[StoredCTVersion]:
        """Given a package, return its stored versions, oldest first (versions are YYYY-MM-DD)."""
        folder = self.root / _safe_segment(package, "package")
        if not folder.is_dir():
            return []
        found = [self._meta(p) for p in folder.iterdir() if p.is_dir() and (p / META_FILE).is_file()]
        return sorted(found, key=lambda v: v.version)

    def get(self, package: str, version: str) -> StoredCTVersion | None:
        folder = self._version_dir(package, version)
        return self._meta(folder) if (folder / META_FILE).is_file() else None

    def current(self, package: str) -> StoredCTVersion | None:
        """Given a package, return the version in use (None when nothing is stored)."""
        pointer = self.root / _safe_segment(package, "package") / CURRENT_FILE
        if not pointer.is_file():
            return None
        return self.get(package, pointer.read_text(encoding="utf-8").strip())

    def set_current(
        self, package: str, version: str, *, reason: str = "set as the version in use"
    ) -> StoredCTVersion:
        """Make `version` the one in use; a change is a `ct.current_changed` audit event, committed only
        once the pointer is replaced (an event that cannot be recorded leaves the pointer as it was)."""
        stored = self.get(package, version)
        if stored is None:
            raise CTNotInStoreError(str(self.root), f"{package} {version} is not stored")
        previous = self.current(package)
        if previous is not None and previous.version == version:
            return stored
        with audited(self.data_dir) as audit:
            audit.record(
                AuditEvent(
                    actor=default_actor(),
                    action=AuditAction.CT_CURRENT_CHANGED,
                    subject=f"ct/{package}",
                    reason=reason,
                    before=None
                    if previous is None
                    else {"version": previous.version, "sha256": previous.sha256},
                    after={"version": stored.version, "sha256": stored.sha256, "source": stored.source},
                )
            )
            atomic_write_bytes(self.root / package / CURRENT_FILE, f"{version}\n".encode())
        return stored

    def add(
        self, index: CTIndex, original: bytes, original_name: str, *, fetched_at: str = ""
    ) -> StoredCTVersion:
        """Given a parsed index and its original bytes, store the version once; return its record.

        Storing a version that is already there with the same sha256 is a no-op; with other bytes it is
        a CTStoreConflictError (a published version never changes).
        """
        existing = self.get(index.package_name, index.version)
        if existing is not None:
            return self._same_or_conflict(existing, index)
        meta = StoredCTVersion(
            package=index.package_name,
            version=index.version,
            sha256=index.sha256,
            source=index.source,
            fetched_at=fetched_at or datetime.now(UTC).isoformat(timespec="seconds"),
            original_file=_safe_segment(Path(original_name).name, "file name"),
            codelists=index.codelist_count,
            terms=index.term_count,
        )
        target = self._version_dir(index.package_name, index.version)
        target.parent.mkdir(parents=True, exist_ok=True)
        with _staging_dir(target) as staging:
            (staging / meta.original_file).write_bytes(original)
            parsed = {"format": _PARSED_FORMAT, "sha256": index.sha256, "rows": list(index.all_rows())}
            (staging / PARSED_FILE).write_text(json.dumps(parsed, ensure_ascii=False, separators=(",", ":")))
            (staging / META_FILE).write_text(meta.to_json(), encoding="utf-8")
            for written in staging.iterdir():
                written.chmod(0o444)
            staging.chmod(0o755)
            try:
                staging.rename(target)
            except OSError:
                # Another writer stored the same version first: accept it only if the bytes agree.
                raced = self.get(index.package_name, index.version)
                if raced is None:
                    raise
                return self._same_or_conflict(raced, index)
        return meta

    def load(self, package: str, version: str | None = None) -> CTIndex:
        """Given a package (and version, default: current), return its lookup index from the parsed cache."""
        stored = self.get(package, version) if version else self.current(package)
        if stored is None:
            raise CTNotInStoreError(str(self.root), f"{package} {version or 'current'} is not stored")
        parsed = json.loads((self._version_dir(package, stored.version) / PARSED_FILE).read_text("utf-8"))
        if parsed.get("format") != _PARSED_FORMAT or parsed.get("sha256") != stored.sha256:
            raise CTStoreConflictError(
                str(self.root), f"{package} {stored.version}: parsed cache does not match"
            )
        return CTIndex.from_rows(package, stored.version, stored.source, stored.sha256, parsed["rows"])

    def original_path(self, stored: StoredCTVersion) -> Path:
        return self._version_dir(stored.package, stored.version) / stored.original_file

    def _version_dir(self, package: str, version: str) -> Path:
        return self.root / _safe_segment(package, "package") / _safe_segment(version, "version")

    @staticmethod
    def _meta(folder: Path) -> StoredCTVersion:
        return StoredCTVersion.model_validate_json((folder / META_FILE).read_text(encoding="utf-8"))

    @staticmethod
    def _same_or_conflict(existing: StoredCTVersion, index: CTIndex) -> StoredCTVersion:
        if existing.sha256 != index.sha256:
            raise CTStoreConflictError(
                index.source,
                f"{existing.package} {existing.version} is already stored with sha256 {existing.sha256[:12]}…"
                f" (from {existing.source}); the new bytes have {index.sha256[:12]}…",
            )
        return existing


@contextmanager
def _staging_dir(target: Path) -> Iterator[Path]:
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.staging-"))
    try:
        yield staging
    finally:
        if staging.exists():
            for leftover in staging.iterdir():
                leftover.unlink()
            staging.rmdir()
