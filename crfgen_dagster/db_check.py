"""`crf-gen db-check`: is this deployment's Dagster storage, data directory and CT usable?

Registered as a `crfgen.cli` plugin so that crfgen_core never imports Dagster. Every check prints one
line (`OK <check>: ...`, `FAIL <check>: <reason>` or `SKIP <check>: <why>`); the exit status is 1 when
any check failed. The check only reads: it never creates tables, directories or CT versions.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

# Sub-folders of the data directory that the pipeline writes to (DESIGN.md, "Storage").
DATA_SUBDIRS = (
    "inbox",
    "quarantine",
    "protocols",
    "ct",
    "outbox",
    "ledger",
    "work",
    "stages",
    "reports",
    "review",
)
# Seconds to wait for PostgreSQL: a health check must answer, not hang, when the server is gone.
DEFAULT_CONNECT_TIMEOUT = 5
MIGRATE_HINT = "run `dagster instance migrate` (after a pg_dump, see deploy/RUNBOOK.md)"


class CheckFailed(Exception):
    """A check found a problem; the message is the one-line reason shown to the operator."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: str  # "OK", "FAIL" or "SKIP"
    detail: str

    def line(self) -> str:
        return f"{self.status} {self.name}: {self.detail}"


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "db-check",
        help="check the Dagster storage schema, the data directory and the CT store",
        description="Exit 0 when the deployment is usable; otherwise print `FAIL <check>: <reason>` lines.",
    )
    parser.add_argument(
        "--dagster-home",
        type=Path,
        default=None,
        help="folder holding dagster.yaml (default: $DAGSTER_HOME)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="the pipeline's data directory (default: $CRFGEN_DATA_DIR)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    results = run_checks(
        dagster_home=args.dagster_home or _env_path("DAGSTER_HOME"),
        data_dir=args.data_dir or _env_path("CRFGEN_DATA_DIR"),
    )
    for result in results:
        print(result.line(), flush=True)
    return 1 if any(r.status == "FAIL" for r in results) else 0


def run_checks(dagster_home: Path | None, data_dir: Path | None) -> list[CheckResult]:
    """Given DAGSTER_HOME and the data directory, run every check and return one result per check."""
    results: list[CheckResult] = []
    storage = _attempt(results, "instance", lambda: _load_storage(dagster_home))
    if storage is None:
        results.append(CheckResult("storage", "SKIP", "no instance configuration to connect with"))
        results.append(CheckResult("schema", "SKIP", "no instance configuration to connect with"))
    elif _attempt(results, "storage", lambda: _check_connection(storage)) is None:
        results.append(CheckResult("schema", "SKIP", "storage unreachable"))
    else:
        _attempt(results, "schema", lambda: _check_schema(storage))
    _attempt(results, "data-dir", lambda: _check_data_dir(data_dir))
    if data_dir is None and not _review_store_configured():
        results.append(CheckResult("review-store", "SKIP", "no data directory to find it in"))
    else:
        _attempt(results, "review-store", lambda: _check_review_store(data_dir))
    _attempt(results, "ct", _check_ct)
    return results


def _attempt(results: list[CheckResult], name: str, check: Callable[[], Any]) -> Any:
    """Run one check; record OK with its description or FAIL with a one-line reason, never raise."""
    try:
        value = check()
    except CheckFailed as exc:
        results.append(CheckResult(name, "FAIL", str(exc)))
        return None
    except Exception as exc:  # an operator tool reports, it does not print tracebacks
        results.append(CheckResult(name, "FAIL", _one_line(exc)))
        return None
    detail = value[1] if isinstance(value, tuple) else str(value)
    results.append(CheckResult(name, "OK", detail))
    return value


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value) if value else None


