"""The deploy topology's Dagster services as local processes in their own process groups: start them,
wait on a probe while they stay up, stop them with their children; shared by the topology tests."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from throwaway_postgres import VENV_BIN

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


def write_grpc_workspace(home: Path, grpc_port: int) -> Path:
    """What deploy/workspace.yaml says, with the compose service name replaced by loopback."""
    workspace = home / "workspace.yaml"
    workspace.write_text(
        "load_from:\n"
        "  - grpc_server:\n"
        f"      host: 127.0.0.1\n      port: {grpc_port}\n      location_name: {LOCATION_NAME}\n",
        encoding="utf-8",
    )
    return workspace


def start_code_server(topo: Topology) -> None:
    """The user-code gRPC server on the topology's port; returns once its health check passes."""
    port = str(topo.grpc_port)
    topo.start(
        "code-server", "dagster", "api", "grpc", "-m", CODE_LOCATION_MODULE, "-h", "127.0.0.1", "-p", port
    )
    wait_until(
        "the code server's gRPC health check",
        lambda: topo.run("dagster", "api", "grpc-health-check", "-p", port).returncode == 0,
        topo,
    )
