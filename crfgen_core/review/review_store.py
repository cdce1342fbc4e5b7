"""The review store's API: record, withdraw and list a study's corrections, import and export the
portable corrections file, record review decisions; every change with its audit event in one transaction.

After every change to a study's corrections, the pipeline's copy `<data>/review/corrections/<study>.json`
(the study's active corrections, a CorrectionSet) is rewritten atomically: that file is what
`crf-gen generate --corrections` and the Dagster `review_corrections` asset read. It is written inside the
transaction, so a failed write records nothing; if the commit fails after it, it is rewritten from the
database before the error is raised.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa

from crfgen_core.atomic_files import atomic_write_bytes
from crfgen_core.publication.publisher import safe_dir_name
from crfgen_core.review.audit_trail import AuditAction, AuditEvent, RecordedEvent, append_event
from crfgen_core.review.corrections import CORRECTION_ADAPTER, Correction, CorrectionSet
from crfgen_core.review.store.database import open_engine, review_db_url
from crfgen_core.review.store.models import CorrectionRow, DecisionRow
from crfgen_core.review.study_file import study_corrections_path

T = TypeVar("T")


class CorrectionConflictError(ValueError):
    """A correction id already recorded with other content (ids are unique across sites)."""


class UnknownCorrectionError(LookupError):
    """No such correction, or it is already withdrawn."""


@dataclass(frozen=True)
class StoredCorrection:
    """A recorded correction and its state in the store."""

    correction: Correction
    withdrawn: bool
    withdrawn_by: str | None
    withdrawn_at: str | None
    withdrawn_reason: str | None


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)  # correction ids
    already_present: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    study: str
    package: str
    manifest_sha256: str
    decision: str
    signer: str
    reason: str
    decided_at: str
    audit_seq: int | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ReviewStore:
    """One study site's review store (see crfgen_core.review.store.database for which database)."""

    def __init__(self, data_dir: Path, *, url: str | None = None) -> None:
        self.data_dir = data_dir
        self.engine = open_engine(url or review_db_url(data_dir))

    # -- corrections ---------------------------------------------------------------------------------

    def record(self, correction: Correction, *, actor: str | None = None, note: str = "") -> RecordedEvent:
        """Record a correction (actor: who enters it, default its author); return its audit event."""

        def change(connection: sa.Connection) -> RecordedEvent:
            if not self._insert(connection, correction):
                raise CorrectionConflictError(f"correction {correction.id} is already recorded")
            return append_event(connection, _recorded_event(correction, actor, note))

        return self._change(correction.study, change)

    def withdraw(self, correction_id: str, *, by: str, reason: str) -> RecordedEvent:
        """Withdraw an active correction (kept in the store, no longer applied); return its audit event."""
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(CorrectionRow).where(CorrectionRow.correction_id == correction_id)
            ).first()
        if row is None or row.withdrawn:
            raise UnknownCorrectionError(f"no active correction {correction_id}")

        def change(connection: sa.Connection) -> RecordedEvent:
            done = connection.execute(
                sa.update(CorrectionRow)
                .where(CorrectionRow.correction_id == correction_id, CorrectionRow.withdrawn.is_(False))
                .values(withdrawn=True, withdrawn_by=by, withdrawn_at=_now(), withdrawn_reason=reason)
            )
            if done.rowcount != 1:
                raise UnknownCorrectionError(f"no active correction {correction_id}")
            return append_event(
                connection,
                AuditEvent(
                    actor=by,
                    action=AuditAction.CORRECTION_WITHDRAWN,
                    study=row.study,
                    subject=f"{row.kind} {row.key}",
                    reason=reason,
                    before={"correction_id": correction_id, "withdrawn": False},
                    after={"correction_id": correction_id, "withdrawn": True},
                ),
            )

        return self._change(row.study, change)

    def corrections(self, study: str, *, include_withdrawn: bool = False) -> list[StoredCorrection]:
        """Given a study, return its corrections in the order they were recorded."""
        query = sa.select(CorrectionRow).where(CorrectionRow.study == study).order_by(CorrectionRow.id)
        if not include_withdrawn:
            query = query.where(CorrectionRow.withdrawn.is_(False))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            StoredCorrection(
                correction=CORRECTION_ADAPTER.validate_json(row.payload),
                withdrawn=row.withdrawn,
                withdrawn_by=row.withdrawn_by,
                withdrawn_at=row.withdrawn_at,
                withdrawn_reason=row.withdrawn_reason,
            )
            for row in rows
        ]

    def correction_set(self, study: str) -> CorrectionSet:
        """The study's active corrections as the portable contract."""
        return CorrectionSet(study=study, corrections=[s.correction for s in self.corrections(study)])

    def studies(self) -> list[str]:
        with self.engine.connect() as connection:
            return list(
                connection.scalars(sa.select(CorrectionRow.study).distinct().order_by(CorrectionRow.study))
            )

    def import_set(self, corrections: CorrectionSet, *, actor: str, source: str) -> ImportResult:
        """Record every correction of a portable file not recorded yet (same id and content: skipped;
        same id, other content: CorrectionConflictError, nothing imported)."""
        result = ImportResult()

        def change(connection: sa.Connection) -> ImportResult:
            for correction in corrections.corrections:
                if self._insert(connection, correction):
                    append_event(connection, _recorded_event(correction, actor, f"imported from {source}"))
                    result.added.append(correction.id)
                else:
                    result.already_present.append(correction.id)
            return result

        return self._change(corrections.study, change)

    def export(self, study: str, target: Path) -> CorrectionSet:
        """Write the study's active corrections to `target` (.json, or .yaml/.yml) atomically."""
        corrections = self.correction_set(study)
        text = corrections.to_yaml() if target.suffix.lower() in (".yaml", ".yml") else corrections.to_json()
        atomic_write_bytes(target, text.encode("utf-8"))
        return corrections

    def sync_pipeline_file(self, study: str) -> Path:
        """(Re)write the pipeline's corrections file of `study` from the store."""
        path = study_corrections_path(self.data_dir, study)
        atomic_write_bytes(path, self.correction_set(study).to_json().encode("utf-8"))
        return path

    def _insert(self, connection: sa.Connection, correction: Correction) -> bool:
        """Insert a correction; False if that id is already recorded with the same content."""
        payload = CORRECTION_ADAPTER.dump_json(correction).decode("utf-8")
        existing = connection.execute(
            sa.select(CorrectionRow.payload).where(CorrectionRow.correction_id == correction.id)
        ).scalar()
        if existing is not None:
            if CORRECTION_ADAPTER.validate_json(existing) != correction:
                raise CorrectionConflictError(
                    f"correction {correction.id} is already recorded with other content; give it a new id"
                )
            return False
        connection.execute(
            sa.insert(CorrectionRow).values(
                correction_id=correction.id,
                study=correction.study,
                kind=correction.kind,
                key=correction.target_key(),
                payload=payload,
                author=correction.author,
                reason=correction.reason,
                created_at=correction.created_at.isoformat(),
                withdrawn=False,
            )
        )
        return True

    def _change(self, study: str, change: Callable[[sa.Connection], T]) -> T:
        """Apply one change and rewrite the study's pipeline file before the commit (see module doc)."""
        if safe_dir_name(study) != study:  # the key names a file and an outbox folder: no path tricks
            raise ValueError(f"study key {study!r} is not an outbox folder name (letters, digits, - _ .)")
        try:
            with self.engine.begin() as connection:
                result = change(connection)
                rows = connection.execute(
                    sa.select(CorrectionRow.payload)
                    .where(CorrectionRow.study == study, CorrectionRow.withdrawn.is_(False))
                    .order_by(CorrectionRow.id)
                ).scalars()
                active = CorrectionSet(
                    study=study, corrections=[CORRECTION_ADAPTER.validate_json(p) for p in rows]
                )
                atomic_write_bytes(
                    study_corrections_path(self.data_dir, study), active.to_json().encode("utf-8")
                )
        except sa.exc.SQLAlchemyError:
            self.sync_pipeline_file(study)  # the file may hold what was not committed
            raise
        return result

    # -- decisions -----------------------------------------------------------------------------------

    def decisions(self, package: str) -> list[Decision]:
        """Given a package key (`<study>/<version>`), return its decisions, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(DecisionRow).where(DecisionRow.package == package).order_by(DecisionRow.id)
            ).all()
        return [
            Decision(
                study=row.study,
                package=row.package,
                manifest_sha256=row.manifest_sha256,
                decision=row.decision,
                signer=row.signer,
                reason=row.reason,
                decided_at=row.decided_at,
            )
            for row in rows
        ]

    def record_decision(
        self,
        decision: Decision,
        *,
        before: object,
        after_written: Callable[[Decision], None],
        actor: str | None = None,
    ) -> Decision:
        """Record a decision and its audit event (actor: who enters it, default the signer);
        `after_written` (e.g. the approved/ listing) runs inside the transaction, so if it fails nothing
        is recorded."""
        action = (
            AuditAction.PACKAGE_APPROVED if decision.decision == "approved" else AuditAction.PACKAGE_REJECTED
        )
        with self.engine.begin() as connection:
            connection.execute(
                sa.insert(DecisionRow).values(
                    study=decision.study,
                    package=decision.package,
                    manifest_sha256=decision.manifest_sha256,
                    decision=decision.decision,
                    signer=decision.signer,
                    reason=decision.reason,
                    decided_at=decision.decided_at,
                )
            )
            event = append_event(
                connection,
                AuditEvent(
                    actor=actor or decision.signer,
                    action=action,
                    study=decision.study,
                    subject=decision.package,
                    reason=decision.reason,
                    before=before,
                    after={"decision": decision.decision, "manifest_sha256": decision.manifest_sha256},
                ),
            )
            recorded = replace(decision, audit_seq=event.seq)
            after_written(recorded)
        return recorded


def _recorded_event(correction: Correction, actor: str | None, note: str) -> AuditEvent:
    return AuditEvent(
        actor=actor or correction.author,
        action=AuditAction.CORRECTION_RECORDED,
        study=correction.study,
        subject=f"{correction.kind} {correction.target_key()}",
        reason=f"{correction.reason} ({note})" if note else correction.reason,
        after=correction.model_dump(mode="json"),
    )
