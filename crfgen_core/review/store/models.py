"""The review store's tables (SQLAlchemy 2 declarative). The schema itself is made by the Alembic
migrations in migrations/versions; tests/review/test_migrations.py holds the two equal.

Times are UTC ISO-8601 strings (`2026-11-29T13:30:00+00:00`), the form the publication ledger uses: they
are part of the audit rows' hashed content and must read back byte-for-byte on SQLite and PostgreSQL.
Table names start with `review_`: the store may share a PostgreSQL database with Dagster.
"""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class CorrectionRow(Base):
    """One correction as recorded: its contract keys as columns, the whole contract as JSON."""

    __tablename__ = "review_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    correction_id: Mapped[str] = mapped_column(String(64), unique=True)
    study: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(500))  # the stable target key (schedule/activity/visit, OID)
    payload: Mapped[str] = mapped_column(Text)  # the Correction contract as JSON
    author: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(40))
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_by: Mapped[str | None] = mapped_column(String(200))
    withdrawn_at: Mapped[str | None] = mapped_column(String(40))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)


class DecisionRow(Base):
    """A reviewer's decision on one published package, bound to its manifest's sha256."""

    __tablename__ = "review_decisions"
    __table_args__ = (
        CheckConstraint("decision IN ('approved', 'rejected')", name="ck_review_decisions_decision"),
        Index("ix_review_decisions_package", "package", "manifest_sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    study: Mapped[str] = mapped_column(String(200), index=True)
    package: Mapped[str] = mapped_column(String(300))  # "<study folder>/<version folder>" in the outbox
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    signer: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[str] = mapped_column(String(40))


class AuditEventRow(Base):
    """One audit event; `row_hash` = sha256(prev_hash + canonical content), so the rows form a chain."""

    __tablename__ = "review_audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60), index=True)
    study: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text)
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)  # no two rows follow the same row
    row_hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHeadRow(Base):
    """The chain's last row, updated in the same transaction as each append: deleting the newest
    events (which no later row's prev_hash names) is then detected too."""

    __tablename__ = "review_audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="ck_review_audit_head_single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    row_hash: Mapped[str] = mapped_column(String(64))
