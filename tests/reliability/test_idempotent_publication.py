"""Idempotency: the same bytes publish once (once published, dropping them again starts no run), changed
bytes under the same name are a new version, and a published package is never overwritten, not even when
someone tries."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import dagster as dg
import pytest

from crfgen_core.examples import example_protocol_path
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.pipeline import generate
from crfgen_core.publication.atomic_dir import PackageExistsError, atomic_directory
from crfgen_core.publication.publisher import publish_package
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct
from crfgen_dagster.defs.ingestion.sensors import build_inbox_sensor
from crfgen_dagster.defs.resources import CRFGenSettings

SENSOR = build_inbox_sensor()


def _apply_partitions(instance: dg.DagsterInstance, result: dg.SensorResult) -> None:
    """What the daemon does with a tick's result before the next tick: add the requested partitions."""
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys or []))


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _take(instance: dg.DagsterInstance, data_dir: Path, name: str, data: bytes) -> list[dg.RunRequest]:
    (data_dir / "inbox").mkdir(parents=True, exist_ok=True)
    (data_dir / "inbox" / name).write_bytes(data)
    context = dg.build_sensor_context(
        instance=instance, resources={"settings": CRFGenSettings(data_dir=str(data_dir), settle_seconds=0.0)}
    )
    result = SENSOR(context)
    assert isinstance(result, dg.SensorResult), f"the sensor tick failed: {result}"
    _apply_partitions(instance, result)
    return list(result.run_requests)


def test_same_file_twice_runs_once_and_a_changed_file_is_a_new_version(
    tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    original = example_protocol_path("docx").read_bytes()
    first = _take(instance, tmp_path, "study.docx", original)
    # Its run published the package (a failed run would be retried by dropping the file again).
    instance.report_runless_asset_event(
        dg.AssetMaterialization("crf_package", partition=first[0].partition_key)
    )
    again = _take(instance, tmp_path, "study.docx", original)
    changed = _take(instance, tmp_path, "study.docx", original + b"\0")
    assert len(first) == 1 and again == [] and len(changed) == 1
    assert changed[0].partition_key != first[0].partition_key
    assert changed[0].partition_key.startswith("study-") and first[0].partition_key.startswith("study-")
    assert len(list((tmp_path / "protocols").glob("*/duplicates/*study.docx"))) == 1


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("outbox") / "pkg"
    generate(example_protocol_path("pdf"), target)
    return target


def test_atomic_directory_refuses_an_existing_package_and_leaves_it_alone(published: Path) -> None:
    before = _tree(published)
    with pytest.raises(PackageExistsError), atomic_directory(published) as staging:
        (staging / "manifest.json").write_text("{}")
    assert _tree(published) == before
    assert not list(published.parent.glob(".pkg.*.partial"))


def test_generate_into_an_existing_package_fails_without_touching_it(published: Path) -> None:
    before = _tree(published)
    with pytest.raises(PackageExistsError):
        generate(example_protocol_path("docx"), published)
    assert _tree(published) == before


def test_republishing_the_same_design_is_a_new_revision_not_an_overwrite(tmp_path: Path) -> None:
    design = design_crf(
        read_protocol(example_protocol_path("pdf")), load_bundled_ct(), load_bundled_standards()
    )
    rendered = tmp_path / "rendered"
    rendered.mkdir()
    shutil.copyfile(example_protocol_path("pdf"), rendered / "source.pdf")
    first = publish_package(design, [rendered / "source.pdf"], tmp_path / "outbox")
    before = _tree(first.directory)
    second = publish_package(design, [rendered / "source.pdf"], tmp_path / "outbox")
    assert second.directory != first.directory and second.directory.name.endswith("-r2")
    assert _tree(first.directory) == before
