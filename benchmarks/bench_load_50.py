"""Load: N protocols dropped into the inbox at once, through the real dagster-daemon (no webserver).

    .venv/bin/python benchmarks/bench_load_50.py [--count 50] [--max-concurrent 2]

A fresh DAGSTER_HOME (the repository's dagster.yaml: SQLite storage, QueuedRunCoordinator) and data
directory are made under a temporary folder. Every copy of the bundled example PDF differs by one trailing
PDF comment, so each is a new protocol version. The script waits until N packages are in the outbox (or a
run fails, or --timeout passes), then prints wall time, peak memory (sum of RSS of the daemon and every
process under it, sampled from /proc) and the run counts; it always stops the processes it started.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
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
SAMPLE_SECONDS = 0.5


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(root: int) -> list[int]:
    tree, found, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, []))
    return found


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        matched = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        total += int(matched.group(1)) * 1024 if matched else 0
    return total


def drop_protocols(inbox: Path, count: int) -> None:
    """Write every copy under a dot name, then rename: the whole burst lands at once, complete."""
    inbox.mkdir(parents=True, exist_ok=True)
    data = example_protocol_path("pdf").read_bytes()
    for index in range(count):
        staged = inbox / f".protocol_{index:03d}.pdf"
        staged.write_bytes(data + f"\n% load copy {index}\n".encode())
    for index in range(count):
        os.rename(inbox / f".protocol_{index:03d}.pdf", inbox / f"protocol_{index:03d}.pdf")


def packages(outbox: Path) -> int:
    return len(list(outbox.glob("*/*/manifest.json"))) if outbox.is_dir() else 0


def run_counts(home: Path) -> dict[str, int]:
    os.environ["DAGSTER_HOME"] = str(home)
    with dg.DagsterInstance.get() as instance:
        counts: dict[str, int] = {}
        for run in instance.get_runs():
            key = f"{run.job_name}:{run.status.value}"
            counts[key] = counts.get(key, 0) + 1
        return counts


def stop(process: subprocess.Popen[bytes]) -> None:
    pids = descendants(process.pid)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            continue
        if sig == signal.SIGTERM:
            time.sleep(2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--max-concurrent", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="crfgen-load-"))
    home, data = work / "dagster_home", work / "data"
    home.mkdir()
    config = (REPO / "dagster.yaml").read_text()
    config = re.sub(r"max_concurrent_runs: \d+", f"max_concurrent_runs: {args.max_concurrent}", config)
    (home / "dagster.yaml").write_text(config)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "CRFGEN_DATA_DIR": str(data),
        "CRFGEN_SETTLE_SECONDS": "0",
        "CRFGEN_INBOX_INTERVAL_SECONDS": "2",
        "DAGSTER_DISABLE_TELEMETRY": "1",
    }
    env.pop("DAGSTER_PG_URL", None)
    env.pop("DAGSTER_PG_DB", None)
    drop_protocols(data / "inbox", args.count)
    log = (work / "daemon.log").open("wb")
    daemon = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-daemon")), "run", "-w", str(REPO / "workspace.yaml")],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    started = time.monotonic()
    peak, peak_processes, done = 0, 0, 0
    try:
        while time.monotonic() - started < args.timeout:
            pids = descendants(daemon.pid)
            rss = rss_bytes(pids)
            if rss > peak:
                peak, peak_processes = rss, len(pids)
            done = packages(data / "outbox")
            if done >= args.count or daemon.poll() is not None:
                break
            time.sleep(SAMPLE_SECONDS)
        wall = time.monotonic() - started
    finally:
        stop(daemon)
        log.close()
    counts = run_counts(home)
    left = sorted(p.name for p in (data / "inbox").iterdir())
    print(f"protocols dropped      {args.count}")
    print(f"packages published     {done}")
    print(f"wall time              {wall:.1f} s (daemon start to last package)")
    print(f"peak RSS (daemon+runs) {peak / (1024 * 1024):.0f} MB over {peak_processes} processes")
    print(f"max concurrent runs    {args.max_concurrent}")
    print(f"runs by job:status     {counts}")
    print(f"left in inbox          {left or 'nothing'}")
    print(f"quarantined            {len(list((data / 'quarantine').glob('*.reason.txt')))}")
    if args.keep:
        print(f"kept                   {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if done == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
