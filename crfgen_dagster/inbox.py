"""The watched inbox: take stable files, keep every original, quarantine what cannot be read.

Pure Python (no Dagster) so the rules are testable on their own; the inbox sensor calls `scan_inbox`
once per tick and keeps `observed` in its cursor.

Layout under the data directory: inbox/ (users drop files), protocols/<sha256>/<file> (the original,
moved, never deleted; later copies of the same bytes go to protocols/<sha256>/duplicates/),
quarantine/<stamp>-<file> with <stamp>-<file>.reason.txt.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crfgen_core.ingest.document import identify
from crfgen_core.ingest.docx.docx_package import check_docx_package
from crfgen_core.ingest.errors import ProtocolReadError
from crfgen_core.ingest.limits import check_input_limits
from crfgen_core.publication.manifest import package_version_key

# Names a copy tool uses while writing; the finished file appears under its final name by rename.
IN_PROGRESS_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".swp")
INTAKE_RECORD = "intake.json"
DEFAULT_SETTLE_SECONDS = 30.0

Signature = list[int]  # [size, mtime_ns]


@dataclass(frozen=True)
class AcceptedProtocol:
    partition_key: str
    sha256: str
    stored_path: Path
    original_name: str


@dataclass
class InboxScan:
    """What one tick found; `observed` is the next cursor state (files seen but not yet stable)."""

    accepted: list[AcceptedProtocol] = field(default_factory=list)
    duplicates: list[tuple[str, Path]] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    observed: dict[str, Signature] = field(default_factory=dict)


def inbox_dir(data_dir: Path) -> Path:
    return data_dir / "inbox"


def protocols_dir(data_dir: Path) -> Path:
    return data_dir / "protocols"


def quarantine_dir(data_dir: Path) -> Path:
    return data_dir / "quarantine"


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def _is_candidate(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(".") and not path.name.endswith(IN_PROGRESS_SUFFIXES)


def is_stable(
    signature: Signature, previous: Signature | None, age_seconds: float, settle_seconds: float
) -> bool:
    """A file is stable when size and mtime match the previous tick, or it has not changed for a while."""
    return previous == signature or age_seconds >= settle_seconds


def quarantine(path: Path, data_dir: Path, reason: str, now: datetime) -> Path:
    """Move `path` into quarantine/ next to a .reason.txt saying why; return the new location."""
    folder = quarantine_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{_stamp(now)}-{path.name}"
    shutil.move(str(path), target)
    target.with_name(target.name + ".reason.txt").write_text(reason.rstrip() + "\n", encoding="utf-8")
    return target


def _store(path: Path, sha256: str, data_dir: Path, now: datetime) -> tuple[Path, bool]:
    """Move the original under protocols/<sha256>/; return (new path, True if these bytes were new)."""
    folder = protocols_dir(data_dir) / sha256
    record = folder / INTAKE_RECORD
    if record.is_file():
        duplicates = folder / "duplicates"
        duplicates.mkdir(parents=True, exist_ok=True)
        target = duplicates / f"{_stamp(now)}-{path.name}"
        shutil.move(str(path), target)
        return target, False
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    shutil.move(str(path), target)
    record.write_text(
        json.dumps(
            {
                "file": path.name,
                "sha256": sha256,
                "received_at": now.isoformat(),
                "partition_key": package_version_key(path.name, sha256),
            },
            indent=2,
        )
        + "\n"
    )
    return target, True


def scan_inbox(
    data_dir: Path,
    observed: dict[str, Signature],
    *,
    now: datetime | None = None,
    settle_seconds: float = DEFAULT_SETTLE_SECONDS,
) -> InboxScan:
    """Given the data directory and last tick's observations, take every stable file; never raise per file."""
    now = now or datetime.now(UTC)
    scan = InboxScan()
    folder = inbox_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(folder.iterdir()):
        try:
            if not _is_candidate(path):
                continue
            stat = path.stat()
            signature = [stat.st_size, stat.st_mtime_ns]
            age = now.timestamp() - stat.st_mtime
            if not is_stable(signature, observed.get(path.name), age, settle_seconds):
                scan.observed[path.name] = signature
                continue
            try:
                document = identify(path)
                # Cheap refusals at intake (no text extraction): size, pages, unopenable PDF, zip bomb,
                # macros, DTDs. A damaged PDF that still opens goes to a run and its blocking checks.
                check_input_limits(path)
                if document.format == "docx":
                    check_docx_package(path)
            except ProtocolReadError as exc:
                quarantine(path, data_dir, f"{exc.code}: {exc.reason}", now)
                scan.quarantined.append((path.name, exc.reason))
                continue
            stored, new = _store(path, document.sha256, data_dir, now)
            if new:
                scan.accepted.append(
                    AcceptedProtocol(
                        package_version_key(path.name, document.sha256), document.sha256, stored, path.name
                    )
                )
            else:
                scan.duplicates.append((path.name, stored))
        except FileNotFoundError:
            continue  # removed by the user between listing and reading: nothing to keep
        except OSError as exc:
            try:
                quarantine(path, data_dir, f"UNREADABLE: {exc}", now)
                scan.quarantined.append((path.name, str(exc)))
            except OSError:
                scan.observed[path.name] = [-1, -1]  # cannot even move it; retry next tick
    return scan


def stored_protocol(data_dir: Path, partition_key: str) -> Path:
    """Given a partition key (stem-hash12), return the stored original protocol file."""
    prefix = partition_key.rsplit("-", 1)[-1]
    for record in sorted(protocols_dir(data_dir).glob(f"{prefix}*/{INTAKE_RECORD}")):
        intake = json.loads(record.read_text(encoding="utf-8"))
        if intake.get("partition_key") == partition_key:
            return record.parent / str(intake["file"])
    raise FileNotFoundError(
        f"no stored protocol for partition {partition_key} under {protocols_dir(data_dir)}"
    )


def register_protocol(source: Path, data_dir: Path, *, now: datetime | None = None) -> AcceptedProtocol:
    """Copy a protocol into the store without the inbox (CLI, tests, demo); return its partition."""
    document = identify(source)
    folder = protocols_dir(data_dir) / document.sha256
    record = folder / INTAKE_RECORD
    if record.is_file():  # same bytes already stored, perhaps under another name: keep the first
        intake = json.loads(record.read_text(encoding="utf-8"))
        return AcceptedProtocol(
            str(intake["partition_key"]), document.sha256, folder / str(intake["file"]), str(intake["file"])
        )
    key = package_version_key(source.name, document.sha256)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / source.name)
    record.write_text(
        json.dumps(
            {
                "file": source.name,
                "sha256": document.sha256,
                "partition_key": key,
                "received_at": (now or datetime.now(UTC)).isoformat(),
            },
            indent=2,
        )
        + "\n"
    )
    return AcceptedProtocol(key, document.sha256, folder / source.name, source.name)


def stored_intakes(data_dir: Path) -> list[AcceptedProtocol]:
    """Every protocol taken so far, from the intake records under protocols/ (the source of truth)."""
    found = []
    for record in sorted(protocols_dir(data_dir).glob(f"*/{INTAKE_RECORD}")):
        intake = json.loads(record.read_text(encoding="utf-8"))
        found.append(
            AcceptedProtocol(
                str(intake["partition_key"]),
                str(intake["sha256"]),
                record.parent / str(intake["file"]),
                str(intake["file"]),
            )
        )
    return found
