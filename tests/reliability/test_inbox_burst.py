"""The whole hostile set, two good protocols, awkward names and a file still being written, dropped into
the inbox in one burst: the sensor never fails, the good files run, nothing is lost or altered."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest
from hostile_files import HOSTILE, ODD_NAMES, example_pdf_bytes

from crfgen_core.examples import example_protocol_path
from crfgen_dagster.defs.ingestion.sensors import build_inbox_sensor
from crfgen_dagster.defs.resources import CRFGenSettings

SENSOR = build_inbox_sensor()


def _apply_partitions(instance: dg.DagsterInstance, result: dg.SensorResult) -> None:
    """What the daemon does with a tick's result before the next tick: add the requested partitions."""
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys or []))


# Refused at intake: identify() alone sees these are not protocols.
REFUSED_BY_SNIFFING = {"zero_byte": "EMPTY_FILE", "text_named_pdf": "CORRUPT"}
# Refused at intake once scan_inbox also runs check_input_limits and check_docx_package (see the patch in
# docs/reliability.md). Damaged PDFs that PDFium still opens (corrupted_pdf, nested_pdf) go to a run,
# where the blocking soa_found check stops them before publication.
REFUSED_WITH_PREFLIGHT = {
    **REFUSED_BY_SNIFFING,
    "truncated_pdf": "CORRUPT",
    "encrypted_pdf": "ENCRYPTED",
    "zip_bomb_docx": "LIMIT_EXCEEDED",
    "macro_docm_as_docx": "UNSUPPORTED_FORMAT",
    "xxe_docx": "UNSUPPORTED_FORMAT",
    "billion_laughs_docx": "UNSUPPORTED_FORMAT",
    # Poison files that used to raise inside the tick (RuntimeError, zlib.error, NotImplementedError)
    # and stop the inbox, lying headers, DTDs the old text search missed, VBA without its content type.
    "zipcrypto_docx": "ENCRYPTED",
    "damaged_content_types_docx": "CORRUPT",
    "damaged_document_docx": "CORRUPT",
    "deflate64_docx": "UNSUPPORTED_FORMAT",
    "lying_zip_docx": "LIMIT_EXCEEDED",
    "dtd_after_comment_docx": "UNSUPPORTED_FORMAT",
    "dtd_after_long_comment_docx": "UNSUPPORTED_FORMAT",
    "vba_without_content_type_docx": "UNSUPPORTED_FORMAT",
}


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        for asset in ("controlled_terminology", "cdisc_standards"):  # reference data present: take files
            inst.report_runless_asset_event(dg.AssetMaterialization(asset))
        yield inst


def _tick(instance: dg.DagsterInstance, data_dir: Path, cursor: str | None) -> dg.SensorResult:
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"settings": CRFGenSettings(data_dir=str(data_dir), settle_seconds=3600.0)},
    )
    result = SENSOR(context)
    assert isinstance(result, dg.SensorResult), f"the sensor tick failed: {result}"
    _apply_partitions(instance, result)
    return result


def _hashes_under(folder: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.name.endswith((".reason.txt", ".json")):
            found.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), []).append(path)
    return found


def _burst(instance: dg.DagsterInstance, data_dir: Path, hostile_files: dict[str, Path]):
    inbox = data_dir / "inbox"
    inbox.mkdir(parents=True)
    dropped: dict[str, str] = {}
    for case_id, source in hostile_files.items():
        target = inbox / f"{case_id}-{source.name}"
        shutil.copyfile(source, target)
        dropped[target.name] = hashlib.sha256(target.read_bytes()).hexdigest()
    for good in ("docx", "pdf"):
        shutil.copyfile(example_protocol_path(good), inbox / f"good.{good}")
    for index, name in enumerate(ODD_NAMES):  # same protocol, one distinguishing byte each
        (inbox / name).write_bytes(example_pdf_bytes() + f"\n%{index}\n".encode())
    for path in inbox.iterdir():  # every file but the one still growing has been quiet for two hours
        then = time.time_ns() - 7200 * 10**9
        os.utime(path, ns=(then, then), follow_symlinks=False)
    full = example_pdf_bytes() + b"\n%growing\n"
    growing = inbox / "growing.pdf"
    growing.write_bytes(full[: len(full) // 2])
    first = _tick(instance, data_dir, None)
    with growing.open("ab") as handle:  # the copy finishes between two ticks
        handle.write(full[len(full) // 2 :])
    second = _tick(instance, data_dir, first.cursor)
    then = time.time_ns() - 7200 * 10**9
    os.utime(growing, ns=(then, then))  # and then stays quiet for the settle window
    results = [first, second]
    for _ in range(2):
        results.append(_tick(instance, data_dir, results[-1].cursor))
    requests = [request for result in results for request in result.run_requests]
    return dropped, requests, hashlib.sha256(full).hexdigest()


def _quarantined_codes(data_dir: Path) -> dict[str, str]:
    codes = {}
    for reason in (data_dir / "quarantine").glob("*.reason.txt"):
        original = reason.with_name(reason.name.removesuffix(".reason.txt"))
        assert original.is_file(), f"a reason without its file: {reason}"
        codes[original.name.split("-", 1)[1]] = reason.read_text().split(":", 1)[0]
    return codes


def test_a_hostile_burst_never_stops_the_sensor_or_loses_a_byte(
    instance: dg.DagsterInstance, tmp_path: Path, hostile_files: dict[str, Path]
) -> None:
    dropped, requests, growing_sha = _burst(instance, tmp_path, hostile_files)
    tags = {r.tags["crfgen/protocol_file"]: r.tags["crfgen/protocol_sha256"] for r in requests}
    good = {hashlib.sha256(example_protocol_path(f).read_bytes()).hexdigest() for f in ("docx", "pdf")}
    assert good <= {r.run_key for r in requests}  # once each, whichever same-bytes name came first
    assert tags["growing.pdf"] == growing_sha  # taken only once complete, never half-written
    assert len({r.run_key for r in requests}) == len(requests)
    quarantined = _quarantined_codes(tmp_path)
    for case_id, code in REFUSED_BY_SNIFFING.items():
        assert quarantined[f"{case_id}-{hostile_files[case_id].name}"] == code
    kept = _hashes_under(tmp_path)
    for name, digest in dropped.items():
        assert digest in kept, f"{name}: original bytes lost"
    # Names starting with "." are what copy tools use while writing: left in the inbox, untouched.
    assert [p.name for p in (tmp_path / "inbox").iterdir()] == ["..pdf"]
    for name in ODD_NAMES[1:]:
        assert name in tags, f"{name!r} was not taken"


def test_every_refusable_hostile_file_is_quarantined_with_its_reason(
    instance: dg.DagsterInstance, tmp_path: Path, hostile_files: dict[str, Path]
) -> None:
    _, requests, _ = _burst(instance, tmp_path, hostile_files)
    quarantined = _quarantined_codes(tmp_path)
    expected = {f"{c}-{hostile_files[c].name}": code for c, code in REFUSED_WITH_PREFLIGHT.items()}
    assert {name: quarantined.get(name) for name in expected} == expected
    assert not {r.tags["crfgen/protocol_file"] for r in requests} & set(expected)
    assert set(HOSTILE) - {c for c in REFUSED_WITH_PREFLIGHT} == {
        "corrupted_pdf",
        "nested_pdf",
        "pdf_named_docx",
        "docx_named_pdf",
    }
