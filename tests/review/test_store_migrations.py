"""The review store's Alembic chain, both ways, from the `alembic` command as the runbook gives it, on
SQLite (the default under the data directory) and on a throwaway PostgreSQL database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from review_db import throwaway_pg_url

from crfgen_core.review.store.database import (
    VERSION_TABLE,
    ReviewStoreSchemaError,
    current_revision,
    open_engine,
    review_db_url,
    upgrade,
)
from crfgen_core.review.store.models import Base

REPO_ROOT = Path(__file__).resolve().parents[2]
ALEMBIC = str(Path(sys.executable).parent / "alembic")
AUDIT_TABLES = {"review_audit_events", "review_audit_head"}
FIRST_TABLES = {"review_corrections", "review_decisions"}


def _alembic(env: dict[str, str], *arguments: str, cwd: Path = REPO_ROOT) -> str:
    done = subprocess.run(
        [ALEMBIC, *arguments], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {VERSION_TABLE}
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    engine = sa.create_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def _both_ways(env: dict[str, str], url: str, cwd: Path = REPO_ROOT) -> None:
    _alembic(env, "upgrade", "head", cwd=cwd)
    assert _tables(url) == FIRST_TABLES | AUDIT_TABLES and _revision(url) == "0002"
    assert "0002 (head)" in _alembic(env, "current", cwd=cwd)
    _alembic(env, "downgrade", "-1", cwd=cwd)
    assert _tables(url) == FIRST_TABLES and _revision(url) == "0001"
    _alembic(env, "downgrade", "-1", cwd=cwd)
    assert _tables(url) == set() and _revision(url) is None
    _alembic(env, "upgrade", "head", cwd=cwd)
    assert _tables(url) == FIRST_TABLES | AUDIT_TABLES and _revision(url) == "0002"


def _schema_differences(url: str) -> list[object]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRFGEN_REVIEW_")}
    env.update(extra)
    return env


def test_sqlite_under_the_data_dir_upgrades_and_downgrades(tmp_path: Path) -> None:
    env = _clean_env(CRFGEN_DATA_DIR=str(tmp_path / "data"))
    url = review_db_url(tmp_path / "data", env)
    assert url == f"sqlite:///{tmp_path}/data/review/review.sqlite3"
    _both_ways(env, url)
    assert _schema_differences(url) == []  # the models are what the migrations build


def test_alembic_ini_works_outside_the_repository(tmp_path: Path) -> None:
    """The image copies alembic.ini into its WORKDIR: the migrations come from the installed package."""
    workdir = tmp_path / "app"
    workdir.mkdir()
    shutil.copyfile(REPO_ROOT / "alembic.ini", workdir / "alembic.ini")
    env = _clean_env(CRFGEN_DATA_DIR=str(tmp_path / "data"))
    _both_ways(env, review_db_url(tmp_path / "data", env), cwd=workdir)


@pytest.mark.postgres
def test_postgresql_upgrades_and_downgrades() -> None:
    with throwaway_pg_url() as url:
        _both_ways(_clean_env(CRFGEN_REVIEW_DB_URL=url), url)
        assert _schema_differences(url) == []


@pytest.mark.postgres
def test_postgresql_from_the_dagster_variables_shares_the_database_safely(tmp_path: Path) -> None:
    """CRFGEN_REVIEW_PG_DB + DAGSTER_PG_*: a database that already has Dagster's alembic_version keeps it."""
    with throwaway_pg_url() as url:
        parsed = sa.make_url(url)
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"))
            connection.execute(sa.text("INSERT INTO alembic_version VALUES ('dagster_head')"))
        env = _clean_env(
            CRFGEN_REVIEW_PG_DB=str(parsed.database),
            DAGSTER_PG_USERNAME=str(parsed.username),
            DAGSTER_PG_HOST=str(parsed.host),
            DAGSTER_PG_PORT=str(parsed.port),
        )
        assert review_db_url(tmp_path, env) == url
        _alembic(env, "upgrade", "head")
        _alembic(env, "downgrade", "base")
        with engine.connect() as connection:
            assert (
                connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
                == "dagster_head"
            )
        engine.dispose()


@pytest.mark.postgres
def test_a_postgresql_store_is_never_migrated_implicitly() -> None:
    with throwaway_pg_url() as url:
        with pytest.raises(ReviewStoreSchemaError, match="alembic upgrade head"):
            open_engine(url)
        upgrade(url, "0001")
        with pytest.raises(ReviewStoreSchemaError, match="at revision 0001"):
            open_engine(url)
        upgrade(url)
        assert current_revision(open_engine(url)) == "0002"


def test_an_embedded_sqlite_store_migrates_itself(tmp_path: Path) -> None:
    url = review_db_url(tmp_path)
    upgrade(url, "0001")
    assert current_revision(open_engine(url)) == "0002"


@pytest.mark.postgres
def test_db_check_names_an_unmigrated_review_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crfgen_dagster.db_check import run_checks

    with throwaway_pg_url() as url:
        monkeypatch.setenv("CRFGEN_REVIEW_DB_URL", url)
        (check,) = [r for r in run_checks(None, tmp_path) if r.name == "review-store"]
        assert check.status == "FAIL" and "run `alembic upgrade head`" in check.detail
        upgrade(url)
        (check,) = [r for r in run_checks(None, tmp_path) if r.name == "review-store"]
        assert (check.status, check.detail.endswith("at revision 0002 (head)")) == ("OK", True)
