"""The watched inbox: take stable files, keep every original, quarantine what cannot be read.

Pure Python (no Dagster) so the rules are testable on their own; the inbox sensor calls `scan_inbox`
once per tick and keeps `observed` in its cursor.

Layout under the data directory: inbox/ (users drop files), protocols/<sha256>/<file> (the original,
moved, never deleted; later copies of the same bytes go to protocols/<sha256>/duplicates/),
quarantine/<stamp>-<file> with <stamp>-<file>.reason.txt.

Intake is a small state machine whose every step is atomic or repeatable: a file is taken only when
closed and unchanged for the settle window; it is moved into protocols/<sha256>/ (a rename, or across
file systems a verified copy then delete); then intake.json is written (temp + rename). A crash between
the two leaves a folder without a record, which the next scan completes (`recover_stranded`). Any
failure while inspecting one file quarantines that file with a reason; the scan goes on with the others.
"""

from __future__ import annotations

import json
import logging
import stat
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crfgen_core.ingest.document import identify, sha256_file
from crfgen_core.ingest.docx.docx_package import check_docx_package
from crfgen_core.ingest.errors import ProtocolReadError
from crfgen_core.ingest.limits import check_input_limits
from crfgen_core.publication.manifest import package_version_key
from crfgen_core.review.audit_trail import AuditAction, AuditEvent, audited, default_actor
from crfgen_dagster.file_moves import (
    TEMP_PREFIX,
    TEMP_SUFFIX,
    ChangedWhileMovingError,
    bounded_name,
    copy_verified,
    move_verified,
    write_atomically,
)
from crfgen_dagster.open_writers import open_for_writing

# Names a copy tool uses while writing; the finished file appears under its final name by rename.
IN_PROGRESS_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download", ".swp")
INTAKE_RECORD = "intake.json"
DEFAULT_SETTLE_SECONDS = 30.0
WATCH_POLL_SECONDS = 0.2
REASON_SUFFIX = ".reason.txt"
DUPLICATES = "duplicates"

# Cursor entry per file not yet taken: [size, mtime_ns, first seen with this size and mtime (ns)].
Signature = list[int]
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AcceptedProtocol:
    partition_key: str
    sha256: str
    stored_path: Path
    original_name: str


@dataclass(frozen=True)
class QuarantinedFile:
    """A file the inbox refused: its name as dropped, the reason code and text, where it was moved."""

    name: str
    code: str
    reason: str
    path: Path


@dataclass(frozen=True)
class DuplicateDrop:
    """Bytes already taken, dropped again: the earlier intake's partition and where this copy was kept."""

    name: str
    partition_key: str
    sha256: str
    kept_at: Path


@dataclass
class InboxScan:
    """What one tick found; `observed` is the next cursor state (files seen but not yet stable)."""

    accepted: list[AcceptedProtocol] = field(default_factory=list)
    duplicates: list[DuplicateDrop] = field(default_factory=list)
    quarantined: list[QuarantinedFile] = field(default_factory=list)
    observed: dict[str, Signature] = field(default_factory=dict)
    recovered: list[AcceptedProtocol] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # files that could not even be quarantined


def inbox_dir(data_dir: Path) -> Path:
    return data_dir / "inbox"


def protocols_dir(data_dir: Path) -> Path:
    return data_dir / "protocols"


def quarantine_dir(data_dir: Path) -> Path:
    return data_dir / "quarantine"


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def _skipped_name(name: str) -> bool:
    """Hidden names and copy tools' in-progress names: left alone until renamed to their final name."""
    return name.startswith(".") or name.endswith(IN_PROGRESS_SUFFIXES)


def is_stable(signature: Signature, previous: Signature | None, now_ns: int, settle_seconds: float) -> bool:
    """A file is stable when its size and mtime have not changed for `settle_seconds`: by its mtime, or
    (a clock skewed into the future) by how long this scan has seen the same size and mtime."""
    return settle_remaining(signature, previous, now_ns, settle_seconds) <= 0


def settle_remaining(
    signature: Signature, previous: Signature | None, now_ns: int, settle_seconds: float
) -> float:
    """Seconds until the file counts as stable if it does not change (0 or less: stable now)."""
    quiet = (now_ns - signature[1]) / 1e9
    unchanged_since = _observation(signature, previous, now_ns)[2]
    return settle_seconds - max(quiet, (now_ns - unchanged_since) / 1e9)


def _observation(signature: Signature, previous: Signature | None, now_ns: int) -> Signature:
    """The cursor entry: size, mtime, and since when this scan has seen exactly these two."""
    if previous is not None and len(previous) > 2 and previous[:2] == signature[:2]:
        return [*signature[:2], previous[2]]
    return [*signature[:2], now_ns]


