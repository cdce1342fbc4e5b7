"""The whole asset graph materialized in-process on the bundled example, in an ephemeral instance."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg

from crfgen_core.cli import main as crf_gen
from crfgen_core.publication.audit import audit_package
from crfgen_core.quality.gates import GATES
from crfgen_core.quality.odm_xsd import odm_xsd_errors

EXPECTED_FILES = {
    "odm.xml",
    "acrf.html",
    "acrf.pdf",
    "acrf_blank.html",
    "acrf_blank.pdf",
    "crf_book.docx",
    "redcap_data_dictionary.csv",
    "redcap_arms.csv",
    "redcap_events.csv",
    "redcap_instrument_event_mapping.csv",
    "redcap_repeating_instruments.csv",
    "mapping.csv",
    "review.md",
    "soa_pages.json",
    "crf_design.json",
    "manifest.json",
}


def _package_dir(instance: dg.DagsterInstance, key: str) -> Path:
    event = instance.get_latest_materialization_event(dg.AssetKey("crf_package"))
    assert event is not None and event.asset_materialization is not None
    assert event.asset_materialization.partition == key
    return Path(str(event.asset_materialization.metadata["package_dir"].value))


def test_every_asset_and_check_succeeds_and_the_package_is_published(example_run) -> None:
    instance, data_dir, key, result = example_run
    assert result.success
    package = _package_dir(instance, key)
    assert package.parent.parent == data_dir / "outbox"
    assert {p.name for p in package.iterdir()} == EXPECTED_FILES
    assert odm_xsd_errors(package / "odm.xml") == []
    evaluations = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    assert len(evaluations) == len(GATES) and all(e.passed for e in evaluations)


def test_manifest_ties_files_to_protocol_ct_code_and_run(example_run) -> None:
    instance, _, key, result = example_run
    package = _package_dir(instance, key)
    manifest = json.loads((package / "manifest.json").read_text())
    assert manifest["dagster_run_id"] == result.run_id
    assert manifest["protocol_sha256"].startswith(key.rsplit("-", 1)[-1])
    assert manifest["ct"][0]["version"] and manifest["code_version"]
    assert set(manifest["upstream_materializations"]) >= {"protocol_document", "crf_design", "odm_xml"}
    assert audit_package(package).ok
    assert crf_gen(["audit", str(package)]) == 0  # 0 = anchored: the ledger under <data> has the record
    event = instance.get_latest_materialization_event(dg.AssetKey("crf_package"))
    assert event is not None and event.asset_materialization is not None
    recorded = event.asset_materialization.metadata["manifest_sha256"].value
    assert recorded == hashlib.sha256((package / "manifest.json").read_bytes()).hexdigest()
    (package / "mapping.csv").write_text("tampered\n")
    report = audit_package(package)
    assert [p for p in report.problems if p.startswith("mapping.csv")]
    assert crf_gen(["audit", str(package)]) == 1


def test_stage_outputs_are_readable_json_with_data_versions_and_metadata(example_run) -> None:
    instance, data_dir, key, _ = example_run
    stored = json.loads((data_dir / "stages" / "crf_design" / f"{key}.json").read_text())
    assert stored["protocol_file"] == "example_protocol.docx" and stored["forms"]
    design = instance.get_latest_materialization_event(dg.AssetKey("crf_design"))
    assert design is not None and design.asset_materialization is not None
    metadata = design.asset_materialization.metadata
    assert metadata["ct_version"].value and int(metadata["forms"].value) > 0
    assert "unmapped_activities" in metadata
    document = instance.get_latest_materialization_event(dg.AssetKey("protocol_document"))
    assert document is not None and document.asset_materialization is not None
    assert document.asset_materialization.tags["dagster/data_version"] == stored["protocol_sha256"]


def test_rebuilding_publishes_a_new_revision_and_never_overwrites(example_run, tmp_path) -> None:
    from crfgen_core.model.design import CRFDesign
    from crfgen_core.publication.publisher import publish_package

    instance, data_dir, key, _ = example_run
    first = _package_dir(instance, key)
    before = (first / "manifest.json").read_bytes()
    design = CRFDesign.model_validate_json((first / "crf_design.json").read_text())
    again = publish_package(design, [first / "odm.xml"], data_dir / "outbox")
    assert again.directory.name == f"{first.name}-r2"
    assert (first / "manifest.json").read_bytes() == before
