"""A new CT version: the nightly schedule's target, the impact report, and rebuild or flag of old designs."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from crfgen_core.examples import example_protocol_path
from crfgen_core.terminology.bundled import bundled_sdtm_bytes
from crfgen_dagster.definitions import defs as load_defs
from crfgen_dagster.defs.resources import settings_from_env
from crfgen_dagster.defs.terminology.schedules import ct_refresh_schedule
from crfgen_dagster.defs.terminology.sensors import ct_change_sensor
from crfgen_dagster.local_run import materialize_protocol

NEWER = "2025-06-27"


def _newer_ct_folder(tmp_path: Path) -> Path:
    """The bundled SDTM CT with one definition edited, published under a later date."""
    text = bundled_sdtm_bytes().decode("utf-8-sig")
    edited = text.replace(
        "The affirmative response to a question.", "The affirmative answer to a question.", 1
    )
    assert edited != text
    folder = tmp_path / "evs" / "SDTM"
    folder.mkdir(parents=True)
    (folder / f"SDTM Terminology {NEWER}.txt").write_text(edited, encoding="utf-8")
    return folder


@pytest.mark.parametrize("action", ["rebuild", "flag"])
def test_a_new_ct_version_reports_and_rebuilds_or_flags_old_designs(tmp_path: Path, action: str) -> None:
    data_dir = tmp_path / "data"
    with dg.instance_for_test() as instance:
        key, built = materialize_protocol(example_protocol_path("docx"), data_dir, instance)
        assert built.success
        env = {
            "CRFGEN_DATA_DIR": str(data_dir),
            "CRFGEN_CT_SOURCE": str(_newer_ct_folder(tmp_path)),
            "CRFGEN_CT_CHANGE_ACTION": action,
        }
        resources = settings_from_env(env)
        refreshed = dg.materialize(
            list(load_defs().assets or []),
            selection=["controlled_terminology"],
            instance=instance,
            resources=resources,
        )
        assert refreshed.success
        ct_event = instance.get_latest_materialization_event(dg.AssetKey("controlled_terminology"))
        assert ct_event is not None and ct_event.asset_materialization is not None
        assert ct_event.asset_materialization.metadata["ct_version"].value == NEWER

        context = dg.build_sensor_context(instance=instance, resources={"settings": resources["settings"]})
        result = ct_change_sensor(context)
        assert isinstance(result, dg.SensorResult)
        reports = list((data_dir / "reports" / "ct_impact").glob("*.md"))
        assert len(reports) == 1
        report = reports[0].read_text(encoding="utf-8")
        assert key in report and "2025-03-25" in report and NEWER in report
        if action == "rebuild":
            assert [r.partition_key for r in result.run_requests or []] == [key]
        else:
            assert not result.run_requests

        # The cursor moved: the same CT materialization is not reported twice.
        again_context = dg.build_sensor_context(
            instance=instance, cursor=result.cursor, resources={"settings": resources["settings"]}
        )
        again = ct_change_sensor(again_context)
        assert isinstance(again, dg.SkipReason)


def test_nightly_schedule_refreshes_terminology_at_the_configured_time() -> None:
    schedule = ct_refresh_schedule("0 2 * * *")
    assert schedule.cron_schedule == "0 2 * * *" and schedule.execution_timezone == "UTC"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    defs = load_defs()
    loaded = defs.get_schedule_def("ct_refresh_nightly")
    assert loaded.cron_schedule == "0 2 * * *"
    assert loaded.job.selection == dg.AssetSelection.assets("controlled_terminology")


def test_ct_refresh_job_takes_its_source_from_the_launchpad(tmp_path: Path) -> None:
    """What a user does in the UI: ct_refresh_job > Launchpad > source = a folder > Launch run."""
    job = load_defs().resolve_job_def("ct_refresh_job")
    assert {n.name for n in job.nodes} == {"controlled_terminology"}
    assert not job.run_config_schema.config_type.fields["ops"].is_required  # launchable as is
    resources = settings_from_env({"CRFGEN_DATA_DIR": str(tmp_path / "data")})
    with dg.instance_for_test() as instance:
        refreshed = dg.materialize(
            list(load_defs().assets or []),
            selection=["controlled_terminology"],
            instance=instance,
            resources=resources,
            run_config={
                "ops": {"controlled_terminology": {"config": {"source": str(_newer_ct_folder(tmp_path))}}}
            },
        )
        assert refreshed.success
        ct = refreshed.asset_materializations_for_node("controlled_terminology")[0]
        assert ct.metadata["ct_version"].value == NEWER


def test_an_unusable_ct_source_fails_the_run_with_one_readable_line(tmp_path: Path) -> None:
    resources = settings_from_env({"CRFGEN_DATA_DIR": str(tmp_path / "data")})
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            list(load_defs().assets or []),
            selection=["controlled_terminology"],
            instance=instance,
            resources=resources,
            run_config={"ops": {"controlled_terminology": {"config": {"source": str(tmp_path / "missing")}}}},
            raise_on_error=False,
        )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    user = failure.step_failure_data.user_failure_data
    assert user is not None and user.description == (
        f"CT refresh from {tmp_path / 'missing'} failed: [CT_SOURCE]: no such file or folder; "
        "the CT store keeps its current version"
    )
