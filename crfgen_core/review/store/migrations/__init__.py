"""Alembic migrations of the review store (`alembic upgrade head` with alembic.ini at the root)."""
