"""The API as a real process beside a real daemon, on the production instance configuration.

PostgreSQL (a throwaway database), `dagster-daemon run` (its sensor takes the inbox) and `crf-gen-api`
(uvicorn on a free loopback port): /health/ready turns 200 once the daemon beats; a protocol uploaded
over HTTP is taken by the sensor, built and published by a run the daemon launches, and downloaded over
HTTP; then the instance's database stops accepting connections and /health/ready answers 503.
"""

from __future__ import annotations

import hashlib
import io
import os
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg2
import pytest
from api_helpers import bearer
from daemon_and_api import admin, api_token, free_port, instance_env, start_daemon_and_api, stop

from crfgen_core.examples import example_protocol_path
from crfgen_core.publication.manifest import package_version_key

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
START_SECONDS = 180
BUILD_SECONDS = 300


@pytest.fixture
def database() -> Iterator[str]:
    try:
        admin("SELECT 1")
    except psycopg2.OperationalError as exc:
        if os.environ.get("CI") or os.environ.get("CRFGEN_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required here but unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    name = f"crfgen_test_{uuid.uuid4().hex[:12]}"
    admin(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_for(what: str, condition, seconds: float, processes, logs: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert all(p.poll() is None for p in processes), f"a process exited\n{_tails(logs)}"
        if condition():
            return
        time.sleep(1)
    pytest.fail(f"timed out waiting for {what}\n{_tails(logs)}")


def _tails(logs: Path) -> str:
    return "\n".join(
        f"--- {p.name}\n{p.read_text(errors='replace')[-2500:]}" for p in sorted(logs.glob("*.log"))
    )


def test_upload_over_http_is_built_by_the_daemon_and_downloaded_over_http(database, tmp_path: Path) -> None:
    env = instance_env(tmp_path, database)
    logs = tmp_path / "logs"
    token = api_token(env, "e2e", "uploader")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    processes = start_daemon_and_api(env, port, logs)
    try:
        with httpx.Client(base_url=base, timeout=30) as http:

            def answers(path: str, status: int) -> bool:
                try:
                    return http.get(path).status_code == status
                except httpx.TransportError:
                    return False

            _wait_for("GET /health", lambda: answers("/health", 200), START_SECONDS, processes, logs)
            _wait_for(
                "GET /health/ready 200", lambda: answers("/health/ready", 200), START_SECONDS, processes, logs
            )

            protocol = example_protocol_path("docx")
            response = http.post(
                "/protocols", headers=bearer(token), files={"file": (protocol.name, protocol.read_bytes())}
            )
            assert response.status_code == 202, response.text
            key = response.json()["version_key"]
            assert key == package_version_key(
                protocol.name, hashlib.sha256(protocol.read_bytes()).hexdigest()
            )
            refused = http.post("/protocols", headers=bearer(token), files={"file": ("notes.txt", b"text")})
            assert refused.status_code == 415

            def state() -> str:
                return str(http.get(f"/protocols/{key}", headers=bearer(token)).json().get("state"))

            _wait_for(
                "the upload to be published",
                lambda: state() in ("published", "failed"),
                BUILD_SECONDS,
                processes,
                logs,
            )
            status = http.get(f"/protocols/{key}", headers=bearer(token)).json()
            assert status["state"] == "published", status
            study, version = status["package"].split("/")
            [listed] = http.get(f"/studies/{study}/versions", headers=bearer(token)).json()
            assert listed["status"]["run"]["status"] == "SUCCESS" and listed["version_key"] == key
            download = http.get(f"/packages/{study}/{version}/download", headers=bearer(token))
            assert download.status_code == 200
            with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
                names = {Path(n).name for n in archive.namelist()}
            assert {"manifest.json", "crf_design.json"} <= names and any(n.endswith(".xml") for n in names)

            # "PostgreSQL stopped" for this instance: refuse new connections, end the open ones.
            admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
            admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'")
            down = http.get("/health/ready")
            assert down.status_code == 503, down.text
            failed = {c["name"]: c["detail"] for c in down.json()["checks"] if c["status"] == "FAIL"}
            assert "cannot connect to PostgreSQL" in failed["storage"], failed
            assert "Traceback" not in down.text
            assert http.get("/health").status_code == 200  # alive, not ready
    finally:
        for process in processes:
            stop(process)
