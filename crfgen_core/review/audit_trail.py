"""The audit trail: append-only, hash-chained events (who, what, when, why, before/after).

Each row stores `row_hash = sha256(prev_hash + "\\n" + canonical content)`, the first row's prev_hash
being 64 zeros, and the head table names the last row. `verify_chain` recomputes the chain: an edited
row no longer matches its hash, an inserted or deleted row breaks the next row's prev_hash or the seq
run, and deleting the newest rows disagrees with the head. Whoever can rewrite every row *and* the head
can forge a consistent chain: the head hash `crf-gen audit --trail` prints is what an inspector keeps
outside the database to rule that out (docs/review.md).

Appends are serialized: SQLite transactions take the write lock at BEGIN, PostgreSQL locks the head row's
table; a second writer waits, then chains from the first one's row.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from crfgen_core.atomic_files import atomic_write_bytes
from crfgen_core.model.base import Contract
from crfgen_core.review.store.database import open_engine, review_db_url
from crfgen_core.review.store.models import AuditEventRow, AuditHeadRow

GENESIS_HASH = "0" * 64
ACTOR_ENV = "CRFGEN_ACTOR"
EXPORT_COLUMNS = (
    "seq",
    "occurred_at",
    "actor",
    "action",
    "study",
    "subject",
    "reason",
    "before_json",
    "after_json",
    "prev_hash",
    "row_hash",
)


class AuditAction(StrEnum):
    CORRECTION_RECORDED = "correction.recorded"
    CORRECTION_WITHDRAWN = "correction.withdrawn"
    PACKAGE_APPROVED = "package.approved"
    PACKAGE_REJECTED = "package.rejected"
    PACKAGE_PUBLISHED = "package.published"
    PROTOCOL_QUARANTINED = "protocol.quarantined"
    PROTOCOL_UPLOADED = "protocol.uploaded"
    CT_CURRENT_CHANGED = "ct.current_changed"


class AuditEvent(Contract):
    """What happened, before it is chained: who did what to which subject, why, and the change."""

    actor: str
    action: AuditAction
    subject: str
    reason: str
    study: str | None = None
    before: Any = None
    after: Any = None


class RecordedEvent(Contract):
    """An event as stored: its place in the chain and the JSON exactly as hashed."""

    seq: int
    occurred_at: str
    actor: str
    action: str
    study: str | None
    subject: str
    reason: str
    before_json: str | None
    after_json: str | None
    prev_hash: str
    row_hash: str


class AuditTrailError(RuntimeError):
    """The event could not be recorded: the action it records must not happen (or must be reported)."""


@dataclass
class ChainReport:
    """What verification found: the first broken row (None when intact), and the head."""

    events: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    broken: str | None = None
    broken_seq: int | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def default_actor() -> str:
    """`$CRFGEN_ACTOR`, else `<os user>@<host>`: who runs this process."""
    return os.environ.get(ACTOR_ENV) or f"{getpass.getuser()}@{socket.gethostname()}"


def canonical_json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(prev_hash: str, row: RecordedEvent | AuditEventRow) -> str:
    """sha256 of the previous row's hash and this row's canonical content (every column but the hashes)."""
    content = {
        "seq": row.seq,
        "occurred_at": row.occurred_at,
        "actor": row.actor,
        "action": row.action,
        "study": row.study,
        "subject": row.subject,
        "reason": row.reason,
        "before": row.before_json,
        "after": row.after_json,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def append_event(connection: sa.Connection, event: AuditEvent) -> RecordedEvent:
    """Given a connection inside a transaction, append `event` to the chain (committed with the caller's
    transaction, so an action and its event are stored together or not at all)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("LOCK TABLE review_audit_head IN EXCLUSIVE MODE"))
    head = connection.execute(sa.select(AuditHeadRow.seq, AuditHeadRow.row_hash)).first()
    seq, prev = (head.seq + 1, head.row_hash) if head else (1, GENESIS_HASH)
    draft = RecordedEvent(
        seq=seq,
        occurred_at=datetime.now(UTC).isoformat(timespec="microseconds"),
        actor=event.actor,
        action=event.action.value,
        study=event.study,
        subject=event.subject,
        reason=event.reason,
        before_json=canonical_json(event.before),
        after_json=canonical_json(event.after),
        prev_hash=prev,
        row_hash="",
    )
    recorded = draft.model_copy(update={"row_hash": row_hash(prev, draft)})
    connection.execute(sa.insert(AuditEventRow).values(**recorded.model_dump()))
    if head:
        connection.execute(sa.update(AuditHeadRow).values(seq=seq, row_hash=recorded.row_hash))
    else:
        connection.execute(sa.insert(AuditHeadRow).values(id=1, seq=seq, row_hash=recorded.row_hash))
    return recorded


