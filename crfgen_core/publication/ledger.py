"""The publication ledger: an append-only JSONL record, outside every package, of each manifest's sha256.

A package's manifest lists the sha256 of every file, but whoever can edit a file can rewrite its line
in the manifest too. The ledger anchors the manifest itself: `crf-gen audit` compares the manifest's
sha256 with the one recorded when the package was published. Records are appended (fsync, under a lock)
and never rewritten; a record is written before the package is renamed into place, so a published
package always has one (a record whose package never appeared is a publication that did not finish).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from crfgen_core.atomic_files import append_line_durably
from crfgen_core.model.base import Contract

LEDGER_DIR = "ledger"
LEDGER_FILE = "publications.jsonl"


class PublicationRecord(Contract):
    """One line of the ledger: which package folder was published with which manifest."""

    package: str  # "<study>/<version>", relative to the outbox
    manifest_sha256: str
    study: str
    version: str
    protocol_sha256: str
    dagster_run_id: str | None = None
    recorded_at: str


def ledger_for_outbox(outbox: Path) -> Path:
    """Given the outbox (`<data>/outbox`), return its ledger (`<data>/ledger/publications.jsonl`)."""
    return outbox.parent / LEDGER_DIR / LEDGER_FILE


def ledger_for_package(package_dir: Path) -> Path:
    """Given `<data>/outbox/<study>/<version>`, return the ledger its publication was recorded in."""
    return ledger_for_outbox(package_dir.resolve().parent.parent)


def package_key(package_dir: Path) -> str:
    resolved = package_dir.resolve()
    return f"{resolved.parent.name}/{resolved.name}"


def manifest_sha256(manifest_path: Path) -> str:
    return hashlib.sha256(manifest_path.read_bytes()).hexdigest()


def record_publication(ledger: Path, record: PublicationRecord) -> None:
    append_line_durably(ledger, record.model_dump_json())


def new_record(
    package_dir: Path, manifest_path: Path, *, study: str, protocol_sha256: str, run_id: str | None
) -> PublicationRecord:
    """Given the final package folder and its (staged) manifest.json, return the record to append."""
    return PublicationRecord(
        package=package_key(package_dir),
        manifest_sha256=manifest_sha256(manifest_path),
        study=study,
        version=package_dir.name,
        protocol_sha256=protocol_sha256,
        dagster_run_id=run_id,
        recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def read_records(ledger: Path) -> tuple[list[PublicationRecord], int]:
    """Given a ledger, return its records in order and the count of unreadable lines."""
    found: list[PublicationRecord] = []
    unreadable = 0
    for line in ledger.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            found.append(PublicationRecord.model_validate(json.loads(line)))
        except (ValueError, ValidationError):
            unreadable += 1
    return found, unreadable


def records_for(ledger: Path, package_dir: Path) -> tuple[list[PublicationRecord], int]:
    """Given a ledger and a package folder, return its records and the count of unreadable lines."""
    key = package_key(package_dir)
    records, unreadable = read_records(ledger)
    return [record for record in records if record.package == key], unreadable
