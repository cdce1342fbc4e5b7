"""The docker-compose topology as local processes, checked with the runbook's health checks.

Docker has no engine on the development machines, so the same services run as processes with the
production deploy/dagster.yaml: a throwaway PostgreSQL database, the user-code gRPC server, the
webserver and the daemon. The compose file itself is validated separately (test_compose_file.py).
"PostgreSQL stopped" is simulated without touching the shared server: the instance's database stops
accepting connections and its sessions are terminated, and a closed port stands for a stopped server.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from throwaway_postgres import (
    PG_HOST,
    VENV_BIN,
    admin_sql,
    free_port,
    production_instance_env,
    throwaway_database,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CODE_LOCATION_MODULE = "crfgen_dagster.definitions"
LOCATION_NAME = "crfgen"
# Two shared cores: loading the definitions and starting the webserver can take a while.
START_TIMEOUT = 180.0


@dataclass
class Topology:
    env: dict[str, str]
    db_name: str
    grpc_port: int
    web_port: int
    logs: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, name: str, *args: str) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        # Own session, so teardown can signal the process group (the webserver and daemon spawn children).
        proc = subprocess.Popen(
            [str(VENV_BIN / args[0]), *args[1:]],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(proc)

    def stop_all(self) -> None:
        for proc in reversed(self.processes):
            _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in reversed(self.processes):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait(timeout=10)
            # Children left in the group (run workers, code servers) must not outlive the test.
            _signal_group(proc, signal.SIGKILL)

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {path.name}\n" + path.read_text(errors="replace")[-3000:]
            for path in sorted(self.logs.glob("*.log"))
        )

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(VENV_BIN / args[0]), *args[1:]],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _signal_group(proc: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)  # pgid == pid: started with start_new_session


def wait_until(
    what: str, probe: Callable[[], bool], topology: Topology, timeout: float = START_TIMEOUT
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in topology.processes:
            if proc.poll() is not None:
                pytest.fail(
                    f"{proc.args!r} exited with {proc.returncode} while waiting for {what}\n"
                    + topology.log_tail()
                )
        if probe():
            return
        time.sleep(1.0)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n" + topology.log_tail())


def http_get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b""


def graphql(topology: Topology, query: str) -> dict[str, object]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{topology.web_port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body: dict[str, object] = json.load(response)
    return body


@pytest.fixture
def topology(tmp_path: Path) -> Iterator[Topology]:
    with throwaway_database() as db_name:
        env = production_instance_env(db_name, tmp_path)
        grpc_port, web_port = free_port(), free_port()
        workspace = Path(env["DAGSTER_HOME"]) / "workspace.yaml"
        # What deploy/workspace.yaml says, with the compose service name replaced by loopback.
        workspace.write_text(
            "load_from:\n"
            "  - grpc_server:\n"
            f"      host: 127.0.0.1\n      port: {grpc_port}\n      location_name: {LOCATION_NAME}\n",
            encoding="utf-8",
        )
        logs = tmp_path / "logs"
        logs.mkdir()
        topo = Topology(env=env, db_name=db_name, grpc_port=grpc_port, web_port=web_port, logs=logs)
        try:
            migrate = topo.run("dagster", "instance", "migrate", timeout=300)  # runbook step 2
            assert migrate.returncode == 0, migrate.stdout + migrate.stderr
            topo.start(
                "code-server",
                "dagster",
                "api",
                "grpc",
                "-m",
                CODE_LOCATION_MODULE,
                "-h",
                "127.0.0.1",
                "-p",
                str(grpc_port),
            )
            wait_until(
                "the code server's gRPC health check",
                lambda: topo.run("dagster", "api", "grpc-health-check", "-p", str(grpc_port)).returncode == 0,
                topo,
            )
            topo.start(
                "webserver", "dagster-webserver", "-h", "127.0.0.1", "-p", str(web_port), "-w", str(workspace)
            )
            topo.start("daemon", "dagster-daemon", "run", "-w", str(workspace))
            yield topo
        finally:
            topo.stop_all()


def test_runbook_health_checks_pass_then_fail_when_postgres_is_gone(topology: Topology) -> None:
    server_info = f"http://127.0.0.1:{topology.web_port}/server_info"
    wait_until("webserver /server_info", lambda: http_get(server_info)[0] == 200, topology)
    wait_until(
        "daemon liveness-check",
        lambda: topology.run("dagster-daemon", "liveness-check").returncode == 0,
        topology,
    )

    # Health check 1: HTTP /server_info answers 200 with the versions it runs.
    status, body = http_get(server_info)
    assert status == 200
    info = json.loads(body)
    assert info["dagster_version"] == info["dagster_webserver_version"]

    # The webserver reaches the code server: the location is loaded, not in error.
    workspace = graphql(
        topology,
        "{ workspaceOrError { ... on Workspace { locationEntries { name "
        "locationOrLoadError { __typename } } } } }",
    )
    entries = workspace["data"]["workspaceOrError"]["locationEntries"]  # type: ignore[index]
    assert [(e["name"], e["locationOrLoadError"]["__typename"]) for e in entries] == [
        (LOCATION_NAME, "RepositoryLocation")
    ]

    # Health check 2: daemon heartbeats are fresh, by the CLI and by GraphQL.
    liveness = topology.run("dagster-daemon", "liveness-check")
    assert liveness.returncode == 0 and "Daemon live" in liveness.stdout
    health = graphql(
        topology,
        "{ instance { daemonHealth { allDaemonStatuses { daemonType required healthy "
        "lastHeartbeatTime } } } }",
    )
    statuses = health["data"]["instance"]["daemonHealth"]["allDaemonStatuses"]  # type: ignore[index]
    required = [s for s in statuses if s["required"]]
    assert {s["daemonType"] for s in required} >= {"SENSOR", "SCHEDULER", "QUEUED_RUN_COORDINATOR"}
    assert all(s["healthy"] and time.time() - s["lastHeartbeatTime"] < 120 for s in required), required

    # Health check 3: crf-gen db-check.
    check = topology.run("crf-gen", "db-check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "OK schema" in check.stdout and "OK storage" in check.stdout

    # "PostgreSQL stopped", for this instance only: refuse new connections, end the existing ones.
    admin_sql(f'ALTER DATABASE "{topology.db_name}" ALLOW_CONNECTIONS false')
    admin_sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{topology.db_name}'")

    down = topology.run("crf-gen", "db-check")
    assert down.returncode == 1
    [line] = [x for x in down.stdout.splitlines() if x.startswith("FAIL ")]
    assert line.startswith(f"FAIL storage: cannot connect to PostgreSQL at {PG_HOST}:")
    assert "is not currently accepting connections" in line
    assert "Traceback" not in down.stdout + down.stderr

    # A stopped server seen from the client: nothing listens on the port.
    refused = subprocess.run(
        [str(VENV_BIN / "crf-gen"), "db-check"],
        env={**topology.env, "DAGSTER_PG_PORT": str(free_port())},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1
    assert (
        "FAIL storage: cannot connect to PostgreSQL" in refused.stdout
        and "Connection refused" in refused.stdout
    )
