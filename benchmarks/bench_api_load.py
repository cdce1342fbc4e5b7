"""Load on the HTTP API over loopback: concurrent uploads, then status requests at a fixed rate, against a
real uvicorn (`crf-gen-api`) beside a real `dagster-daemon` whose sensor takes the uploads.

    .venv/bin/python benchmarks/bench_api_load.py [--uploads 20] [--rate 200] [--seconds 30]

A throwaway PostgreSQL database on 127.0.0.1:5432 holds the instance (deploy/dagster.yaml, the production
configuration); DAGSTER_HOME and the data directory are temporary. Each upload is a distinct copy of the
bundled example PDF (one trailing PDF comment differs), plus two hostile files (an encrypted PDF and a
truncated one) that must end quarantined. Steps:
  1. all uploads at once (asyncio, one connection each); their status codes and latencies;
  2. GET /protocols/{key} (the status endpoint: intake record + Dagster run, checks, package) at --rate
     requests/s for --seconds, open loop (each request starts on schedule, whatever the previous did),
     cycling over the uploaded keys while the daemon builds them;
  3. poll until every upload is published or quarantined (or --timeout), then print every figure.
Every request stays on 127.0.0.1; the script stops what it started and drops its database.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg2
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from crfgen_core.examples import example_protocol_path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
FINAL = {"published", "quarantined", "failed"}


def admin(statement: str) -> None:
    connection = psycopg2.connect(dbname="postgres", connect_timeout=5, **PG)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(process: subprocess.Popen[bytes]) -> None:
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            break
        os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def hostile_files(folder: Path) -> list[tuple[str, bytes]]:
    locked = folder / "locked.pdf"
    pdf = canvas.Canvas(str(locked), encrypt=StandardEncryption("user-secret", ownerPassword="owner"))
    pdf.drawString(72, 720, "Schedule of Activities")
    pdf.save()
    whole = example_protocol_path("pdf").read_bytes()
    return [("locked.pdf", locked.read_bytes()), ("truncated.pdf", whole[: len(whole) // 3])]


async def upload_all(http: httpx.AsyncClient, token: str, files: list[tuple[str, bytes]]) -> list[dict]:
    async def one(name: str, content: bytes) -> dict:
        started = time.perf_counter()
        try:
            response = await http.post(
                "/protocols", headers={"Authorization": f"Bearer {token}"}, files={"file": (name, content)}
            )
        except httpx.HTTPError as exc:
            return {"name": name, "status": type(exc).__name__, "seconds": time.perf_counter() - started}
        body = response.json()
        return {
            "name": name,
            "status": response.status_code,
            "seconds": time.perf_counter() - started,
            "key": body.get("version_key"),
            "error": body.get("error"),
        }

    return await asyncio.gather(*(one(name, content) for name, content in files))


async def status_load(
    http: httpx.AsyncClient, token: str, keys: list[str], rate: float, seconds: float
) -> tuple[list[float], int, int]:
    latencies: list[float] = []
    errors = 0
    headers = {"Authorization": f"Bearer {token}"}

    async def one(key: str) -> None:
        nonlocal errors
        started = time.perf_counter()
        try:
            response = await http.get(f"/protocols/{key}", headers=headers)
            if response.status_code != 200:
                errors += 1
        except httpx.HTTPError:
            errors += 1
        latencies.append(time.perf_counter() - started)

    total = int(rate * seconds)
    start = time.perf_counter()
    tasks = []
    for index in range(total):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(keys[index % len(keys)])))
    await asyncio.gather(*tasks)
    return latencies, errors, total


async def wait_final(
    http: httpx.AsyncClient, token: str, keys: list[str], timeout: float
) -> tuple[dict[str, str], float]:
    headers = {"Authorization": f"Bearer {token}"}
    states: dict[str, str] = {}
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        for key in keys:
            if states.get(key) in FINAL:
                continue
            response = await http.get(f"/protocols/{key}", headers=headers)
            states[key] = response.json().get("state", f"HTTP {response.status_code}")
        if all(state in FINAL for state in states.values()):
            break
        await asyncio.sleep(2)
    return states, time.monotonic() - start


async def run(args: argparse.Namespace, base: str, token: str, files: list[tuple[str, bytes]]) -> int:
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        t0 = time.perf_counter()
        uploads = await upload_all(http, token, files)
        upload_wall = time.perf_counter() - t0
        accepted = [u for u in uploads if u["status"] == 202]
        quarantined = [u for u in uploads if u["status"] == 422 and u["error"] == "quarantined"]
        other = [u for u in uploads if u not in accepted and u not in quarantined]
        print(
            f"uploads: {len(files)} at once in {upload_wall:.2f} s wall; 202 accepted {len(accepted)}, "
            f"422 quarantined {len(quarantined)}, other {len(other)} {other if other else ''}"
        )
        upload_latency = [u["seconds"] for u in uploads]
        print(
            f"upload latency: p50 {statistics.median(upload_latency) * 1000:.0f} ms, "
            f"p95 {percentile(upload_latency, 0.95) * 1000:.0f} ms, max {max(upload_latency) * 1000:.0f} ms"
        )

        keys = [u["key"] for u in accepted]
        latencies, errors, total = await status_load(http, token, keys, args.rate, args.seconds)
        ms = {
            name: percentile(latencies, share) * 1000
            for name, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
        }
        print(
            f"status load: {total} GET /protocols/{{key}} at {args.rate:g}/s for {args.seconds:g} s: "
            f"p50 {ms['p50']:.1f} ms, p95 {ms['p95']:.1f} ms, p99 {ms['p99']:.1f} ms, "
            f"max {max(latencies) * 1000:.0f} ms, errors {errors}"
        )

        states, waited = await wait_final(http, token, keys, args.timeout)
    counts: dict[str, int] = {}
    for state in states.values():
        counts[state] = counts.get(state, 0) + 1
    published = counts.get("published", 0)
    print(f"outcome after {waited:.0f} s more: {counts}; quarantined at upload: {len(quarantined)}")
    lost = len(files) - published - len(quarantined)
    print(
        f"every upload published or quarantined: {'yes' if lost == 0 else 'NO'} "
        f"({published} published + {len(quarantined)} quarantined of {len(files)})"
    )
    return 0 if lost == 0 and errors == 0 and not other else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=20, help="distinct valid protocols uploaded at once")
    parser.add_argument("--rate", type=float, default=200.0, help="status requests per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the status load lasts")
    parser.add_argument("--max-concurrent", type=int, default=2, help="DAGSTER_MAX_CONCURRENT_RUNS")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds to wait for the builds")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="crfgen-api-load-"))
    home, data, logs = root / "dagster_home", root / "data", root / "logs"
    for folder in (home, data, logs):
        folder.mkdir()
    shutil.copyfile(REPO / "deploy" / "dagster.yaml", home / "dagster.yaml")
    database = f"crfgen_bench_{uuid.uuid4().hex[:10]}"
    admin(f'CREATE DATABASE "{database}"')
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_USERNAME": PG["user"],
        "DAGSTER_PG_PASSWORD": "",
        "DAGSTER_PG_HOST": PG["host"],
        "DAGSTER_PG_PORT": str(PG["port"]),
        "DAGSTER_PG_DB": database,
        "DAGSTER_MAX_CONCURRENT_RUNS": str(args.max_concurrent),
        "DAGSTER_COMPUTE_LOG_DIR": str(root / "storage" / "compute_logs"),
        "DAGSTER_ARTIFACT_DIR": str(root / "storage" / "artifacts"),
        "CRFGEN_DATA_DIR": str(data),
        "CRFGEN_INBOX_INTERVAL_SECONDS": "1",
        "CRFGEN_SETTLE_SECONDS": "1",
        # one client system sends the whole burst: let it (the default burst is 10 per caller)
        "CRFGEN_API_UPLOAD_BURST": str(args.uploads + 5),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "PYTHONUNBUFFERED": "1",
    }
    token = subprocess.run(
        [str(BIN / "crf-gen"), "api-token", "create", "--name", "bench", "--role", "uploader"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    processes = []
    try:
        for name, command in {
            "daemon": [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
            "api": [str(BIN / "crf-gen-api"), "--port", str(port), "--log-level", "warning"],
        }.items():
            with (logs / f"{name}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(
                        command,
                        cwd=REPO,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health/ready", timeout=30).status_code == 200:
                    break
            time.sleep(1)
        else:
            print("the API never became ready; logs in", logs)
            return 1
        print(f"ready: uvicorn (1 worker) on {base}, dagster-daemon, PostgreSQL database {database}")
        sample = example_protocol_path("pdf").read_bytes()
        files = [
            (f"protocol_{i:03d}.pdf", sample + f"\n% api load copy {i}\n".encode())
            for i in range(args.uploads)
        ]
        files += hostile_files(root)
        return asyncio.run(run(args, base, token, files))
    finally:
        for process in processes:
            stop(process)
        admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
