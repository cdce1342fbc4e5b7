"""Instance storage chosen from the environment: PostgreSQL when configured, else SQLite under DAGSTER_HOME.

dagster.yaml cannot branch on the environment, so the local dagster.yaml names this class. The choice
is made when the instance loads (never at import): `DAGSTER_PG_URL`, or `DAGSTER_PG_DB` with
`DAGSTER_PG_USERNAME` / `DAGSTER_PG_PASSWORD` / `DAGSTER_PG_HOST` / `DAGSTER_PG_PORT` (the names
deploy/dagster.yaml uses), select dagster-postgres with the psycopg2 driver; otherwise SQLite.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from dagster._core.storage.base_storage import DagsterStorage
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage
from dagster._serdes import ConfigurableClass, ConfigurableClassData

PG_SCHEME = "postgresql+psycopg2"  # SQLAlchemy >= 2.1 would default to psycopg 3, which is not installed


def postgres_url_from_env(env: Mapping[str, str]) -> str | None:
    """Given an environment, return the PostgreSQL URL it configures, or None for SQLite."""
    if env.get("DAGSTER_PG_URL"):
        return env["DAGSTER_PG_URL"]
    if not env.get("DAGSTER_PG_DB"):
        return None
    from dagster_postgres.utils import get_conn_string

    return get_conn_string(
        username=env.get("DAGSTER_PG_USERNAME", "postgres"),
        password=env.get("DAGSTER_PG_PASSWORD", ""),
        hostname=env.get("DAGSTER_PG_HOST", "127.0.0.1"),
        port=env.get("DAGSTER_PG_PORT", "5432"),
        db_name=env["DAGSTER_PG_DB"],
        scheme=PG_SCHEME,
    )


class EnvSelectedStorage(DagsterStorage, ConfigurableClass):
    """Named in dagster.yaml, never instantiated: `from_config_value` returns the real storage."""

    @classmethod
    def config_type(cls) -> dict[str, Any]:
        from dagster import Field, StringSource

        return {"sqlite_base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value: Mapping[str, Any]) -> Any:
        url = postgres_url_from_env(os.environ)
        if url is not None:
            from dagster_postgres import DagsterPostgresStorage

            storage: DagsterStorage = DagsterPostgresStorage(postgres_url=url, inst_data=inst_data)
            return storage
        home = os.environ.get("DAGSTER_HOME") or os.getcwd()
        base_dir = config_value.get("sqlite_base_dir") or os.path.join(home, "storage")
        return DagsterSqliteStorage.from_local(base_dir=base_dir, inst_data=inst_data)
