"""protocol_job through Celery: two real workers on the real RabbitMQ, the instance on PostgreSQL.

The run is started the way the run launcher starts it (a separate process, `dagster job execute`), with
CRFGEN_EXECUTOR=celery; every step is a message on this test's own queue, taken by one of two
`dagster-celery worker start` processes. Then a worker is SIGKILLed while it runs a step: the step must
run again on the other worker, and exactly one package must be published and pass `crf-gen audit`.
The OCR pool starts at limit 0: parsed_protocol must wait for a slot (no worker gets it) until it is 1.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
import yaml
from celery_workers import (
    CELERY_YAML,
    VENV_BIN,
    celery_env,
    delete_queue,
    kill_worker,
    rabbitmq_unreachable,
    start_worker,
    stop_worker,
    unique_queue,
    wait_until_ready,
)
from throwaway_postgres import REPO_ROOT, production_instance_env, throwaway_database

from crfgen_core.examples import example_protocol_path
from crfgen_dagster.defs.ingestion.assets import OCR_POOL
from crfgen_dagster.defs.jobs import REFERENCE_ASSETS
from crfgen_dagster.defs.partitions import PROTOCOL_VERSIONS
from crfgen_dagster.inbox import register_protocol
from crfgen_dagster.protocol_executor import CELERY_APP_SETTINGS

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

# The longest step of the bundled example (~4 s here, most of it importing Great Expectations): the
# worker running it is killed while it runs.
KILLED_STEP = "crf_design"


@pytest.fixture
def broker() -> None:
    reason = rabbitmq_unreachable()
    if reason is None:
        return
    if os.environ.get("CRFGEN_REQUIRE_RABBITMQ") == "1":
        pytest.fail(f"CRFGEN_REQUIRE_RABBITMQ=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def instance_env(tmp_path: Path, broker: None) -> Iterator[dict[str, str]]:
    with throwaway_database() as db_name:
        yield production_instance_env(db_name, tmp_path)


def prepare_partition(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    """Materialize the reference data in-process and register the bundled protocol; return its key."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    from crfgen_dagster.definitions import defs
    from crfgen_dagster.defs.resources import settings_from_env

    data_dir = Path(env["CRFGEN_DATA_DIR"])
    assets = [a for a in defs().assets or [] if isinstance(a, dg.AssetsDefinition)]
    with dg.DagsterInstance.get() as instance:
        dg.materialize(
            assets, selection=list(REFERENCE_ASSETS), instance=instance, resources=settings_from_env(env)
        )
        accepted = register_protocol(example_protocol_path("pdf"), data_dir)
        instance.add_dynamic_partitions(PROTOCOL_VERSIONS, [accepted.partition_key])
    return accepted.partition_key


def launch_run(env: dict[str, str], partition: str, log: Path) -> subprocess.Popen[bytes]:
    """The run worker: `dagster job execute` in its own process, as the run launcher would start it."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                str(VENV_BIN / "dagster"),
                "job",
                "execute",
                "-m",
                "crfgen_dagster.definitions",
                "-j",
                "protocol_job",
                "--tags",
                json.dumps({"dagster/partition": partition}),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def step_workers(instance: dg.DagsterInstance, run_id: str) -> list[tuple[str, str]]:
    """(step key, Celery worker) of every `Executing steps ... in celery worker` event, in order."""
    found = []
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        event = record.dagster_event
        if event is None or "in celery worker" not in (event.message or ""):
            continue
        metadata = event.engine_event_data.metadata
        found.append((event.step_key or "", str(metadata["Celery worker"].value)))
    return found


def step_events(
    instance: dg.DagsterInstance, run_id: str, step_key: str, kind: str = "STEP_START"
) -> list[dg.EventLogEntry]:
    return [
        record
        for record in instance.all_logs(run_id, of_type=dg.DagsterEventType(kind))
        if record.step_key == step_key
    ]


def packages(data_dir: Path) -> list[Path]:
    return sorted(p.parent for p in (data_dir / "outbox").glob("*/*/manifest.json"))


def audit(package: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "crf-gen"), "audit", str(package)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_worker_settings_match_the_executor() -> None:
    """deploy/celery.yaml gives the workers the settings the executor sends with (acks_late etc.)."""
    config = yaml.safe_load(CELERY_YAML.read_text())["execution"]["config"]
    assert config["config_source"] == CELERY_APP_SETTINGS
    assert config["broker"] == {"env": "CRFGEN_CELERY_BROKER"}
    assert config["backend"] == {"env": "CRFGEN_CELERY_BACKEND"}


def test_protocol_job_on_two_celery_workers_survives_a_killed_worker(
    instance_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = unique_queue()
    env = celery_env(instance_env, queue)
    partition = prepare_partition(env, monkeypatch)
    data_dir = Path(env["CRFGEN_DATA_DIR"])
    logs = {name: tmp_path / f"{name}.log" for name in ("w1", "w2", "run")}
    workers = {name: start_worker(f"{name}-{queue}", queue, env, logs[name]) for name in ("w1", "w2")}
    try:
        for name in workers:
            wait_until_ready(logs[name])
        killed, pool_waited = "", False
        with dg.DagsterInstance.get() as instance:
            instance.event_log_storage.set_concurrency_slots(OCR_POOL, 0)
            run = launch_run(env, partition, logs["run"])
            deadline = time.monotonic() + 300
            while run.poll() is None and time.monotonic() < deadline:
                runs = instance.get_run_records(dg.RunsFilter(job_name="protocol_job"))
                taken = step_workers(instance, runs[0].dagster_run.run_id) if runs else []
                if (
                    not pool_waited
                    and instance.event_log_storage.get_concurrency_info(OCR_POOL).pending_step_count
                ):
                    # the run asked for an OCR slot and got none: the step was not sent to any worker
                    assert "parsed_protocol" not in {step for step, _ in taken}
                    pool_waited = True
                    instance.event_log_storage.set_concurrency_slots(OCR_POOL, 1)
                hosts = [host for step, host in taken if step == KILLED_STEP]
                if hosts and not killed and step_events(instance, runs[0].dagster_run.run_id, KILLED_STEP):
                    killed = next(name for name in workers if hosts[0].startswith(f"{name}-"))
                    kill_worker(workers[killed])
                time.sleep(0.1)
            assert run.wait(timeout=max(1.0, deadline - time.monotonic())) == 0, logs["run"].read_text()[
                -3000:
            ]
            record = instance.get_run_records(dg.RunsFilter(job_name="protocol_job"))[0]
            assert record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
            taken = step_workers(instance, record.dagster_run.run_id)
            started = step_events(instance, record.dagster_run.run_id, KILLED_STEP)
            succeeded = step_events(instance, record.dagster_run.run_id, KILLED_STEP, "STEP_SUCCESS")
    finally:
        for process in workers.values():
            stop_worker(process)
        delete_queue(queue)

    # every step went through a worker; the killed one's step ran again, on the worker still alive
    assert {step for step, _ in taken} >= {"protocol_document", "parsed_protocol", "crf_package"}
    assert pool_waited, "parsed_protocol never waited for the OCR pool"
    assert killed, f"{KILLED_STEP} was never seen starting: {taken}"
    survivor = next(name for name in workers if name != killed)
    attempts = [host for step, host in taken if step == KILLED_STEP]
    assert len(attempts) == 2, taken
    assert attempts[0].startswith(f"{killed}-") and attempts[1].startswith(f"{survivor}-")
    assert (len(started), len(succeeded)) == (2, 1)  # killed after the step had started, finished once
    published = packages(data_dir)
    assert len(published) == 1, published
    checked = audit(published[0], env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
