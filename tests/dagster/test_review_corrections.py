"""review_corrections upstream of crf_design: the study's corrections file is applied, its content hash is
the data version, and corrections_sensor rebuilds the latest version of a study whose file changed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import dagster as dg

from crfgen_core.examples import example_protocol_path
from crfgen_core.model.design import CRFDesign
from crfgen_core.review.corrections import ActivityRemove, CodelistSubset, CorrectionSet
from crfgen_core.review.study_file import study_corrections_path
from crfgen_dagster.definitions import defs as load_defs
from crfgen_dagster.defs.jobs import REFERENCE_ASSETS
from crfgen_dagster.defs.partitions import PROTOCOL_VERSIONS
from crfgen_dagster.defs.resources import settings_from_env
from crfgen_dagster.defs.review.sensors import corrections_sensor
from crfgen_dagster.inbox import register_protocol

STUDY = "CRFGEN-EX-001"  # the bundled example's protocol number
DESIGN_ASSETS = ["protocol_document", "parsed_protocol", "review_corrections", "crf_design"]


def _data_version(instance: dg.DagsterInstance, asset: str, key: str) -> str:
    record = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[key]), limit=1
    ).records[0]
    assert record.asset_materialization is not None
    return str(record.asset_materialization.tags["dagster/data_version"])


def _corrections() -> CorrectionSet:
    who = {"study": STUDY, "author": "dr.reviewer", "created_at": datetime(2026, 11, 29, tzinfo=UTC)}
    return CorrectionSet(
        study=STUDY,
        corrections=[
            ActivityRemove(
                schedule="schedule-of-activities",
                activity="pregnancy-test",
                reason="site does not do it",
                **who,
            ),
            CodelistSubset(codelist="CL.SEX", values=["F", "M"], reason="EDC values", **who),
        ],
    )


def test_a_changed_corrections_file_changes_the_data_version_and_the_design(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    resources = settings_from_env({"CRFGEN_DATA_DIR": str(data_dir)})
    assets = list(load_defs().assets or [])
    with dg.instance_for_test() as instance:
        dg.materialize(assets, selection=list(REFERENCE_ASSETS), instance=instance, resources=resources)
        key = register_protocol(example_protocol_path("docx"), data_dir).partition_key
        instance.add_dynamic_partitions(PROTOCOL_VERSIONS, [key])

        def build() -> CRFDesign:
            result = dg.materialize(
                assets, selection=DESIGN_ASSETS, partition_key=key, instance=instance, resources=resources
            )
            assert result.success
            return CRFDesign.model_validate_json(
                (data_dir / "stages" / "crf_design" / f"{key}.json").read_text()
            )

        def sensor() -> list[str]:
            context = dg.build_sensor_context(
                instance=instance, resources={"settings": resources["settings"]}
            )
            result = corrections_sensor(context)
            return (
                []
                if isinstance(result, dg.SkipReason)
                else [r.partition_key or "" for r in result.run_requests or []]
            )

        before = build()
        assert before.corrections == []
        empty_version = _data_version(instance, "review_corrections", key)
        design_version = _data_version(instance, "crf_design", key)
        assert empty_version == CorrectionSet(study=STUDY).content_hash()
        assert sensor() == []  # nothing changed since the build

        path = study_corrections_path(data_dir, STUDY)
        path.parent.mkdir(parents=True)
        _corrections().dump(path)
        assert sensor() == [key]  # the file changed: the latest version of the study is rebuilt

        after = build()
        assert [o.status for o in after.corrections] == ["applied", "applied"]
        assert "Pregnancy test" in {m.activity for m in before.mappings} - {
            m.activity for m in after.mappings
        }
        assert [c.coded_value for c in after.codelist("CL.SEX").items] == ["F", "M"]
        assert _data_version(instance, "review_corrections", key) == CorrectionSet.load(path).content_hash()
        assert _data_version(instance, "review_corrections", key) != empty_version
        assert _data_version(instance, "crf_design", key) != design_version
        assert sensor() == []  # built with the current file