def _one_line(exc: BaseException) -> str:
    """The most specific message in an exception chain, squeezed onto one line."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    orig = getattr(exc, "orig", None)  # SQLAlchemy wraps the driver's error
    message = str(orig if orig is not None else exc)
    text = " ".join(part.strip() for part in message.splitlines() if part.strip())
    return f"{type(orig if orig is not None else exc).__name__}: {text}" if text else type(exc).__name__


# --- instance and storage -------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedStorage:
    storage: Any  # a dagster DagsterStorage, built with table auto-creation switched off
    url: str | None  # SQLAlchemy URL when the storage is PostgreSQL
    where: str  # what to name in messages, without the password


def _load_storage(dagster_home: Path | None) -> tuple[LoadedStorage, str]:
    # Imported here so `crf-gen --help` and the other sub-commands do not pay for importing Dagster.
    from dagster._core.errors import DagsterInvalidConfigError
    from dagster._core.instance.ref import InstanceRef  # no public accessor for the parsed dagster.yaml
    from dagster._serdes import ConfigurableClassData

    if dagster_home is None:
        raise CheckFailed("DAGSTER_HOME is not set (it must name the folder holding dagster.yaml)")
    if not (dagster_home / "dagster.yaml").is_file():
        raise CheckFailed(f"no dagster.yaml in DAGSTER_HOME={dagster_home}")
    try:
        ref = InstanceRef.from_dir(str(dagster_home))
    except DagsterInvalidConfigError as exc:
        raise CheckFailed(f"{dagster_home / 'dagster.yaml'}: {_config_errors(exc)}") from exc
    data = ref.storage_data
    if data is None:
        raise CheckFailed(f"{dagster_home / 'dagster.yaml'} configures no storage")
    config = yaml.safe_load(data.config_yaml) or {}
    is_postgres = data.module_name.startswith("dagster_postgres")
    if is_postgres:
        # A check must not create the schema it is checking.
        config["should_autocreate_tables"] = False
        if "postgres_db" in config:
            params = config["postgres_db"].setdefault("params", {}) or {}
            params.setdefault("connect_timeout", DEFAULT_CONNECT_TIMEOUT)
            config["postgres_db"]["params"] = params
    try:
        storage: Any = ConfigurableClassData(
            data.module_name, data.class_name, yaml.safe_dump(config)
        ).rehydrate()
    except DagsterInvalidConfigError as exc:
        raise CheckFailed(f"{dagster_home / 'dagster.yaml'} storage: {_config_errors(exc)}") from exc
    url = storage.run_storage.postgres_url if is_postgres else None
    where = _describe(url) if url else data.class_name
    loaded = LoadedStorage(storage=storage, url=url, where=where)
    return loaded, f"{data.class_name} from {dagster_home / 'dagster.yaml'}"


def _describe(url: str) -> str:
    parsed = sa.engine.make_url(url)
    return f"{parsed.host}:{parsed.port or 5432}/{parsed.database} (user {parsed.username})"


def _config_errors(exc: Any) -> str:
    """Dagster's config errors embed a stack trace; keep each error's own sentence."""
    reasons = []
    for error in getattr(exc, "errors", None) or [exc]:
        message = str(getattr(error, "message", error)).split("Stack Trace")[0]
        # "Post processing at path root:x of original value {..} failed: <Type>: <what happened>"
        message = message.rsplit("Error: ", 1)[-1]
        reasons.append(" ".join(message.split()))
    return "; ".join(reasons)


@contextmanager
def _connect(url: str) -> Iterator[sa.Connection]:
    # One attempt with a timeout: Dagster's own connect retries and logs a warning per attempt.
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def _check_connection(loaded_value: tuple[LoadedStorage, str]) -> str:
    loaded = loaded_value[0]
    if loaded.url is None:
        return f"{loaded.where} (local files)"
    try:
        with _connect(loaded.url) as conn:
            server = conn.execute(sa.text("show server_version")).scalar()
    except sa.exc.SQLAlchemyError as exc:
        raise CheckFailed(f"cannot connect to PostgreSQL at {loaded.where}: {_one_line(exc)}") from exc
    return f"PostgreSQL {server} at {loaded.where}"


def _required_tables() -> set[str]:
    from dagster._core.storage.event_log.schema import SqlEventLogStorageMetadata
    from dagster._core.storage.runs.schema import RunStorageSqlMetadata
    from dagster._core.storage.schedules.schema import ScheduleStorageSqlMetadata

    return {
        *RunStorageSqlMetadata.tables,
        *SqlEventLogStorageMetadata.tables,
        *ScheduleStorageSqlMetadata.tables,
    }


def _check_schema(loaded_value: tuple[LoadedStorage, str]) -> str:
    loaded = loaded_value[0]
    if loaded.url is not None:
        with _connect(loaded.url) as conn:
            present = set(sa.inspect(conn).get_table_names())
        if "runs" not in present and "event_logs" not in present:
            raise CheckFailed(
                f"no Dagster tables in {loaded.where}: the database is not initialised; {MIGRATE_HINT}"
            )
        missing = sorted(_required_tables() - present)
        if missing:
            raise CheckFailed(f"tables missing in {loaded.where}: {', '.join(missing)}; {MIGRATE_HINT}")
    storage = loaded.storage
    revisions: dict[str, tuple[Any, Any]] = {
        "run": storage.run_storage.alembic_version(),
        "event log": storage.event_log_storage.alembic_version(),
        "schedule": storage.schedule_storage.alembic_version(),
    }
    behind = {name: rev for name, rev in revisions.items() if rev[0] != rev[1]}
    if behind:
        current, head = next(iter(behind.values()))
        from dagster.version import __version__ as dagster_version

        which = "" if len(behind) == len(revisions) else f" ({', '.join(behind)})"
        raise CheckFailed(
            f"needs migrating: storage{which} at schema revision {current}, Dagster {dagster_version} "
            f"needs {head}; {MIGRATE_HINT}"
        )
    return f"schema at revision {revisions['run'][1]} (head of the installed Dagster)"


# --- data directory and controlled terminology ----------------------------------------------------


def _check_data_dir(data_dir: Path | None) -> str:
    if data_dir is None:
        raise CheckFailed("CRFGEN_DATA_DIR is not set (and no --data-dir given)")
    if not data_dir.is_dir():
        raise CheckFailed(f"data directory {data_dir} does not exist")
    checked = [data_dir] + [data_dir / sub for sub in DATA_SUBDIRS if (data_dir / sub).is_dir()]
    for folder in checked:
        _probe_write(folder)
    return f"{data_dir} writable ({', '.join(p.name for p in checked[1:]) or 'no sub-folders yet'})"


def _probe_write(folder: Path) -> None:
    """Create and remove a file: the only honest test of writability (ACLs, read-only mounts, quotas)."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".db-check-", delete=True) as handle:
            handle.write(b"ok")
            handle.flush()
    except OSError as exc:
        raise CheckFailed(f"{folder} is not writable: {exc.strerror or exc}") from exc


