"""When a study's corrections file changes, rebuild the design and package of its latest protocol version."""

import dagster as dg

from crfgen_core.review.corrections import CorrectionsFileError
from crfgen_core.review.study_file import read_study_corrections
from crfgen_dagster.defs.jobs import corrections_job
from crfgen_dagster.defs.partitions import PROTOCOL_VERSIONS
from crfgen_dagster.defs.resources import CRFGenSettings
from crfgen_dagster.instance_records import latest_materialization, metadata_text


def latest_versions(instance: dg.DagsterInstance) -> dict[str, tuple[str, str]]:
    """Return study -> (partition, corrections hash it was built with) for each study's most recently
    built protocol version (an older, superseded version is not republished by a new correction)."""
    latest: dict[str, tuple[int, str, str]] = {}
    for key in instance.get_dynamic_partitions(PROTOCOL_VERSIONS):
        record = latest_materialization(instance, "review_corrections", key)
        if record is None or record.asset_materialization is None:
            continue
        meta = record.asset_materialization.metadata
        study = metadata_text(meta, "study")
        if study not in latest or record.storage_id > latest[study][0]:
            latest[study] = (record.storage_id, key, metadata_text(meta, "content_hash"))
    return {study: (key, built) for study, (_, key, built) in latest.items()}


@dg.sensor(
    target=corrections_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="A study's corrections changed (content hash): rebuild its latest version's design.",
)
def corrections_sensor(
    context: dg.SensorEvaluationContext, settings: CRFGenSettings
) -> dg.SensorResult | dg.SkipReason:
    runs = []
    for study, (key, built) in sorted(latest_versions(context.instance).items()):
        try:
            current = read_study_corrections(settings.data_path, study).content_hash()
        except CorrectionsFileError as error:
            context.log.warning(f"{study}: corrections not applied, the file is invalid: {error}")
            continue
        if current != built:
            runs.append(
                dg.RunRequest(
                    partition_key=key,
                    run_key=f"corrections-{key}-{current[:16]}",
                    tags={"crfgen/trigger": "corrections", "crfgen/study": study},
                )
            )
    if not runs:
        return dg.SkipReason("no study's corrections changed since its latest build")
    return dg.SensorResult(run_requests=runs)
