"""A failing blocking check stops everything downstream, says why in one line, and is recorded against
its own protocol version (partition), so a later passing protocol cannot hide it."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import docx
import pytest

from crfgen_core.quality.gates import GateResult
from crfgen_dagster.gate_checks import failure_line
from crfgen_dagster.local_run import materialize_protocol


def _protocol_without_schedule(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("A Phase 2 Study of Nothing in Particular", level=1)
    document.add_paragraph("This protocol has objectives but no Schedule of Activities table.")
    document.save(str(path))
    return path


def _step_failures(result: dg.ExecuteInProcessResult) -> list[dg.DagsterEvent]:
    return [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]


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


def test_blocking_failure_message_names_the_check_and_its_rows(tmp_path: Path) -> None:
    protocol = _protocol_without_schedule(tmp_path / "no_soa.docx")
    with dg.instance_for_test() as instance:
        _, result = materialize_protocol(protocol, tmp_path / "data", instance)
    (failure,) = _step_failures(result)
    data = failure.step_failure_data
    assert failure.step_key == "parsed_protocol"
    assert data.user_failure_data is not None  # a dg.Failure: the UI shows its description first
    message = data.user_failure_data.description or ""
    assert message == (
        "blocking check soa_found failed on parsed_protocol: "
        "rule=schedule, reason=no Schedule of Activities table found"
    )
    assert "\n" not in message and "DagsterAssetCheckFailedError" not in data.error.message


def test_failure_line_keeps_the_first_rows_and_counts_the_rest() -> None:
    rows = [{"oid": f"IT.{i}", "error": "duplicate\n OID"} for i in range(5)]
    result = GateResult("item_oids_unique_not_null", "crf_design", False, "unique", 9, rows, "5 dup")
    assert failure_line(result) == (
        "blocking check item_oids_unique_not_null failed on crf_design (observed 5 dup): "
        "oid=IT.0, error=duplicate OID; oid=IT.1, error=duplicate OID; oid=IT.2, error=duplicate OID; "
        "+2 more row(s) in the check's failures table"
    )


@pytest.fixture(scope="module")
def two_protocols(example_run, tmp_path_factory: pytest.TempPathFactory):
    """The published example and a protocol without an SoA, in the same instance, failed one last."""
    instance, data_dir, passed_key, _ = example_run
    folder = tmp_path_factory.mktemp("no_soa")
    no_soa = _protocol_without_schedule(folder / "no_soa.docx")
    failed_key, _ = materialize_protocol(no_soa, data_dir, instance)
    return instance, passed_key, failed_key


def _latest_evaluation(instance: dg.DagsterInstance, asset: str, check: str, partition: str):
    history = instance.event_log_storage.get_asset_check_execution_history(
        dg.AssetCheckKey(dg.AssetKey(asset), check), limit=20
    )
    mine = [r for r in history if r.partition == partition and r.event is not None]
    assert mine, f"no {check} evaluation recorded for partition {partition}"
    return mine[0].event.dagster_event.asset_check_evaluation_data


def test_check_results_are_recorded_per_protocol_version(two_protocols) -> None:
    instance, passed_key, failed_key = two_protocols
    assert _latest_evaluation(instance, "parsed_protocol", "soa_found", passed_key).passed
    assert not _latest_evaluation(instance, "parsed_protocol", "soa_found", failed_key).passed
    # the published protocol keeps its own passing design checks although a later run failed
    assert _latest_evaluation(instance, "crf_design", "mapping_coverage", passed_key).passed
