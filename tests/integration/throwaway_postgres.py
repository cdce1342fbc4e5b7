"""A throwaway PostgreSQL database per test on the shared server; a DAGSTER_HOME using deploy/dagster.yaml.

The server on 127.0.0.1:5432 is shared by other tests and people: tests create their own database and
drop it afterwards; they never stop or reconfigure the server. Unreachable PostgreSQL skips the test
locally and fails it in CI (CI=true or CRFGEN_REQUIRE_POSTGRES=1), so a missing service cannot pass silently.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_DAGSTER_YAML = REPO_ROOT / "deploy" / "dagster.yaml"
PG_HOST = os.environ.get("CRFGEN_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("CRFGEN_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("CRFGEN_TEST_PG_USER", "postgres")
PG_PASSWORD = os.environ.get("CRFGEN_TEST_PG_PASSWORD", "")
VENV_BIN = Path(sys.executable).parent


def admin_connection() -> psycopg2.extensions.connection:
    conn = psycopg2.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, password=PG_PASSWORD, dbname="postgres", connect_timeout=5
    )
    conn.autocommit = True  # CREATE/DROP DATABASE cannot run inside a transaction
    return conn


def require_postgres() -> None:
    try:
        admin_connection().close()
    except psycopg2.OperationalError as exc:
        reason = f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}: {exc}".strip()
        if os.environ.get("CI") or os.environ.get("CRFGEN_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required here (CI / CRFGEN_REQUIRE_POSTGRES) but {reason}")
        pytest.skip(reason)


def admin_sql(statement: str) -> None:
    conn = admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Create an empty database with a unique name; drop it (and its sessions) afterwards."""
    require_postgres()
    name = f"crfgen_test_{uuid.uuid4().hex[:12]}"
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def production_instance_env(db_name: str, root: Path) -> dict[str, str]:
    """Environment for a process using deploy/dagster.yaml against `db_name`, everything else under root.

    Mirrors deploy/.env.example: the same variable names the compose services receive.
    """
    home = root / "dagster_home"
    home.mkdir(parents=True)
    shutil.copyfile(PRODUCTION_DAGSTER_YAML, home / "dagster.yaml")
    data_dir = root / "data"
    for sub in ("inbox", "quarantine", "protocols", "ct", "outbox"):
        (data_dir / sub).mkdir(parents=True)
    env = dict(os.environ)
    env.update(
        DAGSTER_HOME=str(home),
        DAGSTER_PG_USERNAME=PG_USER,
        DAGSTER_PG_PASSWORD=PG_PASSWORD,
        DAGSTER_PG_HOST=PG_HOST,
        DAGSTER_PG_PORT=str(PG_PORT),
        DAGSTER_PG_DB=db_name,
        DAGSTER_MAX_CONCURRENT_RUNS="4",
        DAGSTER_COMPUTE_LOG_DIR=str(root / "storage" / "compute_logs"),
        DAGSTER_ARTIFACT_DIR=str(root / "storage" / "artifacts"),
        CRFGEN_DATA_DIR=str(data_dir),
        DAGSTER_DISABLE_TELEMETRY="1",
        PYTHONUNBUFFERED="1",
    )
    return env
