"""`crf-gen db-check` against real PostgreSQL databases configured by the production deploy/dagster.yaml."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from throwaway_postgres import (
    PG_HOST,
    PG_PASSWORD,
    PG_PORT,
    PG_USER,
    VENV_BIN,
    free_port,
    production_instance_env,
    throwaway_database,
)

from crfgen_dagster.db_check import run_checks

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def crf_gen_db_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "crf-gen"), "db-check"], env=env, capture_output=True, text=True, timeout=120
    )


def dagster_instance_migrate(env: dict[str, str]) -> None:
    done = subprocess.run(
        [str(VENV_BIN / "dagster"), "instance", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def fail_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("FAIL ")]


def test_fresh_database_needs_migrating_and_passes_after_migrate(tmp_path: Path) -> None:
    with throwaway_database() as db_name:
        env = production_instance_env(db_name, tmp_path)

        before = crf_gen_db_check(env)
        assert before.returncode == 1
        assert [line.split(":")[0] for line in fail_lines(before.stdout)] == ["FAIL schema"]
        assert "not initialised" in before.stdout and "dagster instance migrate" in before.stdout
        assert "Traceback" not in before.stdout + before.stderr
        # The check only reads: the database is still empty afterwards.
        assert "FAIL schema" in crf_gen_db_check(env).stdout

        dagster_instance_migrate(env)

        after = crf_gen_db_check(env)
        assert after.returncode == 0, after.stdout + after.stderr
        assert "OK schema: schema at revision" in after.stdout
        assert fail_lines(after.stdout) == []


def test_schema_older_than_installed_dagster_needs_migrating(tmp_path: Path) -> None:
    """An image upgrade brings a newer Dagster: the database is one alembic revision behind."""
    from dagster._core.storage.sql import run_alembic_downgrade
    from dagster_postgres.run_storage import run_storage
    from dagster_postgres.utils import pg_alembic_config

    with throwaway_database() as db_name:
        env = production_instance_env(db_name, tmp_path)
        dagster_instance_migrate(env)
        url = f"postgresql://{PG_USER}:{PG_PASSWORD}@{PG_HOST}:{PG_PORT}/{db_name}"
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                run_alembic_downgrade(pg_alembic_config(run_storage.__file__), conn, rev="-1")
                conn.commit()
        finally:
            engine.dispose()

        behind = crf_gen_db_check(env)
        assert behind.returncode == 1
        [line] = fail_lines(behind.stdout)
        assert line.startswith("FAIL schema: needs migrating: storage at schema revision ")
        assert "dagster instance migrate" in line

        dagster_instance_migrate(env)
        assert crf_gen_db_check(env).returncode == 0


def test_unreachable_postgres_fails_with_the_connection_reason(tmp_path: Path) -> None:
    """A closed port answers exactly as a stopped server does: connection refused."""
    with throwaway_database() as db_name:
        env = production_instance_env(db_name, tmp_path)
        env["DAGSTER_PG_PORT"] = str(free_port())

        done = crf_gen_db_check(env)

        assert done.returncode == 1
        [line] = fail_lines(done.stdout)
        assert line.startswith(
            f"FAIL storage: cannot connect to PostgreSQL at {PG_HOST}:{env['DAGSTER_PG_PORT']}/"
        )
        assert "Connection refused" in line
        assert "SKIP schema: storage unreachable" in done.stdout
        assert "Traceback" not in done.stdout + done.stderr


def test_missing_environment_variable_is_named(tmp_path: Path) -> None:
    with throwaway_database() as db_name:
        env = production_instance_env(db_name, tmp_path)
        del env["DAGSTER_PG_HOST"]

        done = crf_gen_db_check(env)

        assert done.returncode == 1
        [line] = fail_lines(done.stdout)
        assert line.startswith("FAIL instance:") and '"DAGSTER_PG_HOST" which is not set' in line


@pytest.mark.parametrize("data_dir_name", [None, "missing"])
def test_data_dir_must_exist(tmp_path: Path, data_dir_name: str | None) -> None:
    data_dir = tmp_path / data_dir_name if data_dir_name else None

    results = {r.name: r for r in run_checks(dagster_home=None, data_dir=data_dir)}

    assert results["data-dir"].status == "FAIL"
    assert ("not set" if data_dir is None else "does not exist") in results["data-dir"].detail
    assert results["instance"].status == "FAIL" and "DAGSTER_HOME is not set" in results["instance"].detail
