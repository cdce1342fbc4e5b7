"""Sign-off: a published package is a draft until a reviewer approves it, and an approval is bound to the
sha256 of the package's manifest.json (which lists every file's sha256): a package with another manifest
(a rebuild `-r2`, or anything edited) has no approval until it gets its own.

The package folder is immutable, so the approval is recorded beside it, never in it: the store keeps the
decision and its audit event; `outbox/<study>/approved/<version>` links to the package and
`outbox/<study>/approved/<version>.approval.json` names its manifest sha256 and every approval of it
since its last rejection (written atomically; a rejection removes both). The two-person rule
(`CRFGEN_REVIEW_TWO_PERSON=1`, or `two_person=True`) refuses a signer who authored a correction the
package was built with (any listed in its crf_design.json), or who submitted (published) it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import sqlalchemy as sa

from crfgen_core.atomic_files import atomic_write_bytes, fsync_folder
from crfgen_core.model.base import Contract
from crfgen_core.model.design import CRFDesign
from crfgen_core.publication.audit import audit_package
from crfgen_core.publication.ledger import manifest_sha256, package_key
from crfgen_core.publication.manifest import MANIFEST_NAME
from crfgen_core.publication.publisher import DESIGN_FILE_NAME
from crfgen_core.review.audit_trail import AuditAction
from crfgen_core.review.review_store import Decision, ReviewStore
from crfgen_core.review.store.models import AuditEventRow

APPROVED_DIR = "approved"
APPROVAL_SUFFIX = ".approval.json"
TWO_PERSON_ENV = "CRFGEN_REVIEW_TWO_PERSON"
APPROVAL_FORMAT = "crfgen-approval/1"


class SignOffRefusedError(ValueError):
    """The decision cannot be recorded: the package does not verify, or the signer may not sign it."""


class PackageStatus(StrEnum):
    DRAFT = "draft"  # published, no decision on this manifest
    APPROVED = "approved"
    REJECTED = "rejected"
    # decisions exist for another manifest sha256, or the files no longer verify: a new approval is
    # needed (of a verifying package: a changed one is published again, as a new revision)
    CHANGED = "changed"


class ApprovalEntry(Contract):
    signer: str
    reason: str
    approved_at: str


class ApprovalRecord(Contract):
    """approved/<version>.approval.json: which manifest was approved, by whom, why, when."""

    format: str = APPROVAL_FORMAT
    package: str
    study: str
    version: str
    manifest_sha256: str
    approvals: list[ApprovalEntry]
    two_person_rule: bool


@dataclass(frozen=True)
class PackageReview:
    package: str
    manifest_sha256: str
    status: PackageStatus
    decisions: list[Decision]
    problems: list[str]  # why the package does not verify against its publication (empty: it does)


def two_person_rule_on() -> bool:
    return os.environ.get(TWO_PERSON_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def approved_dir(package_dir: Path) -> Path:
    return package_dir.resolve().parent / APPROVED_DIR


def review_status(store: ReviewStore, package_dir: Path) -> PackageReview:
    """Given a package folder, return its status: the latest decision on its current manifest sha256,
    if its files still verify against that manifest and the manifest against the publication ledger."""
    report = audit_package(package_dir)
    problems = [*report.problems, *([report.unanchored] if report.unanchored else [])]
    sha = manifest_sha256(package_dir / MANIFEST_NAME)
    key = package_key(package_dir)
    decisions = store.decisions(key)
    mine = [d for d in decisions if d.manifest_sha256 == sha]
    if problems or (decisions and not mine):
        status = PackageStatus.CHANGED
    elif mine:
        status = PackageStatus.APPROVED if mine[-1].decision == "approved" else PackageStatus.REJECTED
    else:
        status = PackageStatus.DRAFT
    return PackageReview(key, sha, status, decisions, problems)


def decide(
    store: ReviewStore,
    package_dir: Path,
    *,
    decision: str,
    signer: str,
    reason: str,
    two_person: bool | None = None,
    actor: str | None = None,
) -> Decision:
    """Record `approved` or `rejected` for the package's current manifest (actor: who enters it in the
    audit trail, default the signer); an approval also writes the approved/ listing. Refused
    (SignOffRefusedError) when the package does not verify against its publication record, or the
    two-person rule excludes the signer."""
    if not signer.strip() or not reason.strip():
        raise SignOffRefusedError("a decision needs a signer and a reason")
    current = review_status(store, package_dir)
    if current.problems:
        why = "; ".join(current.problems)
        raise SignOffRefusedError(f"{package_dir}: does not verify as a published package ({why})")
    rule = two_person_rule_on() if two_person is None else two_person
    if rule and decision == "approved":
        _check_two_persons(store, package_dir, signer)
    record = Decision(
        study=package_dir.resolve().parent.name,
        package=current.package,
        manifest_sha256=current.manifest_sha256,
        decision=decision,
        signer=signer.strip(),
        reason=reason.strip(),
        decided_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )

    def list_approved(recorded: Decision) -> None:
        if decision != "approved":
            _remove_listing(package_dir)  # a rejection revokes the approvals before it
            return
        earlier: list[Decision] = []
        for d in current.decisions:
            if d.manifest_sha256 == current.manifest_sha256:
                earlier = [*earlier, d] if d.decision == "approved" else []
        _write_listing(package_dir, [*earlier, recorded], rule)

    return store.record_decision(
        record, before={"status": current.status.value}, after_written=list_approved, actor=actor
    )


def _same_person(signer: str, other: str) -> bool:
    """Names compared case-insensitively; an actor `user@host` is also its user."""
    wanted = signer.strip().casefold()
    other = other.strip().casefold()
    return wanted in {other, other.split("@", 1)[0]}


def _check_two_persons(store: ReviewStore, package_dir: Path, signer: str) -> None:
    """Refuse a signer who authored a correction the package's build was given (whatever its outcome:
    applied, unchanged, orphaned or rejected), or who published the package."""
    design = CRFDesign.model_validate_json((package_dir / DESIGN_FILE_NAME).read_bytes())
    for outcome in design.corrections:
        if _same_person(signer, outcome.author):
            raise SignOffRefusedError(
                f"two-person rule: {signer} authored correction {outcome.id} ({outcome.kind} "
                f"{outcome.target}, {outcome.status}) in this package; another reviewer must approve"
            )
    with store.engine.connect() as connection:
        publishers = connection.scalars(
            sa.select(AuditEventRow.actor).where(
                AuditEventRow.action == AuditAction.PACKAGE_PUBLISHED.value,
                AuditEventRow.subject == package_key(package_dir),
            )
        ).all()
    for publisher in publishers:
        if _same_person(signer, publisher):
            raise SignOffRefusedError(
                f"two-person rule: {signer} submitted this package ({publisher}); "
                "another reviewer must approve"
            )


def _write_listing(package_dir: Path, approvals: list[Decision], rule: bool) -> None:
    """approved/<version> -> ../<version> and approved/<version>.approval.json, each replaced atomically."""
    folder = approved_dir(package_dir)
    version = package_dir.resolve().name
    latest = approvals[-1]
    record = ApprovalRecord(
        package=latest.package,
        study=latest.study,
        version=version,
        manifest_sha256=latest.manifest_sha256,
        approvals=[
            ApprovalEntry(signer=d.signer, reason=d.reason, approved_at=d.decided_at) for d in approvals
        ],
        two_person_rule=rule,
    )
    atomic_write_bytes(folder / f"{version}{APPROVAL_SUFFIX}", record.to_json().encode("utf-8"))
    link = folder / version
    if not link.is_symlink():
        temp = folder / f".{version}.link"
        temp.unlink(missing_ok=True)
        temp.symlink_to(Path("..") / version, target_is_directory=True)
        os.replace(temp, link)
        fsync_folder(folder)


def _remove_listing(package_dir: Path) -> None:
    folder = approved_dir(package_dir)
    version = package_dir.resolve().name
    removed = False
    for entry in (folder / version, folder / f"{version}{APPROVAL_SUFFIX}"):
        if entry.is_symlink() or entry.exists():
            entry.unlink()
            removed = True
    if removed:
        fsync_folder(folder)


def read_approval(package_dir: Path) -> ApprovalRecord | None:
    """The approval record listed for this package folder, if any."""
    path = approved_dir(package_dir) / f"{package_dir.resolve().name}{APPROVAL_SUFFIX}"
    if not path.is_file():
        return None
    return ApprovalRecord.model_validate_json(path.read_bytes())
