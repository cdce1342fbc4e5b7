"""Inbox sensor: stable-file rule, sha256 dedupe, quarantine, a burst of 50, reference-data bootstrap."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from pathlib import Path

import dagster as dg

from crfgen_core.examples import example_protocol_path
from crfgen_dagster.defs.ingestion.sensors import build_inbox_sensor
from crfgen_dagster.defs.resources import CRFGenSettings

SENSOR = build_inbox_sensor()


def tick(
    instance: dg.DagsterInstance,
    data_dir: Path,
    cursor: str | None = None,
    settle: float = 3600.0,
    apply: bool = True,
):
    """Evaluate one tick; like the daemon, record the partitions it adds unless `apply` is False."""
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"settings": CRFGenSettings(data_dir=str(data_dir), settle_seconds=settle)},
    )
    result = SENSOR(context)
    for request in getattr(result, "dynamic_partitions_requests", None) or []:
        if apply:
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    return result


def drop(data_dir: Path, name: str, content: bytes | None = None) -> Path:
    inbox = data_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    target = inbox / name
    if content is None:
        shutil.copyfile(example_protocol_path("docx"), target)
    else:
        target.write_bytes(content)
    return target


def settled(path: Path, seconds_ago: float = 7200.0) -> None:
    """Give a file the mtime of one last written `seconds_ago`: it has been quiet that long."""
    then = time.time_ns() - int(seconds_ago * 1e9)
    os.utime(path, ns=(then, then))


def test_a_file_is_taken_only_once_unchanged_across_two_ticks(instance, tmp_path: Path) -> None:
    path = drop(tmp_path, "study.docx")
    first = tick(instance, tmp_path)
    assert not first.run_requests and path.exists()
    with path.open("ab") as handle:  # still being written: signature changes, still not taken
        handle.write(b"\0")
    second = tick(instance, tmp_path, first.cursor)
    assert not second.run_requests
    shutil.copyfile(example_protocol_path("docx"), path)
    os.utime(path, ns=(1, 1))
    third = tick(instance, tmp_path, second.cursor)
    fourth = tick(instance, tmp_path, third.cursor)
    requests = [*third.run_requests, *fourth.run_requests]
    assert len(requests) == 1 and requests[0].partition_key.startswith("study-")
    assert not path.exists()
    stored = list((tmp_path / "protocols").glob("*/study.docx"))
    assert len(stored) == 1 and requests[0].run_key == stored[0].parent.name


def test_a_file_about_to_settle_is_waited_for_and_taken_in_the_same_tick(instance, tmp_path: Path) -> None:
    drop(tmp_path, "fresh.docx")  # just written; stable 1 s from now, sooner than the next tick
    started = time.monotonic()
    result = tick(instance, tmp_path, settle=1.0)
    assert len(result.run_requests) == 1 and json.loads(result.cursor) == {}
    assert 0.9 <= time.monotonic() - started < 4


def test_a_file_dropped_while_a_watching_tick_runs_is_taken_by_that_tick(instance, tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir(parents=True)
    context = dg.build_sensor_context(
        instance=instance,
        resources={"settings": CRFGenSettings(data_dir=str(tmp_path), settle_seconds=0.5)},
    )
    dropper = threading.Timer(0.5, lambda: drop(tmp_path, "late.docx"))
    dropper.start()
    watching = build_inbox_sensor(watch_seconds=30.0)(context)  # ends once the file is taken
    dropper.join()
    assert [r.tags["crfgen/protocol_file"] for r in watching.run_requests] == ["late.docx"]
    assert not (tmp_path / "inbox" / "late.docx").exists()


def test_a_tick_that_does_not_watch_misses_a_file_dropped_after_it_scanned(instance, tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir(parents=True)
    result = tick(instance, tmp_path, settle=0.5)
    drop(tmp_path, "late.docx")
    assert result.run_requests == []


def test_a_file_that_changes_while_waited_for_is_left_to_settle(instance, tmp_path: Path) -> None:
    path = drop(tmp_path, "growing.docx")

    def one_more_byte() -> None:
        with path.open("ab") as handle:
            handle.write(b"\0")

    append = threading.Timer(0.3, one_more_byte)
    append.start()
    result = tick(instance, tmp_path, settle=1.0)
    append.join()
    assert result.run_requests == [] and path.exists()
    assert json.loads(result.cursor)["growing.docx"][0] == path.stat().st_size


def test_an_old_enough_file_is_taken_on_first_sight(instance, tmp_path: Path) -> None:
    drop(tmp_path, "settled.docx")
    result = tick(instance, tmp_path, settle=0.0)
    assert len(result.run_requests) == 1
    assert result.dynamic_partitions_requests[0].partition_keys == [result.run_requests[0].partition_key]


def published(instance: dg.DagsterInstance, partition_key: str) -> None:
    instance.report_runless_asset_event(dg.AssetMaterialization("crf_package", partition=partition_key))


def test_bytes_of_a_published_version_start_no_run_and_the_copy_is_kept(instance, tmp_path: Path) -> None:
    drop(tmp_path, "a.docx")
    (first,) = tick(instance, tmp_path, settle=0.0).run_requests
    published(instance, first.partition_key)
    drop(tmp_path, "a_again.docx")
    assert tick(instance, tmp_path, settle=0.0).run_requests == []
    assert len(list((tmp_path / "protocols").glob("*/duplicates/*a_again.docx"))) == 1


def test_a_version_that_did_not_publish_runs_again_when_dropped_again(instance, tmp_path: Path) -> None:
    drop(tmp_path, "failed.docx")
    (first,) = tick(instance, tmp_path, settle=0.0).run_requests  # its run failed: nothing published
    drop(tmp_path, "failed.docx")
    (retry,) = tick(instance, tmp_path, settle=0.0).run_requests
    assert retry.partition_key == first.partition_key and retry.run_key != first.run_key
    assert retry.tags["crfgen/trigger"] == "inbox_retry"
    drop(tmp_path, "failed.docx")  # each drop is one more attempt (run keys never collide)
    (again,) = tick(instance, tmp_path, settle=0.0).run_requests
    assert again.run_key not in {first.run_key, retry.run_key}
    published(instance, first.partition_key)
    drop(tmp_path, "failed.docx")
    assert tick(instance, tmp_path, settle=0.0).run_requests == []


def test_a_version_whose_run_is_in_progress_is_not_started_twice(instance, tmp_path: Path) -> None:
    drop(tmp_path, "busy.docx")
    (first,) = tick(instance, tmp_path, settle=0.0).run_requests
    instance.add_run(
        dg.DagsterRun(
            job_name="protocol_job",
            run_id=str(uuid.uuid4()),
            status=dg.DagsterRunStatus.STARTED,
            tags={"dagster/partition": first.partition_key},
        )
    )
    drop(tmp_path, "busy.docx")
    assert tick(instance, tmp_path, settle=0.0).run_requests == []


def test_the_same_bytes_twice_in_one_tick_start_one_run(instance, tmp_path: Path) -> None:
    drop(tmp_path, "one.docx")
    drop(tmp_path, "two.docx")
    assert len(tick(instance, tmp_path, settle=0.0).run_requests) == 1


def test_unsupported_and_empty_files_are_quarantined_with_a_reason(instance, tmp_path: Path) -> None:
    drop(tmp_path, "notes.txt", b"just some text")
    drop(tmp_path, "empty.pdf", b"")
    drop(tmp_path, "copying.docx.part", b"partial")
    result = tick(instance, tmp_path, settle=0.0)
    assert result.run_requests == []
    reasons = {p.name: p.read_text() for p in (tmp_path / "quarantine").glob("*.reason.txt")}
    assert len(reasons) == 2
    assert any("UNSUPPORTED_FORMAT" in text for text in reasons.values())
    assert any("EMPTY_FILE" in text for text in reasons.values())
    assert (tmp_path / "inbox" / "copying.docx.part").exists()  # an in-progress copy is left alone
    assert result.skip_reason is not None
    summary = result.skip_reason.skip_message or ""
    assert "quarantined 2: empty.pdf (EMPTY_FILE), notes.txt (UNSUPPORTED_FORMAT)" in summary


def test_each_quarantined_file_is_an_observation_of_the_quarantine_asset(instance, tmp_path: Path) -> None:
    drop(tmp_path, "notes.txt", b"just some text")
    drop(tmp_path, "good.docx")
    result = tick(instance, tmp_path, settle=0.0)
    assert len(result.run_requests) == 1  # a tick that starts runs still records what it refused
    for event in result.asset_events:  # as the daemon does with a tick's asset events
        instance.report_runless_asset_event(event)
    (record,) = instance.fetch_observations(dg.AssetKey("quarantine"), limit=10).records
    observation = record.asset_observation
    assert observation is not None
    metadata = {k: v.value for k, v in observation.metadata.items()}
    assert metadata["file"] == "notes.txt" and metadata["code"] == "UNSUPPORTED_FORMAT"
    assert Path(str(metadata["quarantined_as"])).is_file() and metadata["reason"]
    assert Path(str(metadata["quarantined_as"])).parent == tmp_path / "quarantine"


def test_a_burst_of_50_files_yields_50_distinct_run_requests(instance, tmp_path: Path) -> None:
    original = example_protocol_path("docx").read_bytes()
    for n in range(50):
        drop(tmp_path, f"protocol_{n:02d}.docx", original + f"<!-- {n} -->".encode())  # distinct bytes
    first = tick(instance, tmp_path)
    assert first.run_requests == [] and len(json.loads(first.cursor)) == 50  # just written: settling
    for path in (tmp_path / "inbox").iterdir():
        settled(path)
    second = tick(instance, tmp_path, first.cursor)
    keys = [r.partition_key for r in second.run_requests]
    assert len(keys) == 50 and len(set(keys)) == 50 and len({r.run_key for r in second.run_requests}) == 50
    assert {r.job_name for r in second.run_requests} == {"protocol_job"}
    assert tick(instance, tmp_path, second.cursor).run_requests == []


def test_reference_data_are_requested_first_and_files_wait(tmp_path: Path) -> None:
    drop(tmp_path, "waiting.docx")
    with dg.instance_for_test() as fresh:
        result = tick(fresh, tmp_path, settle=0.0)
    assert [r.job_name for r in result.run_requests] == ["reference_data_job"]
    assert (tmp_path / "inbox" / "waiting.docx").exists()


def test_the_sensor_never_raises(instance, tmp_path: Path) -> None:
    (tmp_path / "inbox").parent.mkdir(exist_ok=True)
    (tmp_path / "inbox").write_text("a file where the inbox folder should be")
    result = tick(instance, tmp_path)
    assert isinstance(result, dg.SkipReason) and "inbox sensor error" in (result.skip_message or "")


def test_a_taken_file_whose_tick_failed_is_requested_again(instance, tmp_path: Path) -> None:
    drop(tmp_path, "orphan.docx")
    first = tick(instance, tmp_path, settle=0.0, apply=False)
    assert len(first.run_requests) == 1  # the result is lost: its partition was never added
    again = tick(instance, tmp_path, settle=0.0)
    assert [r.run_key for r in again.run_requests] == [first.run_requests[0].run_key]
