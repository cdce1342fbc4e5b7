"""A failing blocking check stops everything downstream: no crf_package is published."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import docx

from crfgen_dagster.local_run import materialize_protocol


def _protocol_without_schedule(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("A Phase 2 Study of Nothing in Particular", level=1)
    document.add_paragraph("This protocol has objectives but no Schedule of Activities table.")
    document.save(str(path))
    return path


def test_soa_check_failure_stops_crf_package(tmp_path: Path) -> None:
    protocol = _protocol_without_schedule(tmp_path / "no_soa.docx")
    with dg.instance_for_test() as instance:
        _, result = materialize_protocol(protocol, tmp_path / "data", instance)
        assert not result.success
        failed = [
            e.asset_check_evaluation_data
            for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed
        ]
        assert [e.check_name for e in failed] == ["soa_found"]
        assert "no Schedule of Activities" in str(failed[0].metadata["failures"].value)
        # the checked asset is stored; nothing downstream of it is
        assert instance.get_latest_materialization_event(dg.AssetKey("parsed_protocol")) is not None
        for asset in ("crf_design", "odm_xml", "crf_package"):
            assert instance.get_latest_materialization_event(dg.AssetKey(asset)) is None, asset
    assert not (tmp_path / "data" / "outbox").exists()
