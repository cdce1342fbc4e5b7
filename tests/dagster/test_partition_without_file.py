"""A protocol partition with no stored file (the UI's "Add a partition") fails at once, in one line."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from crfgen_dagster.definitions import defs as load_defs
from crfgen_dagster.defs.jobs import PROTOCOL_ASSETS
from crfgen_dagster.defs.partitions import PROTOCOL_VERSIONS
from crfgen_dagster.defs.resources import settings_from_env


def test_a_partition_added_by_hand_fails_its_first_step_with_one_line(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assets = [a for a in load_defs().assets or [] if isinstance(a, dg.AssetsDefinition)]
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(PROTOCOL_VERSIONS, ["typed-by-hand"])
        result = dg.materialize(
            assets,
            selection=list(PROTOCOL_ASSETS),
            partition_key="typed-by-hand",
            instance=instance,
            resources=settings_from_env({"CRFGEN_DATA_DIR": str(data_dir)}),
            raise_on_error=False,
        )
        assert instance.get_latest_materialization_event(dg.AssetKey("protocol_document")) is None
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "protocol_document"
    user = failure.step_failure_data.user_failure_data
    assert user is not None and user.description == (
        "no protocol file behind partition typed-by-hand: protocol partitions come from the inbox "
        f"(drop the file into {data_dir / 'inbox'}); a partition added by hand in the UI cannot run"
    )
    assert not (data_dir / "outbox").exists()
