"""Load: N protocols dropped into the inbox at once, through the real dagster-daemon (no webserver).

    .venv/bin/python benchmarks/bench_load_50.py [--count 50] [--max-concurrent 2]
        [--postgres] [--executor in_process|celery] [--workers 1|2]

A fresh DAGSTER_HOME (the repository's dagster.yaml: QueuedRunCoordinator; SQLite storage, or a throwaway
PostgreSQL database on 127.0.0.1:5432 with --postgres) and data directory are made under a temporary folder.
Every copy of the bundled example PDF differs by one trailing PDF comment, so each is a new protocol
version. With `--executor celery` protocol_job's steps go to --workers `dagster-celery worker start`
processes (one step at a time each) on the RabbitMQ at 127.0.0.1:5672, on a queue of their own.
The script waits until N packages are in the outbox (or a run fails, or --timeout passes), then prints wall
time, peak memory (sum of RSS of the daemon, the workers and every process under them, sampled from /proc),
CPU seconds (utime+stime of those processes, last sample of each: a process's last < 0.5 s can be missed)
and the run counts; it always stops the processes it started and drops the database.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import dagster as dg
from process_tree import descendants, stop_tree

from crfgen_core.examples import example_protocol_path

REPO = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.5


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


def cpu_seconds(pids: list[int], seen: dict[int, float]) -> None:
    """Record utime+stime of each pid (seconds) in `seen`; a pid's latest sample wins."""
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        seen[pid] = (int(fields[11]) + int(fields[12])) / tick


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


def run_counts(home: Path, env: dict[str, str]) -> dict[str, int]:
    os.environ["DAGSTER_HOME"] = str(home)
    for name in ("DAGSTER_PG_DB", "DAGSTER_PG_HOST", "DAGSTER_PG_USERNAME"):
        if name in env:
            os.environ[name] = env[name]
    with dg.DagsterInstance.get() as instance:
        counts: dict[str, int] = {}
        for run in instance.get_runs():
            key = f"{run.job_name}:{run.status.value}"
            counts[key] = counts.get(key, 0) + 1
        return counts


def admin_sql(statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def start_worker(name: str, queue: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """One Celery worker as deployed (deploy/celery.yaml), one step at a time."""
    command = [
        str(Path(sys.executable).with_name("dagster-celery")),
        "worker",
        "start",
        "-A",
        "dagster_celery.app",
    ]
    command += ["-y", str(REPO / "deploy" / "celery.yaml"), "-q", queue, "-n", name, "--", "--concurrency=1"]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_ready(log: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while " ready." not in (log.read_text(errors="replace") if log.is_file() else ""):
        if time.monotonic() > deadline:
            raise TimeoutError(f"Celery worker not ready: {log}")
        time.sleep(0.5)


def runs_in_flight(home: Path, env: dict[str, str]) -> bool:
    return any(
        key.endswith((":QUEUED", ":NOT_STARTED", ":STARTING", ":STARTED")) for key in run_counts(home, env)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--max-concurrent", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--postgres", action="store_true", help="instance on a throwaway PostgreSQL database")
    parser.add_argument("--executor", choices=("in_process", "celery"), default="in_process")
    parser.add_argument("--workers", type=int, default=2, help="Celery workers (with --executor celery)")
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
    database = f"crfgen_bench_{uuid.uuid4().hex[:10]}" if args.postgres else ""
    if database:
        admin_sql(f'CREATE DATABASE "{database}"')
        env.update(DAGSTER_PG_DB=database, DAGSTER_PG_HOST="127.0.0.1", DAGSTER_PG_USERNAME="postgres")
    workers: list[subprocess.Popen[bytes]] = []
    if args.executor == "celery":
        queue = f"crfgen-bench-{uuid.uuid4().hex[:8]}"
        env.update(CRFGEN_EXECUTOR="celery", CRFGEN_CELERY_QUEUE=queue)
        env.setdefault("CRFGEN_CELERY_BROKER", "amqp://guest:guest@127.0.0.1:5672//")
        env.setdefault("CRFGEN_CELERY_BACKEND", "rpc://")
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        for index in range(args.workers):
            log_path = work / f"worker{index}.log"
            workers.append(start_worker(f"w{index}-{queue}", queue, env, log_path))
            wait_ready(log_path)
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
    cpu: dict[int, float] = {}
    worker_pids: set[int] = set()
    try:
        while time.monotonic() - started < args.timeout:
            pids = [pid for root in (daemon, *workers) for pid in descendants(root.pid)]
            cpu_seconds(pids, cpu)
            worker_pids.update(pid for process in workers for pid in descendants(process.pid))
            rss = rss_bytes(pids)
            if rss > peak:
                peak, peak_processes = rss, len(pids)
            done = packages(data / "outbox")
            if done >= args.count or daemon.poll() is not None:
                break
            time.sleep(SAMPLE_SECONDS)
        wall = time.monotonic() - started
        # the last package is in place before its run has recorded success: let the runs finish, or
        # stopping the daemon now would count an interrupted (failed) run
        while (
            daemon.poll() is None and runs_in_flight(home, env) and time.monotonic() - started < args.timeout
        ):
            cpu_seconds([pid for root in (daemon, *workers) for pid in descendants(root.pid)], cpu)
            time.sleep(SAMPLE_SECONDS)
    finally:
        for process in (daemon, *workers):
            stop_tree(process, wait=15)
        log.close()
    try:
        counts = run_counts(home, env)
    finally:
        if workers:
            from kombu import Connection

            with Connection(env["CRFGEN_CELERY_BROKER"], connect_timeout=10) as connection:
                connection.default_channel.queue_delete(env["CRFGEN_CELERY_QUEUE"])
        if database:
            admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    busy = sum(cpu.values())
    left = sorted(p.name for p in (data / "inbox").iterdir())
    print(f"protocols dropped      {args.count}")
    print(f"packages published     {done}")
    print(f"wall time              {wall:.1f} s (daemon start to last package)")
    print(f"peak RSS (daemon+runs) {peak / (1024 * 1024):.0f} MB over {peak_processes} processes")
    print(f"CPU seconds            {busy:.0f} s ({busy / max(done, 1):.1f} s per package)")
    if workers:
        # what one more worker machine must supply per protocol; the rest stays on the Dagster host
        on_workers = sum(seconds for pid, seconds in cpu.items() if pid in worker_pids)
        print(f"  of which on workers  {on_workers:.0f} s ({on_workers / max(done, 1):.1f} s per package)")
    print(f"instance storage       {'PostgreSQL' if database else 'SQLite'}")
    workers_text = f" ({args.workers} worker(s), one step at a time each)" if workers else ""
    print(f"executor               {args.executor}{workers_text}")
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
