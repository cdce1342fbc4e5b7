"""When controlled_terminology changes version, list (and by default rebuild) the designs on the old one."""

import dagster as dg

from crfgen_core.model.terminology import CTVersionRef
from crfgen_core.publication.ct_impact import AffectedDesign, write_impact_report
from crfgen_dagster.defs.jobs import protocol_job
from crfgen_dagster.defs.partitions import PROTOCOL_VERSIONS
from crfgen_dagster.defs.resources import CRFGenSettings
from crfgen_dagster.instance_records import latest_materialization, metadata_text


@dg.sensor(
    target=protocol_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="On a new CT version: write an impact report; rebuild or flag designs on the old one.",
)
def ct_change_sensor(
    context: dg.SensorEvaluationContext, settings: CRFGenSettings
) -> dg.SensorResult | dg.SkipReason:
    record = latest_materialization(context.instance, "controlled_terminology")
    if record is None or str(record.storage_id) == context.cursor:
        return dg.SkipReason("no new controlled_terminology materialization")
    meta = record.asset_materialization.metadata if record.asset_materialization else {}
    new_ct = CTVersionRef(
        package=metadata_text(meta, "ct_package"),
        version=metadata_text(meta, "ct_version"),
        sha256=metadata_text(meta, "sha256"),
    )
    affected: list[AffectedDesign] = []
    for key in context.instance.get_dynamic_partitions(PROTOCOL_VERSIONS):
        design = latest_materialization(context.instance, "crf_design", key)
        if design is None or design.asset_materialization is None:
            continue
        used = metadata_text(design.asset_materialization.metadata, "ct_version")
        if used and used != new_ct.version:
            package = latest_materialization(context.instance, "crf_package", key)
            package_dir = (
                metadata_text(package.asset_materialization.metadata, "package_dir")
                if package and package.asset_materialization
                else None
            )
            affected.append(
                AffectedDesign(
                    key,
                    metadata_text(design.asset_materialization.metadata, "study"),
                    used,
                    package_dir or None,
                )
            )
    if not affected:
        return dg.SensorResult(
            cursor=str(record.storage_id),
            skip_reason=dg.SkipReason(f"CT {new_ct.version}: no design built on another version"),
        )
    report = write_impact_report(
        settings.data_path / "reports" / "ct_impact", new_ct, affected, settings.ct_change_action
    )
    context.log.info(f"CT {new_ct.version}: {len(affected)} affected design(s); report {report}")
    runs = (
        [
            dg.RunRequest(
                partition_key=a.partition_key,
                run_key=f"ct-{new_ct.version}-{a.partition_key}",
                tags={"crfgen/trigger": "ct_change", "crfgen/ct_impact_report": str(report)},
            )
            for a in affected
        ]
        if settings.ct_change_action == "rebuild"
        else []
    )
    return dg.SensorResult(
        run_requests=runs,
        cursor=str(record.storage_id),
        skip_reason=None if runs else dg.SkipReason(f"flagged only; see {report}"),
    )
