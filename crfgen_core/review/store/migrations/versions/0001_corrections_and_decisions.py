"""Corrections and review decisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_corrections",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("correction_id", sa.String(64), nullable=False, unique=True),
        sa.Column("study", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("key", sa.String(500), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("withdrawn_by", sa.String(200), nullable=True),
        sa.Column("withdrawn_at", sa.String(40), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_review_corrections_study", "review_corrections", ["study"])
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("study", sa.String(200), nullable=False),
        sa.Column("package", sa.String(300), nullable=False),
        sa.Column("manifest_sha256", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("signer", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.String(40), nullable=False),
        sa.CheckConstraint("decision IN ('approved', 'rejected')", name="ck_review_decisions_decision"),
    )
    op.create_index("ix_review_decisions_study", "review_decisions", ["study"])
    op.create_index("ix_review_decisions_package", "review_decisions", ["package", "manifest_sha256"])


def downgrade() -> None:
    op.drop_index("ix_review_decisions_package", table_name="review_decisions")
    op.drop_index("ix_review_decisions_study", table_name="review_decisions")
    op.drop_table("review_decisions")
    op.drop_index("ix_review_corrections_study", table_name="review_corrections")
    op.drop_table("review_corrections")
