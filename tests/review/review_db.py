"""Helpers for the review store tests: a throwaway PostgreSQL database, a published example package.

The PostgreSQL server on 127.0.0.1:5432 is shared: a test creates its own database and drops it after.
Unreachable PostgreSQL skips locally and fails under CI / CRFGEN_REQUIRE_POSTGRES=1 (never a silent pass).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest
import sqlalchemy as sa

from crfgen_core.model.design import CRFDesign
from crfgen_core.publication.publisher import Publication, publish_package

PG_HOST = os.environ.get("CRFGEN_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("CRFGEN_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("CRFGEN_TEST_PG_USER", "postgres")


def _admin() -> psycopg2.extensions.connection:
    connection = psycopg2.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=5
    )
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    return connection


@contextmanager
def throwaway_pg_url() -> Iterator[str]:
    """Create an empty database; yield its SQLAlchemy URL; drop it (and its sessions) afterwards."""
    try:
        admin = _admin()
    except psycopg2.OperationalError as exc:
        reason = f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}: {exc}".strip()
        if os.environ.get("CI") or os.environ.get("CRFGEN_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required here (CI / CRFGEN_REQUIRE_POSTGRES) but {reason}")
        pytest.skip(reason)
    name = f"crfgen_review_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield sa.URL.create(
            "postgresql+psycopg2", username=PG_USER, host=PG_HOST, port=PG_PORT, database=name
        ).render_as_string(hide_password=False)
    finally:
        from crfgen_core.review.store import database

        for url in [u for u in database._engines if name in u]:  # the process cache holds connections
            database._engines.pop(url).dispose()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def publish(design: CRFDesign, data_dir: Path) -> Publication:
    """Publish the design (no rendered files: the manifest and crf_design.json are enough) to the outbox."""
    return publish_package(design, [], data_dir / "outbox")
