"""Audit a published package: re-hash every file against manifest.json and state the provenance chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from crfgen_core.ingest.document import sha256_file
from crfgen_core.model.package import PublishedPackage
from crfgen_core.publication.ledger import ledger_for_package, manifest_sha256, package_key, records_for
from crfgen_core.publication.manifest import MANIFEST_NAME
from crfgen_core.publication.signature import SIGNATURE_NAME, signature_problem

C = TypeVar("C", bound=BaseModel)


class ManifestUnreadableError(ValueError):
    """The directory has no manifest.json, or it is not a valid manifest."""


@dataclass
class AuditReport:
    """What an auditor needs: the manifest, and every discrepancy found (empty means verified)."""

    directory: Path
    manifest: PublishedPackage
    problems: list[str] = field(default_factory=list)
    files_verified: int = 0
    # Set when the ledger holds no record of this manifest: the hashes only agree with the manifest,
    # which anyone able to edit a file could have rewritten too.
    unanchored: str | None = None
    anchor: str | None = None  # the ledger record the manifest matched
    signature: str | None = None  # how manifest.json.sig was checked, when the package has one

    @property
    def ok(self) -> bool:
        return not self.problems

    def chain(self) -> list[str]:
        """Return the provenance chain, protocol bytes first, published files last, one line each."""
        m = self.manifest
        lines = [
            f"protocol   {m.protocol_file}  sha256 {m.protocol_sha256}",
            *(f"terminology {ref.package} {ref.version}  sha256 {ref.sha256 or '-'}" for ref in m.ct),
            *(f"standard   {name} {version}" for name, version in sorted(m.standards.items())),
            f"code       crfgen {m.code_version}  rule set {m.rule_set_version}",
            f"run        dagster run {m.dagster_run_id or '- (generated without Dagster)'}",
            *(
                f"upstream   {asset}  materialization {event}"
                for asset, event in sorted(m.upstream_materializations.items())
            ),
            f"package    {m.study} / {m.version}  generated {m.generated_at}",
            f"anchor     {self.anchor or 'NONE: ' + (self.unanchored or 'manifest does not match')}",
            f"signature  {self.signature or 'none checked'}",
            *(f"file       {f.path}  sha256 {f.sha256}  {f.size_bytes} bytes" for f in m.files),
        ]
        return lines


def read_package_file(directory: Path, name: str, contract: type[C], what: str) -> C:
    """Given a package directory and one of its JSON files, return the file validated as `contract`
    (`what` names it in errors); raise ManifestUnreadableError if absent or invalid."""
    path = directory / name
    if not path.is_file():
        raise ManifestUnreadableError(f"{path}: no {name}; not a published package")
    try:
        return contract.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise ManifestUnreadableError(f"{path}: not a valid {what} ({exc.error_count()} errors)") from exc


def read_manifest(directory: Path) -> PublishedPackage:
    """Given a package directory, return its manifest; raise ManifestUnreadableError if absent or invalid."""
    return read_package_file(directory, MANIFEST_NAME, PublishedPackage, "manifest")


def audit_package(
    directory: Path,
    *,
    protocol: Path | None = None,
    ledger: Path | None = None,
    public_key: Path | None = None,
) -> AuditReport:
    """Given a published package (and optionally the original protocol file), verify every hash, the
    manifest's own hash against the publication ledger (default: the one beside the outbox) and, given
    the publisher's public key, the manifest's detached signature."""
    report = AuditReport(directory=directory, manifest=read_manifest(directory))
    _check_anchor(report, ledger or ledger_for_package(directory))
    if public_key is not None:
        problem = signature_problem(directory, public_key)
        report.problems.extend([problem] if problem else [])
        report.signature = None if problem else f"verified with {public_key.name}"
    elif (directory / SIGNATURE_NAME).is_file():
        report.signature = "present, not checked (give --public-key)"
    listed = {f.path for f in report.manifest.files}
    for entry in report.manifest.files:
        path = directory / entry.path
        if not path.is_file():
            report.problems.append(f"{entry.path}: listed in the manifest but missing")
            continue
        actual = sha256_file(path)
        if actual != entry.sha256:
            report.problems.append(
                f"{entry.path}: sha256 {actual} does not match the manifest {entry.sha256}"
            )
        elif path.stat().st_size != entry.size_bytes:
            report.problems.append(f"{entry.path}: size {path.stat().st_size} != manifest {entry.size_bytes}")
        else:
            report.files_verified += 1
    for path in sorted(directory.iterdir()):
        if path.name not in (MANIFEST_NAME, SIGNATURE_NAME) and path.name not in listed:
            report.problems.append(f"{path.name}: present but not listed in the manifest")
    if protocol is not None:
        actual = sha256_file(protocol)
        if actual != report.manifest.protocol_sha256:
            expected = report.manifest.protocol_sha256
            report.problems.append(
                f"protocol {protocol.name}: sha256 {actual} is not the manifest's {expected}"
            )
    return report


def _check_anchor(report: AuditReport, ledger: Path) -> None:
    """Compare manifest.json's sha256 with the ledger's record of the package's publication."""
    actual = manifest_sha256(report.directory / MANIFEST_NAME)
    if not ledger.is_file():
        report.unanchored = f"no publication ledger at {ledger}"
        return
    records, unreadable = records_for(ledger, report.directory)
    torn = f" ({unreadable} unreadable line(s) in the ledger)" if unreadable else ""
    if not records:
        report.unanchored = f"no record of {package_key(report.directory)} in {ledger}{torn}"
        return
    matching = [r for r in records if r.manifest_sha256 == actual]
    if not matching:
        recorded = ", ".join(sorted({r.manifest_sha256 for r in records}))
        report.problems.append(
            f"{MANIFEST_NAME}: sha256 {actual} is not the one recorded at publication ({recorded}, {ledger})"
        )
        return
    record = matching[-1]
    report.anchor = f"{ledger} recorded {record.recorded_at} run {record.dagster_run_id or '-'}"
