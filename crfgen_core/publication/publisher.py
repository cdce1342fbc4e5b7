"""Publish a CRF package into the outbox: outbox/<study>/<version>/, atomic, never overwritten."""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from crfgen_core.atomic_files import atomic_write_bytes
from crfgen_core.model.design import CRFDesign
from crfgen_core.model.package import PublishedPackage
from crfgen_core.publication.atomic_dir import PackageExistsError, atomic_directory
from crfgen_core.publication.ledger import (
    ledger_for_outbox,
    manifest_sha256,
    new_record,
    package_key,
    read_records,
    record_publication,
)
from crfgen_core.publication.manifest import MANIFEST_NAME, build_manifest, package_version_key
from crfgen_core.publication.signature import sign_manifest
from crfgen_core.review.audit_trail import AuditAction, AuditEvent, audited, default_actor, has_event

DESIGN_FILE_NAME = "crf_design.json"
# outbox/<study>/current names the study's most recently published version folder (one line).
CURRENT_POINTER = "current"
# A rebuild of the same protocol version (new CT, new code) is a new revision, never an overwrite.
MAX_REVISIONS = 999


@dataclass(frozen=True)
class Publication:
    """Where a package was published and the manifest written with it."""

    directory: Path
    manifest: PublishedPackage
    manifest_sha256: str  # also in the ledger: what `crf-gen audit` checks the manifest against


