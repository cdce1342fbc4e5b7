"""Seconds from dropping a protocol into the inbox to its published manifest, with real processes.

Starts dagster-daemon (and its code server) on a fresh SQLite DAGSTER_HOME built from the repository
dagster.yaml, lets the reference-data bootstrap finish, then drops each protocol and splits the time:
  sensor  = drop -> run created by the inbox sensor (interval + stable-file rule)
  launch  = run created -> RUN_START in the run worker (queue, process start, code load)
  compute = RUN_START -> manifest.json published
  steps   = each step's start after RUN_START and its duration (from the run's event log)
Usage: .venv/bin/python benchmarks/bench_inbox_to_package.py [--repeat N] [--repo DIR] [PROTOCOL ...]
(default: example + KEYNOTE-181). --repeat drops N copies of each protocol, one at a time, each with a
distinct trailing comment (new bytes, so a new version) and prints the median and max per protocol.
--repo runs another checkout's workspace (with its own venv's python for its code: before/after).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
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


def _copy_with_new_bytes(protocol: Path, target: Path, n: int) -> None:
    """The protocol's bytes plus a trailing comment: readers ignore bytes after a PDF's %%EOF or a zip's
    end record, and the sha256 (so the version) is new."""
    target.write_bytes(protocol.read_bytes() + f"\n%crfgen-bench {n}\n".encode())


def main(protocols: list[Path], repeat: int = 1, repo: Path = REPO) -> int:
    root = Path(tempfile.mkdtemp(prefix="crfgen-bench-"))
    home, data = root / "home", root / "data"
    home.mkdir()
    shutil.copyfile(repo / "dagster.yaml", home / "dagster.yaml")
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
        cwd=repo,
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
                totals: list[float] = []
                for n in range(repeat):
                    totals.append(_one_drop(instance, data, protocol, n if repeat > 1 else None))
                if repeat > 1:
                    print(
                        f"  {protocol.name}: {repeat} drops, median {statistics.median(totals):.1f} s, "
                        f"max {max(totals):.1f} s"
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


def _one_drop(instance: dg.DagsterInstance, data: Path, protocol: Path, n: int | None) -> float:
    """Drop one protocol, wait for its run and its manifest, print the split; return the total seconds."""
    before = {r.dagster_run.run_id for r in instance.get_run_records()}
    name = protocol.name if n is None else f"{protocol.stem}_{n}{protocol.suffix}"
    dropped = time.time()
    if n is None:
        shutil.copyfile(protocol, data / "inbox" / name)
    else:
        _copy_with_new_bytes(protocol, data / "inbox" / name, n)
    record = wait_for(
        lambda: [
            r
            for r in instance.get_run_records(dg.RunsFilter(job_name="protocol_job"))
            if r.dagster_run.run_id not in before
        ],
        120,
        "run",
    )[0]
    manifest = wait_for(
        lambda: [
            p
            for p in (data / "outbox").glob("*/*/manifest.json")
            if not p.parent.name.startswith(".") and p.stat().st_mtime > dropped
        ],
        900,
        "manifest",
    )[0]
    published = manifest.stat().st_mtime
    final = instance.get_run_record_by_id(record.dagster_run.run_id)
    started = final.start_time if final and final.start_time else published
    created = record.create_timestamp.timestamp()
    print(
        f"  {name}: total {published - dropped:6.1f}  sensor {created - dropped:5.1f}  "
        f"launch {started - created:5.1f}  compute {published - started:6.1f}",
        flush=True,
    )
    print(f"    steps: {_step_seconds(instance, record.dagster_run.run_id, started)}", flush=True)
    return published - dropped


def _step_seconds(instance: dg.DagsterInstance, run_id: str, started: float) -> str:
    """Each step's start (from RUN_START) and duration in the run's event log: where compute goes."""
    begun: dict[str, float] = {}
    parts: list[str] = []
    for event in instance.all_logs(run_id):
        kind, step = event.dagster_event_type, event.step_key
        if step is None:
            continue
        if kind == dg.DagsterEventType.STEP_START:
            begun[step] = event.timestamp
        elif kind in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE) and step in begun:
            parts.append(f"{step} +{begun[step] - started:.1f} {event.timestamp - begun[step]:.1f}")
    return ", ".join(parts)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("protocols", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=1, help="copies of each protocol, new bytes each")
    parser.add_argument("--repo", type=Path, default=REPO, help="checkout whose workspace runs")
    args = parser.parse_args()
    sys.exit(main(args.protocols or [example_protocol_path("docx"), KEYNOTE], args.repeat, args.repo))
