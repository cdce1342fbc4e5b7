"""The review store: SQLAlchemy tables (corrections, review decisions, audit events) under Alembic."""