def safe_dir_name(text: str) -> str:
    """Given a study name, return a file-system-safe directory name (letters, digits, - _ .)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")
    return cleaned[:80] or "study"


def version_dir_name(study_dir: str, version_key: str) -> str:
    """Given the study folder name and the version key (file stem + sha256 prefix), return the version
    folder: the key, or only its hash when the stem is the study folder already (a protocol without a
    protocol number is filed under its file stem: `<stem>/<stem>-<hash>` would say the stem twice)."""
    stem, _, digest = version_key.rpartition("-")
    return digest if stem and safe_dir_name(stem) == study_dir else version_key


def next_revision_dir(study_dir: Path, version: str) -> Path:
    """Given a study folder and a version key, return the first free `<version>` or `<version>-rN`."""
    for revision in range(1, MAX_REVISIONS + 1):
        candidate = study_dir / (version if revision == 1 else f"{version}-r{revision}")
        if not candidate.exists():
            return candidate
    raise PackageExistsError(f"{study_dir / version}: {MAX_REVISIONS} revisions already published")


def publish_package(
    design: CRFDesign,
    files: Sequence[Path],
    outbox: Path,
    *,
    dagster_run_id: str | None = None,
    upstream_materializations: Mapping[str, str] | None = None,
    ledger: Path | None = None,
) -> Publication:
    """Given a design and its rendered files, publish them with crf_design.json and manifest.json.

    The package lands in outbox/<study>/<version>/ through a temporary sibling and one rename; an
    existing package is never touched (a rebuild becomes <version>-r2, -r3...). The manifest's sha256
    is appended to the ledger (default `<outbox>/../ledger/publications.jsonl`) before that rename, and a
    `package.published` event to the audit trail of the data directory (`<outbox>/..`) committed only
    once the rename is done: a package that cannot be audited is not published. Then
    outbox/<study>/current is replaced (temp file + rename) to name the new version folder.

    Once per run: when `dagster_run_id` already published this protocol (its step was retried after the
    worker running it died after the rename), that package is returned and nothing new is published.
    """
    names = [path.name for path in files]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates or DESIGN_FILE_NAME in names or MANIFEST_NAME in names:
        raise ValueError(f"package file names must be unique and not reserved: {duplicates or names}")
    ledger = ledger or ledger_for_outbox(outbox)
    earlier = (
        published_by_run(outbox, ledger, dagster_run_id, design.protocol_sha256) if dagster_run_id else None
    )
    if earlier is not None:
        _record_missing_publication_event(outbox, earlier, design, dagster_run_id)
        atomic_write_bytes(earlier.directory.parent / CURRENT_POINTER, f"{earlier.directory.name}\n".encode())
        return earlier
    study_dir = safe_dir_name(design.study_name)
    version = version_dir_name(study_dir, package_version_key(design.protocol_file, design.protocol_sha256))
    target = next_revision_dir(outbox / study_dir, version)
    with audited(outbox.parent) as audit, atomic_directory(target) as staging:
        for path in files:
            shutil.copyfile(path, staging / path.name)
        manifest = seal_package(
            design,
            staging,
            version=target.name,
            dagster_run_id=dagster_run_id,
            upstream_materializations=upstream_materializations,
        )
        record = new_record(
            target,
            staging / MANIFEST_NAME,
            study=manifest.study,
            protocol_sha256=manifest.protocol_sha256,
            run_id=dagster_run_id,
        )
        record_publication(ledger, record)
        audit.record(_published_event(target, design, dagster_run_id, record.manifest_sha256))
    atomic_write_bytes(target.parent / CURRENT_POINTER, f"{target.name}\n".encode())
    return Publication(directory=target, manifest=manifest, manifest_sha256=record.manifest_sha256)


def _record_missing_publication_event(
    outbox: Path, earlier: Publication, design: CRFDesign, run_id: str | None
) -> None:
    """A worker that died between the package's rename and the audit commit left a package the trail does
    not name: the retried step records its `package.published` event, so every package is audited."""
    event = _published_event(earlier.directory, design, run_id, earlier.manifest_sha256)
    if has_event(outbox.parent, AuditAction.PACKAGE_PUBLISHED, event.subject):
        return
    with audited(outbox.parent) as audit:
        retried = f"{event.reason} (event recorded by the retried step)"
        audit.record(event.model_copy(update={"reason": retried}))


def _published_event(package: Path, design: CRFDesign, run_id: str | None, manifest_sha: str) -> AuditEvent:
    """The `package.published` event of the package folder outbox/<study>/<version>."""
    return AuditEvent(
        actor=f"dagster run {run_id}" if run_id else default_actor(),
        action=AuditAction.PACKAGE_PUBLISHED,
        study=package.parent.name,
        subject=package_key(package),  # as the ledger names it
        reason=f"published from protocol {design.protocol_file}",
        after={"manifest_sha256": manifest_sha, "protocol_sha256": design.protocol_sha256},
    )


def published_by_run(outbox: Path, ledger: Path, run_id: str, protocol_sha256: str) -> Publication | None:
    """Given a run id and a protocol, return the package that run already published (None if none).

    Only a package in place whose manifest is the one recorded counts: a record whose rename never
    happened (the worker died in between) is a publication that did not finish.
    """
    if not ledger.is_file():
        return None
    records, _ = read_records(ledger)
    for record in reversed(records):
        if record.dagster_run_id != run_id or record.protocol_sha256 != protocol_sha256:
            continue
        manifest_path = outbox / record.package / MANIFEST_NAME
        if manifest_path.is_file() and manifest_sha256(manifest_path) == record.manifest_sha256:
            manifest = PublishedPackage.model_validate_json(manifest_path.read_text(encoding="utf-8"))
            return Publication(manifest_path.parent, manifest, record.manifest_sha256)
    return None


def current_package(study_dir: Path) -> Path | None:
    """Given outbox/<study>, return the package its `current` pointer names (None without a pointer)."""
    pointer = study_dir / CURRENT_POINTER
    if not pointer.is_file():
        return None
    return study_dir / pointer.read_text(encoding="utf-8").strip()


def seal_package(
    design: CRFDesign,
    staging: Path,
    *,
    version: str | None = None,
    dagster_run_id: str | None = None,
    upstream_materializations: Mapping[str, str] | None = None,
) -> PublishedPackage:
    """Given a staging directory holding the rendered files, add crf_design.json and manifest.json last.

    The manifest is written after every other file so it hashes exactly what the package holds.
    """
    (staging / DESIGN_FILE_NAME).write_text(design.to_json(), encoding="utf-8")
    manifest = build_manifest(
        design,
        staging,
        dagster_run_id=dagster_run_id,
        upstream_materializations=dict(upstream_materializations or {}),
    )
    if version is not None:
        manifest = manifest.model_copy(update={"version": version})
    (staging / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
    sign_manifest(staging)
    return manifest