def quarantine(path: Path, data_dir: Path, reason: str, now: datetime, actor: str | None = None) -> Path:
    """Move `path` (a link or special file as itself) into quarantine/ next to a .reason.txt saying why
    (actor: who is recorded in the audit trail; default this process's user)."""
    folder = quarantine_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / bounded_name(f"{_stamp(now)}-", path.name, reserve=len(REASON_SUFFIX))
    if target.name != f"{_stamp(now)}-{path.name}":
        reason = f"{reason.rstrip()}\noriginal name: {path.name}"
    # The refusal is an audit event committed once the file is in quarantine; if it cannot be recorded
    # the file stays in the inbox and the tick reports it (retried next tick), never moved unrecorded.
    with audited(data_dir) as audit:
        audit.record(
            AuditEvent(
                actor=actor or default_actor(),
                action=AuditAction.PROTOCOL_QUARANTINED,
                subject=path.name,
                reason=reason.rstrip(),
                after={"kept_at": str(target)},
            )
        )
        move_verified(path, target, size=path.lstat().st_size)
        write_atomically(target.with_name(target.name + REASON_SUFFIX), reason.rstrip() + "\n")
    return target


def _intake_json(name: str, sha256: str, received_at: datetime) -> str:
    record = {
        "file": name,
        "sha256": sha256,
        "received_at": received_at.isoformat(),
        "partition_key": package_version_key(name, sha256),
    }
    return json.dumps(record, indent=2) + "\n"


def _store(path: Path, sha256: str, size: int, data_dir: Path, now: datetime) -> tuple[Path, bool]:
    """Move the original under protocols/<sha256>/; return (new path, True if these bytes were new).

    The file is moved first and intake.json written after it, atomically: a crash in between leaves a
    folder that `recover_stranded` completes, never a record pointing at a file that is not there.
    """
    folder = protocols_dir(data_dir) / sha256
    record = folder / INTAKE_RECORD
    if record.is_file() or _stored_file(folder) is not None:
        duplicates = folder / DUPLICATES
        duplicates.mkdir(parents=True, exist_ok=True)
        target = duplicates / bounded_name(f"{_stamp(now)}-", path.name)
        move_verified(path, target, size=size, sha256=sha256)
        return target, False
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    move_verified(path, target, size=size, sha256=sha256)
    if sha256_file(target) != sha256:  # written to between reading and moving: not what was checked
        _put_back(target, path, data_dir, now)
        folder.rmdir()
        raise ChangedWhileMovingError(f"{path.name} changed while being taken; it will be read again")
    write_atomically(record, _intake_json(path.name, sha256, now))
    return target, True


def _put_back(taken: Path, original: Path, data_dir: Path, now: datetime) -> None:
    """Return a file that changed while being taken to the inbox to settle again; if its name there is
    taken by a newer file meanwhile, quarantine it rather than overwrite either."""
    try:
        move_verified(taken, original, size=taken.stat().st_size)
    except FileExistsError:
        quarantine(
            taken,
            data_dir,
            "CHANGED_WHILE_TAKEN: the file changed while it was being taken and "
            "a newer file of the same name arrived; drop it again once complete",
            now,
        )


def _stored_file(folder: Path) -> Path | None:
    """The one original kept in a protocols/<sha256>/ folder, if any."""
    if not folder.is_dir():
        return None
    for child in folder.iterdir():
        if child.name != INTAKE_RECORD and not child.name.startswith(".") and child.is_file():
            return child
    return None


def recover_stranded(data_dir: Path, now: datetime | None = None) -> list[AcceptedProtocol]:
    """Complete intakes a crash interrupted; return those whose record had to be (re)written.

    A protocols/<sha256>/ folder whose intake.json is missing or unreadable gets it rebuilt from the file
    kept there (if its bytes still hash to the folder name); temp files of an interrupted copy are
    removed (their source is still in the inbox: it is deleted only after the copy is complete).
    """
    recovered: list[AcceptedProtocol] = []
    root = protocols_dir(data_dir)
    if not root.is_dir():
        return recovered
    for folder in sorted(root.iterdir()):
        if not folder.is_dir():
            continue
        for temp in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
            temp.unlink(missing_ok=True)
        record = folder / INTAKE_RECORD
        if _read_record(record) is not None:
            continue
        stored = _stored_file(folder)
        if stored is None or sha256_file(stored) != folder.name:
            continue
        received = datetime.fromtimestamp(stored.stat().st_mtime, UTC) if now is None else now
        write_atomically(record, _intake_json(stored.name, folder.name, received))
        recovered.append(
            AcceptedProtocol(package_version_key(stored.name, folder.name), folder.name, stored, stored.name)
        )
    return recovered


