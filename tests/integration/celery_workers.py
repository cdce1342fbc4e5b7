"""Celery workers of protocol_job as real processes on the RabbitMQ at 127.0.0.1:5672 (tests, benchmarks).

Each caller uses its own queue name, so runs and workers of other tests (or people) sharing the broker
never take each other's steps. Unreachable RabbitMQ skips locally and fails when CRFGEN_REQUIRE_RABBITMQ=1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CELERY_YAML = REPO_ROOT / "deploy" / "celery.yaml"
BROKER_HOST = os.environ.get("CRFGEN_TEST_RABBITMQ_HOST", "127.0.0.1")
BROKER_PORT = int(os.environ.get("CRFGEN_TEST_RABBITMQ_PORT", "5672"))
BROKER = f"amqp://guest:guest@{BROKER_HOST}:{BROKER_PORT}//"
VENV_BIN = Path(sys.executable).parent


def rabbitmq_unreachable() -> str | None:
    """Return why RabbitMQ cannot be used (None when its AMQP port answers)."""
    try:
        socket.create_connection((BROKER_HOST, BROKER_PORT), timeout=3).close()
    except OSError as exc:
        return f"RabbitMQ not reachable at {BROKER_HOST}:{BROKER_PORT}: {exc}"
    return None


def unique_queue(prefix: str = "crfgen-test") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def celery_env(base: dict[str, str], queue: str, backend: str = "rpc://") -> dict[str, str]:
    """`base` plus the variables that send protocol_job's steps to the workers of `queue`."""
    return {
        **base,
        "CRFGEN_EXECUTOR": "celery",
        "CRFGEN_CELERY_BROKER": BROKER,
        "CRFGEN_CELERY_BACKEND": backend,
        "CRFGEN_CELERY_QUEUE": queue,
    }


def delete_queue(queue: str) -> None:
    """Remove this caller's (durable) queue from the shared broker."""
    from kombu import Connection

    with Connection(BROKER, connect_timeout=10) as connection:
        connection.default_channel.queue_delete(queue)


def start_worker(name: str, queue: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`dagster-celery worker start` (the documented command), one step at a time, in its own session."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                str(VENV_BIN / "dagster-celery"),
                "worker",
                "start",
                "-A",
                "dagster_celery.app",
                "-y",
                str(CELERY_YAML),
                "-q",
                queue,
                "-n",
                name,
                "--",
                "--concurrency=1",
            ],
            cwd=REPO_ROOT,
            env={**env, "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_ready(log: Path, timeout: float = 120.0) -> None:
    """Celery prints `<name> ready.` once it consumes from the broker."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.is_file() and " ready." in log.read_text(errors="replace"):
            return
        time.sleep(0.5)
    raise TimeoutError(f"worker not ready after {timeout:.0f} s: {log.read_text(errors='replace')[-2000:]}")


def kill_worker(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker's whole process group: the wrapper, celery's main process and its pool child."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    """Warm shutdown (SIGTERM: finish the current step), then SIGKILL what is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        kill_worker(process)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
