"""Load on the HTTP API over loopback: concurrent uploads, then status requests at a fixed rate, against a
real uvicorn (`crf-gen-api`) beside a real `dagster-daemon` whose sensor takes the uploads.

    .venv/bin/python benchmarks/bench_api_load.py [--uploads 20] [--rate 200] [--seconds 30]

A throwaway PostgreSQL database on 127.0.0.1:5432 holds the instance (deploy/dagster.yaml, the production
configuration); DAGSTER_HOME and the data directory are temporary. Each upload is a distinct copy of the
bundled example PDF (one trailing PDF comment differs), plus two hostile files (an encrypted PDF and a
truncated one) that must end quarantined. Steps:
  1. all uploads at once (one thread and connection each, released together); codes and latencies;
  2. GET /protocols/{key} (the status endpoint: intake record + Dagster run, checks, package) due at
     --rate requests/s for --seconds, open loop (latency counted from when each request was due, so a
     slow server shows as queueing), cycling over the uploaded keys while the daemon builds them;
  3. poll until every upload is published or quarantined (or --timeout), then print every figure.
Every request stays on 127.0.0.1; the script stops what it started and drops its database.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from crfgen_core.examples import example_protocol_path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "api"))
from daemon_and_api import admin, api_token, free_port, instance_env, start_daemon_and_api, stop  # noqa: E402

FINAL = {"published", "quarantined", "failed"}
WORKERS = 64  # client threads for the status load, one keep-alive connection each


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


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


def upload_all(base: str, token: str, files: list[tuple[str, bytes]]) -> list[dict]:
    """Every file at once, one thread and one connection each, released together."""
    gate = threading.Barrier(len(files))

    def one(name: str, content: bytes) -> dict:
        with httpx.Client(base_url=base, timeout=120) as http:
            gate.wait()
            started = time.perf_counter()
            try:
                response = http.post("/protocols", headers=auth(token), files={"file": (name, content)})
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

    with ThreadPoolExecutor(len(files)) as pool:
        return list(pool.map(lambda item: one(*item), files))


def status_load(port: int, token: str, keys: list[str], rate: float, seconds: float) -> dict[str, object]:
    """Open loop: request i is due at start + i/rate whatever happened before; its latency counts from
    when it was due (a slow server shows as queueing, not as fewer requests). Each worker thread keeps
    one keep-alive connection."""
    total = int(rate * seconds)
    counter = itertools.count()
    latencies: list[float] = []
    service: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter() + 0.5

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while (index := next(counter)) < total:
            due = start + index / rate
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            began = time.perf_counter()
            try:
                conn.request("GET", f"/protocols/{keys[index % len(keys)]}", headers=auth(token))
                response = conn.getresponse()
                response.read()
                problem = None if response.status == 200 else f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as exc:
                problem = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            done = time.perf_counter()
            with lock:
                latencies.append(done - due)
                service.append(done - began)
                if problem:
                    errors.append(problem)
        conn.close()

    with ThreadPoolExecutor(WORKERS) as pool:
        for _ in range(WORKERS):
            pool.submit(worker)
    elapsed = time.perf_counter() - start
    return {"total": total, "elapsed": elapsed, "latencies": latencies, "service": service, "errors": errors}


def wait_final(base: str, token: str, keys: list[str], timeout: float) -> tuple[dict[str, str], float]:
    states: dict[str, str] = {}
    start = time.monotonic()
    with httpx.Client(base_url=base, timeout=60) as http:
        while time.monotonic() - start < timeout:
            for key in keys:
                if states.get(key) not in FINAL:
                    response = http.get(f"/protocols/{key}", headers=auth(token))
                    states[key] = response.json().get("state", f"HTTP {response.status_code}")
            if all(state in FINAL for state in states.values()):
                break
            time.sleep(2)
    return states, time.monotonic() - start


def ms(values: list[float], share: float) -> str:
    return f"{percentile(values, share) * 1000:.1f} ms"


def report_status_load(
    when: str, port: int, token: str, keys: list[str], args: argparse.Namespace
) -> list[str]:
    load = status_load(port, token, keys, args.rate, args.seconds)
    latencies, service, errors = load["latencies"], load["service"], load["errors"]
    assert isinstance(latencies, list) and isinstance(service, list) and isinstance(errors, list)
    print(
        f"status load {when}: {load['total']} GET /protocols/{{key}} due at {args.rate:g}/s for "
        f"{args.seconds:g} s, all answered after {load['elapsed']:.1f} s; latency from due time "
        f"p50 {ms(latencies, 0.5)}, p95 {ms(latencies, 0.95)}, p99 {ms(latencies, 0.99)}, "
        f"max {max(latencies) * 1000:.0f} ms; service time p50 {ms(service, 0.5)}, p95 {ms(service, 0.95)}; "
        f"errors {len(errors)} {sorted(set(errors)) if errors else ''}"
    )
    return errors


def run(args: argparse.Namespace, base: str, port: int, token: str, files: list[tuple[str, bytes]]) -> int:
    t0 = time.perf_counter()
    uploads = upload_all(base, token, files)
    upload_wall = time.perf_counter() - t0
    accepted = [u for u in uploads if u["status"] == 202]
    quarantined = [u for u in uploads if u["status"] == 422 and u["error"] == "quarantined"]
    other = [u for u in uploads if u not in accepted and u not in quarantined]
    print(
        f"uploads: {len(files)} at once, {upload_wall:.2f} s wall: 202 accepted {len(accepted)}, "
        f"422 quarantined {len(quarantined)}, other {len(other)} {other or ''}"
    )
    seconds = [u["seconds"] for u in uploads]
    print(
        f"upload latency: p50 {ms(seconds, 0.5)}, p95 {ms(seconds, 0.95)}, max {max(seconds) * 1000:.0f} ms"
    )

    keys = [u["key"] for u in accepted]
    errors = report_status_load("while the daemon builds them", port, token, keys, args)
    states, waited = wait_final(base, token, keys, args.timeout)
    counts: dict[str, int] = {}
    for state in states.values():
        counts[state] = counts.get(state, 0) + 1
    published = counts.get("published", 0)
    print(f"builds: {counts} after {waited:.0f} s more; quarantined at upload: {len(quarantined)}")
    errors += report_status_load("once every build has ended", port, token, keys, args)
    lost = len(files) - published - len(quarantined)
    print(
        f"every upload published or quarantined: {'yes' if lost == 0 else 'NO'} "
        f"({published} published + {len(quarantined)} quarantined of {len(files)})"
    )
    return 0 if lost == 0 and not errors and not other else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=20, help="distinct valid protocols uploaded at once")
    parser.add_argument("--rate", type=float, default=200.0, help="status requests per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the status load lasts")
    parser.add_argument("--max-concurrent", type=int, default=2, help="DAGSTER_MAX_CONCURRENT_RUNS")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds to wait for the builds")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop the processes and drop the database

    root = Path(tempfile.mkdtemp(prefix="crfgen-api-load-"))
    database = f"crfgen_bench_{uuid.uuid4().hex[:10]}"
    admin(f'CREATE DATABASE "{database}"')
    port = free_port()
    env = instance_env(
        root,
        database,
        DAGSTER_MAX_CONCURRENT_RUNS=str(args.max_concurrent),
        # one client system sends the whole burst: let it (the default burst is 10 per caller)
        CRFGEN_API_UPLOAD_BURST=str(args.uploads + 5),
    )
    logs = root / "logs"
    token = api_token(env, "bench", "uploader")
    processes = []
    try:
        processes = start_daemon_and_api(env, port, logs)
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
        return run(args, base, port, token, files)
    finally:
        for process in processes:
            stop(process)
        admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