def _read_record(record: Path) -> dict[str, object] | None:
    """The intake record, or None if missing or unreadable (torn by a crash, edited by hand)."""
    try:
        intake = json.loads(record.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        logger.warning("unreadable intake record %s: %s", record, exc)
        return None
    if not isinstance(intake, dict) or not {"file", "sha256", "partition_key"} <= intake.keys():
        logger.warning("incomplete intake record %s", record)
        return None
    return intake


def preflight(path: Path) -> tuple[str, int]:
    """Identify and preflight one stable file; return (sha256, size) or raise ProtocolReadError.

    The API runs the same preflight on an upload before it enters the inbox (crfgen_api/uploads.py)."""
    document = identify(path)
    # Cheap refusals at intake (no text extraction): size, pages, unopenable PDF, zip bomb, lying or
    # encrypted zip members, macros, DTDs. A damaged PDF that still opens goes to a run and its checks.
    check_input_limits(path)
    if document.format == "docx":
        check_docx_package(path)
    return document.sha256, document.size_bytes


def scan_inbox(
    data_dir: Path,
    observed: dict[str, Signature],
    *,
    now: datetime | None = None,
    settle_seconds: float = DEFAULT_SETTLE_SECONDS,
    wait_seconds: float = 0.0,
) -> InboxScan:
    """Given the data directory and last tick's observations, take every stable file; never raise per file.

    A file that would be stable within `wait_seconds` is waited for in this scan (then taken if it has
    not changed) rather than left to the next tick, which the sensor daemon runs only every 5 s.
    """
    now = now or datetime.now(UTC)
    now_ns = int(now.timestamp() * 1e9)
    scan = InboxScan(recovered=recover_stranded(data_dir, now))
    folder = inbox_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    ready: list[Path] = []
    almost: dict[Path, float] = {}
    for path in sorted(folder.iterdir()):
        if _skipped_name(path.name):
            continue
        try:
            mode = path.lstat().st_mode
            if stat.S_ISDIR(mode):
                continue
            if stat.S_ISLNK(mode):
                _refuse(
                    scan,
                    path,
                    data_dir,
                    "REFUSED_LINK: a symbolic link is not taken (never followed); "
                    "copy the protocol file itself into the inbox",
                    now,
                )
                continue
            if not stat.S_ISREG(mode):
                _refuse(
                    scan,
                    path,
                    data_dir,
                    "REFUSED_SPECIAL_FILE: not a regular file (a pipe, socket or "
                    "device); copy the protocol file itself into the inbox",
                    now,
                )
                continue
            info = path.stat()
            signature = [info.st_size, info.st_mtime_ns]
            previous = observed.get(path.name)
            remaining = settle_remaining(signature, previous, now_ns, settle_seconds)
            if remaining <= 0:
                ready.append(path)
            else:
                scan.observed[path.name] = _observation(signature, previous, now_ns)
                if remaining <= wait_seconds:
                    almost[path] = remaining
        except FileNotFoundError:
            continue  # removed by the user between listing and reading: nothing to keep
        except Exception as exc:  # one file must never stop the inbox
            _refuse(scan, path, data_dir, f"UNREADABLE: {type(exc).__name__}: {exc}", now)
    ready += _settled_after_waiting(almost, scan.observed, settle_seconds)
    writing = open_for_writing(ready)
    for path in ready:
        if path in writing:  # a writer still has it open: not finished, whatever its mtime says
            info = path.stat()
            scan.observed[path.name] = _observation([info.st_size, info.st_mtime_ns], None, now_ns)
            continue
        _take(scan, path, data_dir, now)
    return scan


def wait_for_new_files(
    data_dir: Path, observed: dict[str, Signature], seconds: float, poll_seconds: float = WATCH_POLL_SECONDS
) -> bool:
    """Watch the inbox for up to `seconds`; return True as soon as it holds a file `observed` does not
    already describe (new name, size or mtime). Only lists the inbox: a cheap wait between full scans."""
    deadline = time.monotonic() + seconds
    folder = inbox_dir(data_dir)
    while True:
        try:
            for entry in folder.iterdir():
                if _skipped_name(entry.name):
                    continue
                try:
                    info = entry.lstat()
                except OSError:
                    continue
                known = observed.get(entry.name)
                if known is None or known[:2] != [info.st_size, info.st_mtime_ns]:
                    return True
        except FileNotFoundError:
            pass  # the next full scan creates the inbox
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(poll_seconds, left))


def _settled_after_waiting(
    almost: dict[Path, float], observed: dict[str, Signature], settle_seconds: float
) -> list[Path]:
    """Sleep until the files that were about to settle should have; return those unchanged meanwhile
    (dropped from `observed`); a file that changed or vanished keeps its new observation or none."""
    if not almost:
        return []
    time.sleep(max(almost.values()) + 0.05)
    now_ns = time.time_ns()
    settled: list[Path] = []
    for path in almost:
        previous = observed.pop(path.name)
        try:
            info = path.lstat()
        except OSError:
            continue  # removed (or unreadable) meanwhile: the next scan sees what is there
        signature = [info.st_size, info.st_mtime_ns]
        if stat.S_ISREG(info.st_mode) and settle_remaining(signature, previous, now_ns, settle_seconds) <= 0:
            settled.append(path)
        else:
            observed[path.name] = _observation(signature, previous, now_ns)
    return settled


