"""Burst: valid and hostile protocols dropped at once under the real dagster-daemon on PostgreSQL.

    .venv/bin/python benchmarks/bench_burst_postgres.py [--count 50] [--max-concurrent 2]

A throwaway database on the PostgreSQL server at 127.0.0.1:5432 (user postgres, dropped afterwards)
backs a fresh DAGSTER_HOME (the repository's dagster.yaml, PostgreSQL selected by DAGSTER_PG_URL). The
inbox receives, all at once: a poison DOCX first in name order (ZipCrypto members, which used to fail
every tick), every hostile file intake must refuse (tests/reliability/hostile_files.py), and valid
copies of the bundled example (PDF and DOCX, each with distinct bytes) up to --count. The daemon runs
until every file has ended published or quarantined (or a run fails, or --timeout passes). Printed:
published + quarantined against dropped, valid protocols without a package, runs by status, files left
in the inbox, tracebacks in the daemon log, wall time. Exit 0 only when nothing is lost.
"""

from __future__ import annotations

import argparse
import hashlib
import json
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
import psycopg2

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "reliability"))
from hostile_files import HOSTILE, example_docx_bytes, example_pdf_bytes  # noqa: E402
from process_tree import stop_tree  # noqa: E402  (this folder: on sys.path when run as a script)

POISON = "zipcrypto_docx"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def admin(statement: str) -> None:
    conn = psycopg2.connect(dbname="postgres", connect_timeout=5, **PG)  # type: ignore[arg-type]
    conn.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
    finally:
        conn.close()


def drop_burst(inbox: Path, count: int, build: Path) -> tuple[dict[str, str], list[str]]:
    """Write every file under a dot name, then rename in name order; return ({valid name: sha256},
    hostile names). The poison file sorts first, so the sensor meets it before every good file."""
    refused = [case for case, spec in HOSTILE.items() if spec.expect != "read" and "read" not in spec.also]
    files: dict[str, bytes] = {f"000-poison-{POISON}.docx": HOSTILE[POISON].build(build).read_bytes()}
    for case in refused:
        if case != POISON:
            built = HOSTILE[case].build(build)
            files[f"001-hostile-{case}{built.suffix}"] = built.read_bytes()
    valid: dict[str, str] = {}
    for index in range(max(count - len(files), 0)):
        if index % 2:
            name, data = f"100-valid-{index:03d}.docx", example_docx_bytes() + f"<!-- {index} -->".encode()
        else:
            name, data = f"100-valid-{index:03d}.pdf", example_pdf_bytes() + f"\n% burst {index}\n".encode()
        files[name] = data
        valid[name] = hashlib.sha256(data).hexdigest()
    inbox.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (inbox / f".{name}").write_bytes(data)
    for name in sorted(files):
        os.rename(inbox / f".{name}", inbox / name)
    return valid, [name for name in files if name not in valid]


def published_sha256s(outbox: Path) -> set[str]:
    return {
        json.loads(manifest.read_text())["protocol_sha256"] for manifest in outbox.glob("*/*/manifest.json")
    }


def quarantined_names(quarantine: Path) -> set[str]:
    """Names as dropped: the stamp before the first '-' removed from each reason file's name."""
    return {
        reason.name.removesuffix(".reason.txt").split("-", 1)[1] for reason in quarantine.glob("*.reason.txt")
    }


def run_counts(env: dict[str, str]) -> dict[str, int]:
    os.environ.update({key: env[key] for key in ("DAGSTER_HOME", "DAGSTER_PG_URL")})
    with dg.DagsterInstance.get() as instance:
        counts: dict[str, int] = {}
        for run in instance.get_runs():
            key = f"{run.job_name}:{run.status.value}"
            counts[key] = counts.get(key, 0) + 1
        return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="files dropped in all (hostile ones included)")
    parser.add_argument("--max-concurrent", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=2400.0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="crfgen-burst-"))
    home = work / "dagster_home"
    home.mkdir()
    config = (REPO / "dagster.yaml").read_text()
    config = re.sub(r"max_concurrent_runs: \d+", f"max_concurrent_runs: {args.max_concurrent}", config)
    (home / "dagster.yaml").write_text(config)
    db_name = f"crfgen_burst_{uuid.uuid4().hex[:10]}"
    admin(f'CREATE DATABASE "{db_name}"')
    try:
        return measure(args, work, db_name)
    finally:  # also on Ctrl-C or an error: the shared server keeps no database of ours
        admin(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        if args.keep:
            print(f"kept                   {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def measure(args: argparse.Namespace, work: Path, db_name: str) -> int:
    home, data = work / "dagster_home", work / "data"
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_URL": f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{db_name}",
        "CRFGEN_DATA_DIR": str(data),
        "CRFGEN_SETTLE_SECONDS": "2",
        "CRFGEN_INBOX_INTERVAL_SECONDS": "2",
        "DAGSTER_DISABLE_TELEMETRY": "1",
    }
    env.pop("DAGSTER_PG_DB", None)
    build = work / "build"
    build.mkdir()
    valid, hostile = drop_burst(data / "inbox", args.count, build)
    dropped = len(valid) + len(hostile)
    log_path = work / "daemon.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        daemon_exe = str(Path(sys.executable).with_name("dagster-daemon"))
        daemon = subprocess.Popen(
            [daemon_exe, "run", "-w", str(REPO / "workspace.yaml")],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            while time.monotonic() - started < args.timeout and daemon.poll() is None:
                published = published_sha256s(data / "outbox") & set(valid.values())
                if len(published) + len(quarantined_names(data / "quarantine")) >= dropped:
                    break
                time.sleep(1.0)
            wall = time.monotonic() - started
        finally:
            stop_tree(daemon, wait=20)
    counts = run_counts(env)
    published = published_sha256s(data / "outbox") & set(valid.values())
    quarantined = quarantined_names(data / "quarantine")
    lost_valid = sorted(name for name, sha in valid.items() if sha not in published)
    lost_hostile = sorted(set(hostile) - quarantined)
    left = sorted(path.name for path in (data / "inbox").iterdir())
    tracebacks = log_path.read_text(errors="replace").count("Traceback")
    print(f"dropped                {dropped} ({len(valid)} valid, {len(hostile)} hostile, poison first)")
    print(f"published (valid)      {len(published)}")
    print(f"quarantined            {len(quarantined)} (hostile: {len(set(hostile) & quarantined)})")
    print(f"published+quarantined  {len(published) + len(quarantined)} of {dropped}")
    print(f"valid not published    {lost_valid or 'none'}")
    print(f"hostile not quarantined {lost_hostile or 'none'}")
    print(f"runs by job:status     {counts}")
    print(f"left in inbox          {left or 'nothing'}")
    print(f"tracebacks in log      {tracebacks}")
    print(f"wall time              {wall:.1f} s (daemon start to the last file's end)")
    print(f"max concurrent runs    {args.max_concurrent}")
    lost = lost_valid or lost_hostile or len(published) + len(quarantined) != dropped
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
