"""Intake that no file can stop or corrupt: poison files between good ones, links and special files,
over-long names, files still open for writing, crashes between the move and the record, torn records,
a store on another file system. Every case uses real files, real processes and a real sensor tick."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
from hostile_files import ZIPCRYPTO_PASSWORD, _example_members, example_docx_bytes

from crfgen_dagster.defs.ingestion.sensors import build_inbox_sensor
from crfgen_dagster.defs.resources import CRFGenSettings
from crfgen_dagster.file_moves import ChangedWhileMovingError, bounded_name, move_verified
from crfgen_dagster.inbox import INTAKE_RECORD, scan_inbox, stored_intakes

SENSOR = build_inbox_sensor()
SETTLE = 30.0


def _tick(instance: dg.DagsterInstance, data_dir: Path, cursor: str | None = None) -> dg.SensorResult:
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"settings": CRFGenSettings(data_dir=str(data_dir), settle_seconds=SETTLE)},
    )
    result = SENSOR(context)
    assert isinstance(result, dg.SensorResult), f"the sensor tick failed: {result}"
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys or []))
    return result


def _quiet(path: Path, seconds: float = 3600.0) -> None:
    then = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(then, then), follow_symlinks=False)


def _drop(data_dir: Path, name: str, data: bytes, quiet_for: float = 3600.0) -> Path:
    inbox = data_dir / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_bytes(data)
    _quiet(path, quiet_for)
    return path


def _good(n: int) -> bytes:
    return example_docx_bytes() + f"<!-- {n} -->".encode()  # valid, distinct bytes


def _reasons(data_dir: Path) -> dict[str, str]:
    folder = data_dir / "quarantine"
    return {p.name.removesuffix(".reason.txt"): p.read_text() for p in folder.glob("*.reason.txt")}


@pytest.mark.parametrize("poison", ["zipcrypto_docx", "damaged_document_docx", "deflate64_docx"])
def test_a_poison_file_between_two_good_ones_is_quarantined_and_both_run(
    instance, tmp_path: Path, hostile_files: dict[str, Path], poison: str
) -> None:
    _drop(tmp_path, "a_first.docx", _good(1))
    _drop(tmp_path, "b_poison.docx", hostile_files[poison].read_bytes())
    _drop(tmp_path, "c_last.docx", _good(2))
    result = _tick(instance, tmp_path)
    assert sorted(r.tags["crfgen/protocol_file"] for r in result.run_requests) == [
        "a_first.docx",
        "c_last.docx",
    ]
    (name, reason), *others = _reasons(tmp_path).items()
    assert not others and name.endswith("-b_poison.docx") and (tmp_path / "quarantine" / name).is_file()
    assert reason.split(":", 1)[0] in {"ENCRYPTED", "CORRUPT", "UNSUPPORTED_FORMAT"}
    assert list((tmp_path / "inbox").iterdir()) == []


def test_the_zipcrypto_file_is_a_real_encrypted_zip(hostile_files: dict[str, Path]) -> None:
    import zipfile

    with zipfile.ZipFile(hostile_files["zipcrypto_docx"]) as archive:
        assert (
            archive.read("word/document.xml", pwd=ZIPCRYPTO_PASSWORD)
            == _example_members()["word/document.xml"]
        )


def test_a_symlink_is_quarantined_as_a_link_and_never_followed(instance, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "secret.docx"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(_good(3))
    inbox = tmp_path / "data" / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "link.docx").symlink_to(elsewhere)
    _quiet(inbox / "link.docx")
    result = _tick(instance, tmp_path / "data")
    assert result.run_requests == [] and not (tmp_path / "data" / "protocols").exists()
    (name, reason), *_ = _reasons(tmp_path / "data").items()
    assert reason.startswith("REFUSED_LINK") and (tmp_path / "data" / "quarantine" / name).is_symlink()
    assert elsewhere.read_bytes() == _good(3)  # the target is neither moved nor copied


def test_a_fifo_is_quarantined_without_blocking_the_tick(instance, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.mkfifo(inbox / "pipe.docx")
    _drop(tmp_path, "good.docx", _good(4))
    result = _tick(instance, tmp_path)
    assert [r.tags["crfgen/protocol_file"] for r in result.run_requests] == ["good.docx"]
    assert [r.split(":")[0] for r in _reasons(tmp_path).values()] == ["REFUSED_SPECIAL_FILE"]


def test_over_long_names_are_taken_or_quarantined_with_a_reason(instance, tmp_path: Path) -> None:
    long_good = "g" * 245 + ".docx"  # 250 bytes: fits the file system, not with a 24-byte stamp in front
    long_bad = "é" * 120 + ".pdf"  # 244 bytes in UTF-8
    _drop(tmp_path, long_good, _good(5))
    _drop(tmp_path, long_bad, b"")
    _drop(tmp_path, "z-" + long_good[2:], _good(5))  # same bytes again: a duplicate, also stamped
    result = _tick(instance, tmp_path)
    assert [r.tags["crfgen/protocol_file"] for r in result.run_requests] == [long_good]
    assert list((tmp_path / "inbox").iterdir()) == []
    (name, reason), *_ = _reasons(tmp_path).items()
    assert reason.startswith("EMPTY_FILE") and f"original name: {long_bad}" in reason
    assert len(os.fsencode(name + ".reason.txt")) <= 255 and name.endswith(".pdf")
    assert len(list((tmp_path / "protocols").glob("*/duplicates/*.docx"))) == 1


def test_bounded_name_keeps_the_extension_and_whole_characters() -> None:
    name = bounded_name("20260101T000000000000Z-", "試" * 90 + ".docx", reserve=11)
    assert len(os.fsencode(name)) <= 255 - 11 and name.endswith(".docx") and "\ufffd" not in name


def test_a_file_quiet_for_less_than_the_settle_window_is_not_taken(instance, tmp_path: Path) -> None:
    """The old rule took a file unchanged between two ticks: a sender pausing 25 s lost its protocol."""
    path = _drop(tmp_path, "paused.docx", _good(6)[:20_000], quiet_for=SETTLE - 5)
    first = _tick(instance, tmp_path)
    second = _tick(instance, tmp_path, first.cursor)  # unchanged since the last tick, still too recent
    assert first.run_requests == second.run_requests == [] and path.exists()
    path.write_bytes(_good(6))  # the sender resumes and finishes
    _quiet(path, SETTLE + 1)
    third = _tick(instance, tmp_path, second.cursor)
    assert [r.tags["crfgen/protocol_sha256"] for r in third.run_requests] == [
        hashlib.sha256(_good(6)).hexdigest()
    ]


def test_a_file_still_open_for_writing_is_not_taken(instance, tmp_path: Path) -> None:
    path = _drop(tmp_path, "slow.docx", _good(7)[:10_000])
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys,time; f=open(sys.argv[1],'ab'); print('open', flush=True); time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "open"
        _quiet(path)  # size and mtime look long settled, but the writer still holds it
        held = _tick(instance, tmp_path)
        assert held.run_requests == [] and path.exists() and not _reasons(tmp_path)
    finally:
        writer.kill()
        writer.wait()
    path.write_bytes(_good(7))
    _quiet(path)
    assert len(_tick(instance, tmp_path, held.cursor).run_requests) == 1


def test_a_crash_between_the_move_and_the_record_is_completed(instance, tmp_path: Path) -> None:
    """The state a kill between the two steps leaves: the original stored, no intake.json yet."""
    data = _good(8)
    digest = hashlib.sha256(data).hexdigest()
    folder = tmp_path / "protocols" / digest
    folder.mkdir(parents=True)
    (folder / "stranded.docx").write_bytes(data)
    (folder / ".intake-123.partial").write_bytes(data[:100])  # an interrupted copy's temp file
    result = _tick(instance, tmp_path)
    assert [r.run_key for r in result.run_requests] == [digest]
    record = json.loads((folder / INTAKE_RECORD).read_text())
    assert record["file"] == "stranded.docx" and record["sha256"] == digest
    assert sorted(p.name for p in folder.iterdir()) == [INTAKE_RECORD, "stranded.docx"]


def test_a_torn_intake_record_does_not_fail_later_ticks(instance, tmp_path: Path) -> None:
    _drop(tmp_path, "torn.docx", _good(9))
    first = _tick(instance, tmp_path)
    (record,) = (tmp_path / "protocols").glob(f"*/{INTAKE_RECORD}")
    record.write_text(record.read_text()[:25])  # a crash mid-write with the old non-atomic writer
    _drop(tmp_path, "next.docx", _good(10))
    second = _tick(instance, tmp_path, first.cursor)
    assert [r.tags["crfgen/protocol_file"] for r in second.run_requests] == ["next.docx"]
    assert json.loads(record.read_text())["file"] == "torn.docx"  # rebuilt from the stored file
    assert {a.original_name for a in stored_intakes(tmp_path)} == {"torn.docx", "next.docx"}


def _other_device_dir(tmp_path: Path) -> Path:
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK) or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("no second file system (/dev/shm) to move across")
    folder = shm / f"crfgen-intake-test-{os.getpid()}-{tmp_path.name}"
    folder.mkdir()
    return folder


def test_an_inbox_on_another_file_system_is_copied_verified_then_deleted(instance, tmp_path: Path) -> None:
    other = _other_device_dir(tmp_path)
    try:
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        (data_dir / "inbox").symlink_to(other)  # the compose layout: inbox and store on two mounts
        source = other / "mounted.docx"
        source.write_bytes(_good(11))
        _quiet(source)
        scan = scan_inbox(data_dir, {}, settle_seconds=SETTLE)
        (accepted,) = scan.accepted
        assert accepted.stored_path.read_bytes() == _good(11) and not source.exists()
        assert not list(accepted.stored_path.parent.glob(".*"))  # no temp file left behind
    finally:
        shutil.rmtree(other, ignore_errors=True)


def test_a_file_that_changes_during_a_cross_device_move_stays_where_it_was(tmp_path: Path) -> None:
    other = _other_device_dir(tmp_path)
    try:
        source = other / "growing.docx"
        source.write_bytes(_good(12)[:5000])
        size_when_read = source.stat().st_size
        with source.open("ab") as handle:  # the sender writes on after intake read it
            handle.write(_good(12)[5000:])
        with pytest.raises(ChangedWhileMovingError):
            move_verified(source, tmp_path / "growing.docx", size=size_when_read)
        assert source.read_bytes() == _good(12) and list(tmp_path.iterdir()) == []
    finally:
        shutil.rmtree(other, ignore_errors=True)