def _take(scan: InboxScan, path: Path, data_dir: Path, now: datetime) -> None:
    try:
        try:
            sha256, size = preflight(path)
        except ProtocolReadError as exc:
            _refuse(scan, path, data_dir, f"{exc.code}: {exc.reason}", now)
            return
        stored, new = _store(path, sha256, size, data_dir, now)
    except FileNotFoundError:
        return  # removed by the user between listing and reading
    except ChangedWhileMovingError as exc:
        scan.problems.append(f"{path.name}: {exc}")  # left in the inbox: it settles and is read again
        return
    except Exception as exc:  # a reader bug or OS error on one file must not stop the inbox
        logger.exception("intake of %s failed", path.name)
        _refuse(scan, path, data_dir, f"INTAKE_FAILED: {type(exc).__name__}: {exc}", now)
        return
    if new:
        key = package_version_key(path.name, sha256)
        scan.accepted.append(AcceptedProtocol(key, sha256, stored, path.name))
    else:
        scan.duplicates.append(DuplicateDrop(path.name, partition_of(data_dir, sha256), sha256, stored))


def _refuse(scan: InboxScan, path: Path, data_dir: Path, reason: str, now: datetime) -> None:
    """Quarantine one file with its reason; if even that fails, report it and leave the file."""
    try:
        kept_at = quarantine(path, data_dir, reason, now)
    except FileNotFoundError:
        return
    except Exception as exc:  # reported on the tick, retried next tick
        failure = f"{type(exc).__name__}: {exc}"
        scan.problems.append(f"{path.name}: cannot quarantine ({failure}); reason was {reason}")
        return
    code, _, text = reason.partition(": ")
    scan.quarantined.append(QuarantinedFile(path.name, code, text or code, kept_at))


def partition_of(data_dir: Path, sha256: str) -> str:
    """The partition key of bytes already stored: from their intake record, else from the kept file."""
    folder = protocols_dir(data_dir) / sha256
    intake = _read_record(folder / INTAKE_RECORD)
    if intake is not None:
        return str(intake["partition_key"])
    stored = _stored_file(folder)
    return package_version_key(stored.name if stored else "protocol", sha256)


def stored_protocol(data_dir: Path, partition_key: str) -> Path:
    """Given a partition key (stem-hash12), return the stored original protocol file."""
    prefix = partition_key.rsplit("-", 1)[-1]
    for record in sorted(protocols_dir(data_dir).glob(f"{prefix}*/{INTAKE_RECORD}")):
        intake = _read_record(record)
        if intake is not None and intake.get("partition_key") == partition_key:
            return record.parent / str(intake["file"])
    raise FileNotFoundError(
        f"no stored protocol for partition {partition_key} under {protocols_dir(data_dir)}"
    )


def register_protocol(source: Path, data_dir: Path, *, now: datetime | None = None) -> AcceptedProtocol:
    """Copy a protocol into the store without the inbox (CLI, tests, demo); return its partition."""
    document = identify(source)
    folder = protocols_dir(data_dir) / document.sha256
    intake = _read_record(folder / INTAKE_RECORD)
    if intake is not None:  # same bytes already stored, perhaps under another name: keep the first
        name = str(intake["file"])
        return AcceptedProtocol(str(intake["partition_key"]), document.sha256, folder / name, name)
    folder.mkdir(parents=True, exist_ok=True)
    copy_verified(source, folder / source.name, size=document.size_bytes, sha256=document.sha256)
    received = now or datetime.now(UTC)
    write_atomically(folder / INTAKE_RECORD, _intake_json(source.name, document.sha256, received))
    key = package_version_key(source.name, document.sha256)
    return AcceptedProtocol(key, document.sha256, folder / source.name, source.name)


def stored_intakes(data_dir: Path) -> list[AcceptedProtocol]:
    """Every protocol taken so far, from the intake records under protocols/ (the source of truth);
    an unreadable record is logged and left out (the next scan rebuilds it), never fatal."""
    found = []
    for record in sorted(protocols_dir(data_dir).glob(f"*/{INTAKE_RECORD}")):
        intake = _read_record(record)
        if intake is None:
            continue
        found.append(
            AcceptedProtocol(
                str(intake["partition_key"]),
                str(intake["sha256"]),
                record.parent / str(intake["file"]),
                str(intake["file"]),
            )
        )
    return found