def _review_store_configured() -> bool:
    from crfgen_core.review.store.database import PG_DB_ENV, URL_ENV

    return bool(os.environ.get(URL_ENV) or os.environ.get(PG_DB_ENV))


def _check_review_store(data_dir: Path | None) -> str:
    """The review store (corrections, sign-off, audit trail) is reachable and its schema at head; an
    embedded SQLite store not made yet, or behind, is migrated by the code on first use."""
    from crfgen_core.review.store.database import current_revision, describe, head_revision, review_db_url

    url = review_db_url(data_dir)
    parsed = sa.engine.make_url(url)
    head = head_revision()
    if parsed.get_backend_name() == "sqlite":
        if not Path(parsed.database or "").is_file():
            return f"{describe(url)}: not created yet (made at revision {head} on first use)"
        connect_args: dict[str, Any] = {}
    else:
        connect_args = {"connect_timeout": DEFAULT_CONNECT_TIMEOUT}
    engine = sa.create_engine(parsed, poolclass=sa.pool.NullPool, connect_args=connect_args)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    if current == head:
        return f"{describe(url)} at revision {head} (head)"
    if parsed.get_backend_name() == "sqlite":
        return f"{describe(url)} at revision {current or 'none'}: migrated to {head} on first use"
    raise CheckFailed(
        f"{describe(url)} at revision {current or 'none (empty)'}, this code needs {head}; "
        "run `alembic upgrade head` (deploy/RUNBOOK.md)"
    )


def _check_ct() -> str:
    # The bundled SDTM snapshot is the first version of the CT store; it must load for any run to start.
    from crfgen_core.terminology.bundled import load_bundled_ct

    index = load_bundled_ct()
    if len(index) == 0:
        raise CheckFailed(f"bundled SDTM CT {index.ref.version} has no codelists")
    return f"SDTM CT {index.ref.version} ({len(index)} codelists, bundled snapshot)"
