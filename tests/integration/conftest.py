"""A throwaway PostgreSQL database per test on 127.0.0.1:5432 (user postgres, trust auth).

Per test, not per session: a Dagster instance remembers materializations whose files live in that test's
tmp data directory, so two tests sharing one database would see each other's (missing) files.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

PG = {
    "host": os.environ.get("CRFGEN_TEST_PG_HOST", "127.0.0.1"),
    "port": int(os.environ.get("CRFGEN_TEST_PG_PORT", "5432")),
    "user": os.environ.get("CRFGEN_TEST_PG_USER", "postgres"),
}


def _admin_connection():
    import psycopg2

    connection = psycopg2.connect(dbname="postgres", connect_timeout=3, **PG)
    connection.autocommit = True
    return connection


@pytest.fixture
def pg_database() -> Iterator[dict[str, str]]:
    """Create crfgen_test_<random>; yield the DAGSTER_PG_* environment naming it; drop it afterwards."""
    try:
        admin = _admin_connection()
    except Exception as exc:  # no server: skip locally, fail in CI (never a silent pass)
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but PostgreSQL is unreachable at {PG['host']}:{PG['port']}: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {PG['host']}:{PG['port']}: {exc}")
    name = f"crfgen_test_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {
            "DAGSTER_PG_DB": name,
            "DAGSTER_PG_HOST": PG["host"],
            "DAGSTER_PG_PORT": str(PG["port"]),
            "DAGSTER_PG_USERNAME": PG["user"],
        }
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
