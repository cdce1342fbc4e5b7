"""Seconds from dropping a protocol into the inbox to its published manifest, with real processes.

Starts dagster-daemon (and its code server) on a fresh SQLite DAGSTER_HOME built from the repository
dagster.yaml, lets the reference-data bootstrap finish, then drops each protocol and splits the time:
  sensor  = drop -> run created by the inbox sensor (interval + stable-file rule)
  launch  = run created -> RUN_START in the run worker (queue, process start, code load)
  compute = RUN_START -> manifest.json published
Usage: .venv/bin/python benchmarks/bench_inbox_to_package.py [PROTOCOL ...]  (default: example + KEYNOTE-181)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg

from crfgen_core.examples import example_protocol_path

REPO = Path(__file__).resolve().parents[1]
KEYNOTE = (
    REPO.parent / "shared/corpus/protocols/merck_nct02564263_keynote181/NCT02564263_KEYNOTE-181_Protocol.pdf"
)
INTERVAL, SETTLE = "2", "1"


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(what)


def main(protocols: list[Path]) -> int:
    root = Path(tempfile.mkdtemp(prefix="crfgen-bench-"))
    home, data = root / "home", root / "data"
    home.mkdir()
    shutil.copyfile(REPO / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "CRFGEN_DATA_DIR": str(data),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "CRFGEN_INBOX_INTERVAL_SECONDS": INTERVAL,
        "CRFGEN_SETTLE_SECONDS": SETTLE,
    }
    for key in [k for k in env if k.startswith("DAGSTER_PG_")]:
        del env[key]
    os.environ.update({"DAGSTER_HOME": str(home)})
    log = (root / "daemon.log").open("wb")
    daemon = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-daemon")), "run", "-w", "workspace.yaml"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        (data / "inbox").mkdir(parents=True)
        with dg.DagsterInstance.get() as instance:
            wait_for(
                lambda: instance.get_latest_materialization_event(dg.AssetKey("controlled_terminology")),
                180,
                "reference data bootstrap",
            )
            print(f"interval {INTERVAL}s, settle {SETTLE}s; seconds from drop:")
            for protocol in protocols:
                before = {r.dagster_run.run_id for r in instance.get_run_records()}
                dropped = time.time()
                shutil.copyfile(protocol, data / "inbox" / protocol.name)
                record = wait_for(
                    lambda before=before: [
                        r
                        for r in instance.get_run_records(dg.RunsFilter(job_name="protocol_job"))
                        if r.dagster_run.run_id not in before
                    ],
                    120,
                    "run",
                )[0]
                manifest = wait_for(
                    lambda dropped=dropped: [
                        p for p in (data / "outbox").glob("*/*/manifest.json") if p.stat().st_mtime > dropped
                    ],
                    900,
                    "manifest",
                )[0]
                published = manifest.stat().st_mtime
                final = instance.get_run_record_by_id(record.dagster_run.run_id)
                started = final.start_time if final and final.start_time else published
                created = record.create_timestamp.timestamp()
                print(
                    f"  {protocol.name}: total {published - dropped:6.1f}  sensor {created - dropped:5.1f}  "
                    f"launch {started - created:5.1f}  compute {published - started:6.1f}"
                )
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            daemon.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
        log.close()
    shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or [example_protocol_path("docx"), KEYNOTE]
    sys.exit(main(paths))
