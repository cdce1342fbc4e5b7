"""The deployment topology as processes on this machine, for issue 16's must-show (run by hand).

A private PostgreSQL cluster (initdb on a free port, so stopping it harms nobody), `alembic upgrade head`
for the review store, then the five services of deploy/docker-compose.yml as processes: the user-code
gRPC server, the webserver and the daemon loading it through a grpc_server workspace, and the API. A
protocol is uploaded over HTTP, built by the run the daemon's sensor launches, downloaded over HTTP; then
PostgreSQL is stopped and /health/ready must answer 503 while /health stays 200.

    .venv/bin/python benchmarks/api_topology.py [--protocol ../shared/corpus/protocols/.../X.pdf]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
PG_BIN = Path("/usr/lib/postgresql") / sorted(os.listdir("/usr/lib/postgresql"))[-1] / "bin"
sys.path.insert(0, str(REPO / "tests" / "api"))
from daemon_and_api import free_port, instance_env  # noqa: E402

DEFAULT_PROTOCOL = REPO.parent / "shared/corpus/protocols/cdisc_pilot_lzzt/CDISC_Pilot_Study.pdf"


def as_postgres(*command: str) -> None:
    """initdb and pg_ctl refuse to run as root: run them as the postgres account when we are root."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True)


def wait_for(what: str, condition: Callable[[], bool], seconds: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.5)
    raise SystemExit(f"timed out after {seconds:.0f} s waiting for {what}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--protocol", type=Path, default=DEFAULT_PROTOCOL)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="crfgen-topology-"))
    pg_port, grpc_port, ui_port, api_port = free_port(), free_port(), free_port(), free_port()
    # the private cluster's own `postgres` database holds both the instance and the review store
    env = instance_env(work, "postgres", DAGSTER_PG_PORT=str(pg_port), CRFGEN_REVIEW_PG_DB="postgres")
    cluster, home, logs = work / "pg", Path(env["DAGSTER_HOME"]), work / "logs"
    if os.geteuid() == 0:
        os.chown(work, pwd.getpwnam("postgres").pw_uid, -1)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    started = False
    try:
        as_postgres(str(PG_BIN / "initdb"), "-D", str(cluster), "-A", "trust", "-U", "postgres")
        as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(cluster), "-l", str(work / "pg.log"), "-w", "start",
            "-o", f"-p {pg_port} -k {work} -c listen_addresses=127.0.0.1",
        )  # fmt: skip
        started = True
        print(f"postgres: private cluster on 127.0.0.1:{pg_port}")
        (home / "workspace.yaml").write_text(
            f"load_from:\n  - grpc_server:\n      host: 127.0.0.1\n      port: {grpc_port}\n"
            "      location_name: crfgen\n"
        )
        migrated = subprocess.run([str(BIN / "alembic"), "upgrade", "head"], cwd=REPO, env=env,
                                  capture_output=True, text=True)  # fmt: skip
        print(f"alembic upgrade head: exit {migrated.returncode}")
        token = subprocess.run(
            [str(BIN / "crf-gen"), "api-token", "create", "--name", "topology", "--role", "admin"],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        commands = {
            "user_code": [str(BIN / "dagster"), "api", "grpc", "-m", "crfgen_dagster.definitions",
                          "-h", "127.0.0.1", "-p", str(grpc_port)],
            "webserver": [str(BIN / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(ui_port),
                          "-w", str(home / "workspace.yaml")],
            "daemon": [str(BIN / "dagster-daemon"), "run", "-w", str(home / "workspace.yaml")],
            "api": [str(BIN / "crf-gen-api"), "--port", str(api_port), "--log-level", "warning"],
        }  # fmt: skip
        for name, command in commands.items():
            with (logs / f"{name}.log").open("wb") as log:
                processes[name] = subprocess.Popen(
                    command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
        auth = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{api_port}", timeout=30) as api:

            def status(path: str) -> int:
                try:
                    return api.get(path).status_code
                except httpx.TransportError:
                    return 0

            def ui_answers() -> bool:
                try:
                    return httpx.get(f"http://127.0.0.1:{ui_port}/server_info", timeout=5).status_code == 200
                except httpx.TransportError:
                    return False

            ready = wait_for("/health/ready 200", lambda: status("/health/ready") == 200, 240)
            wait_for("the webserver", ui_answers, 120)
            alive = {name: process.poll() is None for name, process in processes.items()}
            print(f"services up (ready after {ready:.1f} s): {alive}")
            sent = time.monotonic()
            upload = api.post(
                "/protocols", headers=auth, files={"file": (args.protocol.name, args.protocol.read_bytes())}
            )
            print(f"POST /protocols {args.protocol.name}: {upload.status_code} {upload.json()}")
            key = upload.json()["version_key"]

            def state() -> str:
                return str(api.get(f"/protocols/{key}", headers=auth).json().get("state"))

            wait_for("published", lambda: state() in ("published", "failed", "quarantined"), 600)
            final = api.get(f"/protocols/{key}", headers=auth).json()
            print(f"GET /protocols/{key}: state {final['state']} after {time.monotonic() - sent:.1f} s")
            study, version = final["package"].split("/")
            download = api.get(f"/packages/{study}/{version}/download", headers=auth)
            with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
                names = sorted(Path(name).name for name in archive.namelist())
            print(f"GET /packages/{study}/{version}/download: {download.status_code}, "
                  f"{len(download.content)} bytes, {len(names)} files: {', '.join(names)}")  # fmt: skip
            as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(cluster), "-m", "fast", "-w", "stop")
            started = False
            print("postgres: stopped (pg_ctl stop -m fast)")
            down = api.get("/health/ready")
            failed = {c["name"]: c["detail"] for c in down.json()["checks"] if c["status"] == "FAIL"}
            print(f"GET /health/ready: {down.status_code}; failing checks: {json.dumps(failed)[:400]}")
            print(f"GET /health: {status('/health')}")
            ok = final["state"] == "published" and download.status_code == 200 and down.status_code == 503
        print("topology:", "PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if started:
            as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(cluster), "-m", "immediate", "stop")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
