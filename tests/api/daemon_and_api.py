"""`dagster-daemon` and `crf-gen-api` as real processes on the production instance configuration
(deploy/dagster.yaml) against one PostgreSQL database on 127.0.0.1:5432; shared by
tests/api/test_api_processes.py and benchmarks/bench_api_load.py (which puts this folder on sys.path)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import psycopg2

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def admin(statement: str) -> None:
    """Run one statement on the server's `postgres` database, outside a transaction (CREATE/DROP DATABASE)."""
    connection = psycopg2.connect(dbname="postgres", connect_timeout=5, **PG)  # type: ignore[arg-type]
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def instance_env(root: Path, database: str, **extra: str) -> dict[str, str]:
    """Given an empty folder and a database, return the processes' environment: DAGSTER_HOME (with
    deploy/dagster.yaml), data and logs folders under root; `extra` adds or overrides variables."""
    home, data = root / "dagster_home", root / "data"
    for folder in (home, data, root / "logs"):
        folder.mkdir()
    shutil.copyfile(REPO / "deploy" / "dagster.yaml", home / "dagster.yaml")
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_USERNAME": str(PG["user"]),
        "DAGSTER_PG_PASSWORD": "",
        "DAGSTER_PG_HOST": str(PG["host"]),
        "DAGSTER_PG_PORT": str(PG["port"]),
        "DAGSTER_PG_DB": database,
        "DAGSTER_MAX_CONCURRENT_RUNS": "2",
        "DAGSTER_COMPUTE_LOG_DIR": str(root / "storage" / "compute_logs"),
        "DAGSTER_ARTIFACT_DIR": str(root / "storage" / "artifacts"),
        "CRFGEN_DATA_DIR": str(data),
        "CRFGEN_INBOX_INTERVAL_SECONDS": "1",
        "CRFGEN_SETTLE_SECONDS": "1",
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def api_token(env: dict[str, str], name: str, role: str) -> str:
    """A new API token, created with the CLI the runbook uses."""
    return subprocess.run(
        [str(BIN / "crf-gen"), "api-token", "create", "--name", name, "--role", role],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def start_daemon_and_api(env: dict[str, str], port: int, logs: Path) -> list[subprocess.Popen[bytes]]:
    """The daemon (its sensor takes the inbox) and uvicorn on `port`, each in its own process group
    with its output in `logs/<name>.log`."""
    commands = {
        "daemon": [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
        "api": [str(BIN / "crf-gen-api"), "--port", str(port), "--log-level", "warning"],
    }
    processes = []
    for name, command in commands.items():
        with (logs / f"{name}.log").open("wb") as log:
            processes.append(
                subprocess.Popen(
                    command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
    return processes


def stop(process: subprocess.Popen[bytes]) -> None:
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            break
        os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # run workers left in the group
