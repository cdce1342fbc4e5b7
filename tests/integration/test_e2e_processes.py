"""End to end with real processes: dagster-webserver + dagster-daemon on a PostgreSQL-backed instance.

Drop the example and a text file into the inbox, wait for the published manifest, ask the webserver's
GraphQL for the crf_package materialization and the text file's quarantine observation, then stop both
process groups by PID.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from crfgen_core.examples import example_protocol_path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
pytestmark = [pytest.mark.slow, pytest.mark.postgres]
DEADLINE_SECONDS = 150
QUERY = """{ assetOrError(assetKey: {path: ["crf_package"]}) {
  ... on Asset { assetMaterializations(limit: 5) { runId partition } } }
  quarantine: assetOrError(assetKey: {path: ["quarantine"]}) {
  ... on Asset { assetObservations(limit: 5) {
    metadataEntries { label ... on TextMetadataEntry { text } } } } } }"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, SIGKILL it if it lingers (the daemon spawns children)."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue


def _graphql(port: int) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": QUERY}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_inbox_drop_to_published_package_through_webserver_and_daemon(pg_database, tmp_path: Path) -> None:
    home, data = tmp_path / "dagster_home", tmp_path / "data"
    home.mkdir()
    shutil.copyfile(REPO / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        **pg_database,
        "DAGSTER_HOME": str(home),
        "CRFGEN_DATA_DIR": str(data),
        "CRFGEN_INBOX_INTERVAL_SECONDS": "1",
        "CRFGEN_SETTLE_SECONDS": "1",
        "DAGSTER_DISABLE_TELEMETRY": "1",
    }
    port = _free_port()
    logs = [open(tmp_path / name, "wb") for name in ("webserver.log", "daemon.log")]  # noqa: SIM115
    commands = [
        [str(BIN / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(port), "-w", "workspace.yaml"],
        [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
    ]
    processes = [
        subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        for cmd, log in zip(commands, logs, strict=True)
    ]
    try:
        (data / "inbox").mkdir(parents=True)
        shutil.copyfile(example_protocol_path("docx"), data / "inbox" / "example_protocol.docx")
        (data / "inbox" / "notes.txt").write_text("not a protocol")
        deadline = time.monotonic() + DEADLINE_SECONDS
        manifests: list[Path] = []
        while time.monotonic() < deadline and not manifests:
            assert all(p.poll() is None for p in processes), "webserver or daemon exited"
            # a published package only: pathlib's '*' also matches the hidden '.<name>.partial' staging
            # directory, which the atomic rename may take away between the glob and the read
            manifests = [
                m for m in (data / "outbox").glob("*/*/manifest.json") if not m.parent.name.startswith(".")
            ]
            time.sleep(1)
        assert manifests, (tmp_path / "daemon.log").read_text()[-3000:]
        manifest = json.loads(manifests[0].read_text())
        answer = _graphql(port)["data"]
        materializations = answer["assetOrError"]["assetMaterializations"]
        assert [m["runId"] for m in materializations] == [manifest["dagster_run_id"]]
        assert materializations[0]["partition"] == manifests[0].parent.name
        # the refused file is an event of the quarantine asset, with its reason
        (observation,) = answer["quarantine"]["assetObservations"]
        entries = {e["label"]: e.get("text") for e in observation["metadataEntries"]}
        assert (entries["file"], entries["code"]) == ("notes.txt", "UNSUPPORTED_FORMAT")
    finally:
        for process in processes:
            _stop(process)
        for log in logs:
            log.close()
    assert all(p.poll() is not None for p in processes)
