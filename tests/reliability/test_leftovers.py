"""Temporary files a killed run or upload left behind are removed by the next inbox tick, once older than
the grace period and held open by nobody; live ones are left alone. Real processes killed with SIGKILL,
real files, a real sensor tick."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg

from crfgen_dagster.defs.ingestion.sensors import build_inbox_sensor
from crfgen_dagster.defs.resources import CRFGenSettings
from crfgen_dagster.leftovers import UPLOAD_STAGING_PREFIX, scratch_dir

SENSOR = build_inbox_sensor()
GRACE = 600.0

# A run's publication step: the real scratch folder, a protocol-derived file written and closed, then
# the process waits (to be killed) with or without a file held open for writing.
RUN_KILLED_IN_SCRATCH = """
import sys, time
from pathlib import Path
from crfgen_dagster.leftovers import supporting_scratch
with supporting_scratch(Path(sys.argv[1])) as scratch:
    (scratch / "supporting").mkdir()
    (scratch / "supporting" / "design.json").write_text('{"study": "derived from a protocol"}')
    held = open(scratch / "supporting" / "review.html", "w") if sys.argv[2] == "hold" else None
    print(scratch, flush=True)
    time.sleep(120)
"""


def _tick(instance: dg.DagsterInstance, data_dir: Path) -> None:
    settings = CRFGenSettings(data_dir=str(data_dir), leftover_grace_seconds=GRACE)
    result = SENSOR(dg.build_sensor_context(instance=instance, resources={"settings": settings}))
    assert isinstance(result, dg.SensorResult | dg.SkipReason)
    assert "error" not in str(getattr(result, "skip_message", "") or ""), result


def _age(path: Path, seconds: float = 3600.0) -> None:
    """Make a leftover look `seconds` old: the folder and everything in it."""
    then = time.time_ns() - int(seconds * 1e9)
    for entry in [path, *path.rglob("*")]:
        os.utime(entry, ns=(then, then), follow_symlinks=False)


def _start_run(data_dir: Path, mode: str) -> tuple[subprocess.Popen[str], Path]:
    run = subprocess.Popen(
        [sys.executable, "-c", RUN_KILLED_IN_SCRATCH, str(data_dir), mode], stdout=subprocess.PIPE, text=True
    )
    assert run.stdout is not None
    return run, Path(run.stdout.readline().strip())


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_a_killed_runs_supporting_folder_is_removed_after_the_grace_period(instance, tmp_path: Path) -> None:
    run, scratch = _start_run(tmp_path, "closed")
    _kill(run)  # killed inside the `with`: nothing removed it
    assert scratch.parent == scratch_dir(tmp_path) and (scratch / "supporting" / "design.json").is_file()
    _tick(instance, tmp_path)
    assert scratch.is_dir(), "a leftover younger than the grace period was removed"
    _age(scratch)
    _tick(instance, tmp_path)
    assert not scratch.exists() and list(scratch_dir(tmp_path).iterdir()) == []


def test_an_old_folder_still_held_open_by_a_live_run_is_kept(instance, tmp_path: Path) -> None:
    run, scratch = _start_run(tmp_path, "hold")
    try:
        _age(scratch)
        _tick(instance, tmp_path)
        assert (scratch / "supporting" / "design.json").is_file(), "a live run's files were removed"
    finally:
        _kill(run)
    _tick(instance, tmp_path)
    assert not scratch.exists()


def test_an_interrupted_upload_staging_folder_is_removed_and_the_inbox_still_works(
    instance, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    staged = inbox / f"{UPLOAD_STAGING_PREFIX}k1ll3d"
    staged.mkdir(parents=True)
    (staged / "protocol.pdf").write_bytes(b"%PDF-1.7\n" + b"0" * 4096)  # cut off mid-upload
    fresh = inbox / f"{UPLOAD_STAGING_PREFIX}inflight"
    fresh.mkdir()
    (fresh / "other.pdf").write_bytes(b"%PDF-1.7\n")
    _age(staged)
    _tick(instance, tmp_path)
    assert not staged.exists() and (fresh / "other.pdf").is_file()
    assert not (tmp_path / "quarantine").exists() or not any((tmp_path / "quarantine").iterdir())


def test_interrupted_move_temp_files_in_quarantine_and_duplicates_are_removed(
    instance, tmp_path: Path
) -> None:
    quarantined = tmp_path / "quarantine"
    duplicates = tmp_path / "protocols" / ("a" * 64) / "duplicates"
    for folder in (quarantined, duplicates):
        folder.mkdir(parents=True)
    old_copy = quarantined / ".intake-x1.partial"
    old_dup = duplicates / ".intake-x2.partial"
    kept_reason = quarantined / "20260101T000000000000Z-bad.pdf.reason.txt"
    young = quarantined / ".intake-x3.partial"
    for path in (old_copy, old_dup, kept_reason, young):
        path.write_bytes(b"partial")
    for path in (old_copy, old_dup, kept_reason):
        _age(path)
    _tick(instance, tmp_path)
    assert not old_copy.exists() and not old_dup.exists()
    assert kept_reason.is_file() and young.is_file()  # not a temp name / within the grace period
