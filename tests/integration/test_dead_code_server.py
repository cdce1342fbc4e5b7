"""A run whose code server dies mid-run (kill -9 of the server and its run worker, then a restart, as a
container restart does) is failed by the daemon's run monitoring instead of staying STARTED forever.

The production deploy/dagster.yaml on a throwaway PostgreSQL database, with only the runtime limit and
the poll interval lowered so the test does not wait an hour: DefaultRunLauncher reports no worker
health, so `max_runtime_seconds` is what ends such a run.
"""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from throwaway_postgres import free_port, production_instance_env, throwaway_database
from topology import LOCATION_NAME, Topology, start_code_server, wait_until, write_grpc_workspace

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

MAX_RUNTIME_SECONDS = 20


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[Topology]:
    with throwaway_database() as db_name:
        env = production_instance_env(db_name, tmp_path)
        home = Path(env["DAGSTER_HOME"])
        config = (home / "dagster.yaml").read_text(encoding="utf-8")
        config = re.sub(r"max_runtime_seconds: \d+", f"max_runtime_seconds: {MAX_RUNTIME_SECONDS}", config)
        config = re.sub(r"poll_interval_seconds: \d+", "poll_interval_seconds: 2", config)
        assert f"max_runtime_seconds: {MAX_RUNTIME_SECONDS}" in config
        (home / "dagster.yaml").write_text(config, encoding="utf-8")
        grpc_port = free_port()
        write_grpc_workspace(home, grpc_port)
        logs = tmp_path / "logs"
        logs.mkdir()
        topo = Topology(env=env, db_name=db_name, grpc_port=grpc_port, web_port=0, logs=logs)
        try:
            migrate = topo.run("dagster", "instance", "migrate", timeout=300)
            assert migrate.returncode == 0, migrate.stdout + migrate.stderr
            start_code_server(topo)
            topo.start("daemon", "dagster-daemon", "run", "-w", str(home / "workspace.yaml"))
            yield topo
        finally:
            topo.stop_all()


def _run(instance: dg.DagsterInstance) -> dg.DagsterRun | None:
    runs = instance.get_runs(limit=1)
    return runs[0] if runs else None


def test_a_run_whose_code_server_died_is_failed_by_run_monitoring(
    topology: Topology, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable, value in topology.env.items():
        monkeypatch.setenv(variable, value)
    launched = topology.run(
        "dagster",
        "job",
        "launch",
        "-w",
        str(Path(topology.env["DAGSTER_HOME"]) / "workspace.yaml"),
        "-l",
        LOCATION_NAME,
        "-j",
        "reference_data_job",
        timeout=300,
    )
    assert launched.returncode == 0, launched.stdout + launched.stderr
    with dg.DagsterInstance.get() as instance:
        wait_until(
            "the run to start",
            lambda: (run := _run(instance)) is not None and run.status == dg.DagsterRunStatus.STARTED,
            topology,
        )
        # The code server and the run worker it spawned die together (one process group), as in a
        # container restart; a new code server comes up on the same port.
        server = topology.processes.pop(0)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        dead = _run(instance)
        assert dead is not None and dead.status == dg.DagsterRunStatus.STARTED  # nothing else ends it
        start_code_server(topology)
        wait_until(
            "run monitoring to fail the run",
            lambda: (run := _run(instance)) is not None and run.status == dg.DagsterRunStatus.FAILURE,
            topology,
            timeout=MAX_RUNTIME_SECONDS + 120,
        )
        messages = [entry.message for entry in instance.all_logs(dead.run_id)]
        assert any(f"maximum runtime of {MAX_RUNTIME_SECONDS}" in message for message in messages), messages
