"""The docker-compose topology as local processes, checked with the runbook's health checks.

Docker has no engine on the development machines, so the same services run as processes with the
production deploy/dagster.yaml: a throwaway PostgreSQL database, the user-code gRPC server, the
webserver and the daemon. The compose file itself is validated separately (test_compose_file.py).
"PostgreSQL stopped" is simulated without touching the shared server: the instance's database stops
accepting connections and its sessions are terminated, and a closed port stands for a stopped server.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
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
from topology import LOCATION_NAME, Topology, start_code_server, wait_until, write_grpc_workspace

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


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
        workspace = write_grpc_workspace(Path(env["DAGSTER_HOME"]), grpc_port)
        logs = tmp_path / "logs"
        logs.mkdir()
        topo = Topology(env=env, db_name=db_name, grpc_port=grpc_port, web_port=web_port, logs=logs)
        try:
            migrate = topo.run("dagster", "instance", "migrate", timeout=300)  # runbook step 2
            assert migrate.returncode == 0, migrate.stdout + migrate.stderr
            start_code_server(topo)
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
