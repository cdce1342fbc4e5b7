"""The protocol job's executor, chosen when a run starts: in-process (default) or Celery workers.

Read from the run worker's environment when the run starts (never at import):
  CRFGEN_EXECUTOR        in_process | celery                                in_process
  CRFGEN_CELERY_BROKER   broker URL (RabbitMQ)                              amqp://guest:guest@127.0.0.1:5672//
  CRFGEN_CELERY_BACKEND  result backend: rpc:// or db+postgresql://...      rpc://
  CRFGEN_CELERY_QUEUE    queue the steps are sent to (workers: -q <queue>)  dagster

With Celery every step runs in a worker process (`dagster-celery worker start -y deploy/celery.yaml`),
which needs the same code, the same CRFGEN_DATA_DIR (stage outputs are files there) and the same
Dagster instance (DAGSTER_HOME, PostgreSQL across machines). See docs/scale-out.md.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

import dagster as dg
from dagster_celery import celery_executor
from pydantic import BaseModel, ValidationError

DEFAULT_BROKER = "amqp://guest:guest@127.0.0.1:5672//"
DEFAULT_BACKEND = "rpc://"
DEFAULT_QUEUE = "dagster"

# Celery app settings for both sides; deploy/celery.yaml repeats them for the workers (a test keeps the
# two equal). A step message is acknowledged when the step has finished, not when a worker takes it, so
# a worker that dies mid-step (SIGKILL, OOM, lost machine) leaves the step queued for another worker;
# one message at a time per worker process, so a dying worker holds no other steps.
CELERY_APP_SETTINGS: dict[str, Any] = {
    "task_acks_late": True,
    "task_reject_on_worker_lost": True,
    "worker_prefetch_multiplier": 1,
}


class UnknownExecutorError(ValueError):
    """CRFGEN_EXECUTOR names no executor this code location offers."""


class ExecutorSettings(BaseModel):
    """Which executor runs protocol_job's steps, and where the Celery broker and results are."""

    kind: Literal["in_process", "celery"] = "in_process"
    broker: str = DEFAULT_BROKER
    backend: str = DEFAULT_BACKEND
    queue: str = DEFAULT_QUEUE

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ExecutorSettings:
        try:
            return cls(
                kind=env.get("CRFGEN_EXECUTOR", "in_process") or "in_process",
                broker=env.get("CRFGEN_CELERY_BROKER") or DEFAULT_BROKER,
                backend=env.get("CRFGEN_CELERY_BACKEND") or DEFAULT_BACKEND,
                queue=env.get("CRFGEN_CELERY_QUEUE") or DEFAULT_QUEUE,
            )
        except ValidationError as exc:
            raise UnknownExecutorError(
                f"CRFGEN_EXECUTOR={env.get('CRFGEN_EXECUTOR')!r}: expected in_process or celery"
            ) from exc

    def celery_config(self) -> dict[str, Any]:
        """The celery_executor config (the same block deploy/celery.yaml gives the workers)."""
        return {
            "broker": self.broker,
            "backend": self.backend,
            "config_source": {**CELERY_APP_SETTINGS, "task_default_queue": self.queue},
        }


def _create_executor(init_context: dg.InitExecutorContext) -> dg.Executor:
    settings = ExecutorSettings.from_env(os.environ)
    if settings.kind == "in_process":
        return dg.in_process_executor.executor_creation_fn(init_context)  # type: ignore[misc]
    celery_context = dg.InitExecutorContext(
        job=init_context.job,
        executor_def=celery_executor,
        executor_config={"retries": init_context.executor_config["retries"], **settings.celery_config()},
        instance=init_context.instance,
    )
    return celery_executor.executor_creation_fn(celery_context)  # type: ignore[misc]


protocol_executor = dg.ExecutorDefinition(
    name="crfgen_protocol",
    config_schema=dg.in_process_executor.config_schema.as_field(),
    executor_creation_fn=_create_executor,
    description="In-process, or Celery workers when CRFGEN_EXECUTOR=celery (read when the run starts).",
)