class AuditRecorder:
    """Handed out by `audited`: records the action's event when the action is about to happen."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self.connection: sa.Connection | None = None

    def record(self, event: AuditEvent) -> RecordedEvent:
        try:
            if self.connection is None:
                self.connection = self._engine.connect()
                self.connection.begin()
            recorded = append_event(self.connection, event)
        except sa.exc.SQLAlchemyError as exc:
            raise AuditTrailError(
                f"audit event {event.action.value} {event.subject} not recorded: {exc}"
            ) from exc
        return recorded


@contextmanager
def audited(data_dir: Path | None = None, *, url: str | None = None) -> Iterator[AuditRecorder]:
    """Given the data directory (or the store's URL), yield a recorder for one action's events.

    The events are committed when the block ends without an exception and rolled back when it raises:
    record the event, then do the action inside the block. An action that fails leaves no event; an
    event that cannot be recorded raises AuditTrailError before the action. A commit that fails after the
    action raises too (the caller reports the action as failed; its effect may stand: docs/review.md).
    """
    recorder = AuditRecorder(open_engine(url or review_db_url(data_dir)))
    try:
        yield recorder
    except BaseException:
        if recorder.connection is not None:
            recorder.connection.rollback()
            recorder.connection.close()
        raise
    if recorder.connection is not None:
        try:
            recorder.connection.commit()
        except sa.exc.SQLAlchemyError as exc:
            raise AuditTrailError(f"audit events not committed after the action: {exc}") from exc
        finally:
            recorder.connection.close()


def read_events(engine: sa.Engine) -> list[RecordedEvent]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(AuditEventRow).order_by(AuditEventRow.seq)).mappings().all()
    return [RecordedEvent.model_validate(dict(row)) for row in rows]


def has_event(data_dir: Path, action: AuditAction, subject: str) -> bool:
    """Whether the data directory's trail holds an event of `action` on `subject`."""
    query = sa.select(AuditEventRow.seq).where(
        AuditEventRow.action == action.value, AuditEventRow.subject == subject
    )
    with open_engine(review_db_url(data_dir)).connect() as connection:
        return connection.execute(query.limit(1)).first() is not None


def verify_chain(engine: sa.Engine) -> ChainReport:
    """Recompute the chain; report the first row that breaks it (edited, inserted, deleted) or the head."""
    events = read_events(engine)
    with engine.connect() as connection:
        head = connection.execute(sa.select(AuditHeadRow.seq, AuditHeadRow.row_hash)).first()
    report = ChainReport(events=len(events))
    expected_seq, prev = 1, GENESIS_HASH
    for event in events:
        if event.seq != expected_seq:
            missing = (
                f"seq {expected_seq}"
                if event.seq == expected_seq + 1
                else f"seq {expected_seq}..{event.seq - 1}"
            )
            return _broken(report, expected_seq, f"{missing} missing before seq {event.seq} (deleted)")
        if event.prev_hash != prev:
            return _broken(
                report,
                event.seq,
                f"seq {event.seq}: prev_hash {event.prev_hash[:12]}... is not the hash of seq "
                f"{event.seq - 1} ({prev[:12]}...): a row before it was replaced or inserted",
            )
        if row_hash(prev, event) != event.row_hash:
            return _broken(
                report,
                event.seq,
                f"seq {event.seq} ({event.action} {event.subject}): "
                "content does not match its row hash (edited)",
            )
        report.head_seq, report.head_hash = event.seq, event.row_hash
        expected_seq, prev = event.seq + 1, event.row_hash
    if head is None:
        if events:
            return _broken(report, report.head_seq, "the chain head record is missing (deleted)")
        return report
    if head.seq != report.head_seq or head.row_hash != report.head_hash:
        first = report.head_seq + 1
        return _broken(
            report,
            first,
            f"the head names seq {head.seq} ({head.row_hash[:12]}...) but the last event is seq "
            f"{report.head_seq}: seq {first}..{head.seq} deleted, or the head was edited",
        )
    return report


def _broken(report: ChainReport, seq: int, message: str) -> ChainReport:
    report.broken, report.broken_seq = message, seq
    return report


def export_events(events: list[RecordedEvent], target: Path) -> None:
    """Write the events for an inspector: `.csv` (one row per event, JSON columns as stored) or `.json`
    (a list of events with before/after parsed, and the stored text that was hashed)."""
    suffix = target.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for event in events:
            writer.writerow(event.model_dump())
        data = buffer.getvalue().encode("utf-8")
    elif suffix == ".json":
        rows = [
            {
                **event.model_dump(),
                "before": None if event.before_json is None else json.loads(event.before_json),
                "after": None if event.after_json is None else json.loads(event.after_json),
            }
            for event in events
        ]
        data = (json.dumps(rows, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    else:
        raise ValueError(f"{target.name}: export as .csv or .json")
    atomic_write_bytes(target, data)
