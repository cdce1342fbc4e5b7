"""Which database the review store uses, and an engine for it.

SQLite at `<CRFGEN_DATA_DIR>/review/review.sqlite3` by default (embedded, zero set-up: it is migrated to
the newest schema when first opened). PostgreSQL when configured: `CRFGEN_REVIEW_DB_URL` (a SQLAlchemy
URL, e.g. `postgresql+psycopg2://user:pw@host:5432/db`, the style of `DAGSTER_PG_URL`), or
`CRFGEN_REVIEW_PG_DB` naming a database reached with the Dagster instance's `DAGSTER_PG_USERNAME`,
`DAGSTER_PG_PASSWORD`, `DAGSTER_PG_HOST` and `DAGSTER_PG_PORT` (so compose needs no URL-encoded
password). A PostgreSQL store is never migrated implicitly: `alembic upgrade head` is a deployment step,
and a store behind head refuses to open (ReviewStoreSchemaError) rather than write to an old schema.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

URL_ENV = "CRFGEN_REVIEW_DB_URL"
PG_DB_ENV = "CRFGEN_REVIEW_PG_DB"
PG_DRIVER = "postgresql+psycopg2"  # SQLAlchemy >= 2.1 would default to psycopg 3, which is not installed
SQLITE_RELATIVE = Path("review") / "review.sqlite3"
SCRIPT_LOCATION = "crfgen_core.review.store:migrations"
# Own version table: the store may share a PostgreSQL database with Dagster, whose alembic_version it
# must never read or move.
VERSION_TABLE = "crfgen_review_alembic_version"
# Seconds a writer waits for SQLite's write lock (another process recording an event) before failing.
SQLITE_BUSY_SECONDS = 30.0


class ReviewStoreError(RuntimeError):
    """The review store cannot be used; the message says what to do."""


class ReviewStoreSchemaError(ReviewStoreError):
    """The database's schema is not the one this code needs (not migrated, or newer than this code)."""


def review_db_url(data_dir: Path | None = None, env: Mapping[str, str] | None = None) -> str:
    """Given the data directory and an environment, return the review store's SQLAlchemy URL."""
    env = os.environ if env is None else env
    if env.get(URL_ENV):
        return env[URL_ENV]
    if env.get(PG_DB_ENV):
        url = sa.URL.create(
            PG_DRIVER,
            username=env.get("DAGSTER_PG_USERNAME", "postgres"),
            password=env.get("DAGSTER_PG_PASSWORD") or None,
            host=env.get("DAGSTER_PG_HOST", "127.0.0.1"),
            port=int(env.get("DAGSTER_PG_PORT", "5432")),
            database=env[PG_DB_ENV],
        )
        return url.render_as_string(hide_password=False)
    if data_dir is None:
        # Imported here: the CT store records its changes in the audit trail, which imports this module.
        from crfgen_core.terminology.ct_store import default_data_dir

        data_dir = default_data_dir()
    return f"sqlite:///{data_dir / SQLITE_RELATIVE}"


def describe(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    return sa.make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> sa.Engine:
    """Given a URL, return an engine; SQLite transactions take the write lock when they begin, so the
    audit chain's read-last-hash-then-insert is never interleaved with another process's."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_SECONDS})

    @sa.event.listens_for(engine, "connect")
    def _manual_transactions(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own BEGIN is deferred and skipped before DDL; we issue BEGIN IMMEDIATE ourselves.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @sa.event.listens_for(engine, "begin")
    def _begin_immediate(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def alembic_config(url: str) -> Config:
    """The Alembic configuration for `url` (what alembic.ini at the repository root amounts to)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    head = _scripts().get_current_head()
    if head is None:
        raise ReviewStoreSchemaError("the review store has no migrations")
    return head


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


_engines: dict[str, sa.Engine] = {}
_engines_lock = threading.Lock()


def _drop_inherited_connections() -> None:
    # A forked worker (Celery prefork) must not use the parent's pooled connections; close=False leaves
    # them to the parent.
    for engine in _engines.values():
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_drop_inherited_connections)


def open_engine(url: str) -> sa.Engine:
    """Given a URL, return this process's engine for it, the schema at head (SQLite is migrated here;
    PostgreSQL must have been migrated by `alembic upgrade head`)."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is not None:
            return engine
        engine = make_engine(url)
        try:
            _check_schema(engine, url)
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            raise ReviewStoreError(f"review store {describe(url)} unreachable: {exc}") from exc
        except BaseException:
            engine.dispose()
            raise
        _engines[url] = engine
        return engine


def _check_schema(engine: sa.Engine, url: str) -> None:
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return
    known = current is None or current in {script.revision for script in _scripts().walk_revisions()}
    if engine.dialect.name == "sqlite" and known:
        upgrade(url)
        return
    if not known:
        raise ReviewStoreSchemaError(
            f"review store {describe(url)} is at revision {current}, unknown to this code (newer?); "
            "run the release that migrated it, or `alembic downgrade` with that release"
        )
    raise ReviewStoreSchemaError(
        f"review store {describe(url)} is at revision {current or 'none (empty)'}, this code needs {head}; "
        "run `alembic upgrade head` (see deploy/RUNBOOK.md)"
    )


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))
