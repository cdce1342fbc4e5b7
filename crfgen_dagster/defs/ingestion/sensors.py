"""Inbox sensor: one run per new protocol version dropped into <data_dir>/inbox/.

Interval from CRFGEN_INBOX_INTERVAL_SECONDS (default 5), read when definitions load. The cursor holds
the files seen but not yet stable ({name: [size, mtime_ns, first_seen_ns]}); the data directory itself
dedupes (bytes already under protocols/<sha256>/ are not run again) and run_key = sha256 dedupes at the
Dagster level. A file that cannot be read or moved is quarantined or reported by `scan_inbox`; the tick
itself does not fail on any one file.
"""

import json
import os

import dagster as dg

from crfgen_dagster.defs.jobs import REFERENCE_ASSETS, protocol_job, reference_data_job
from crfgen_dagster.defs.partitions import PROTOCOL_VERSIONS, protocol_versions
from crfgen_dagster.defs.resources import CRFGenSettings
from crfgen_dagster.inbox import scan_inbox, stored_intakes
from crfgen_dagster.instance_records import latest_materialization

DEFAULT_INTERVAL_SECONDS = 5
IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def _reference_data_request(instance: dg.DagsterInstance) -> dg.RunRequest | dg.SkipReason | None:
    """Designs need CT and standards: request them once (and wait) while either was never materialized."""
    if all(latest_materialization(instance, asset) is not None for asset in REFERENCE_ASSETS):
        return None
    if instance.get_runs(dg.RunsFilter(job_name=reference_data_job.name, statuses=IN_FLIGHT), limit=1):
        return dg.SkipReason("waiting for the reference data run (CT, standards) before taking inbox files")
    return dg.RunRequest(job_name=reference_data_job.name, tags={"crfgen/trigger": "inbox_bootstrap"})


def inbox_tick(
    context: dg.SensorEvaluationContext, settings: CRFGenSettings
) -> dg.SensorResult | dg.SkipReason:
    waiting = _reference_data_request(context.instance)
    if isinstance(waiting, dg.SkipReason):
        return waiting
    if waiting is not None:
        return dg.SensorResult(run_requests=[waiting], cursor=context.cursor)
    observed = json.loads(context.cursor) if context.cursor else {}
    scan = scan_inbox(settings.data_path, observed, settle_seconds=settings.settle_seconds)
    for name, reason in scan.quarantined:
        context.log.warning(f"quarantined {name}: {reason}")
    for problem in scan.problems:
        context.log.warning(f"left in the inbox: {problem}")
    for recovered in scan.recovered:
        context.log.warning(f"completed an interrupted intake: {recovered.stored_path}")
    for name, stored in scan.duplicates:
        context.log.info(f"duplicate of an earlier protocol, kept at {stored}: {name}")
    # A tick that moved files but failed before its runs were recorded leaves intakes without a
    # partition: they are requested again here (run_key = sha256 keeps this idempotent).
    known = set(context.instance.get_dynamic_partitions(PROTOCOL_VERSIONS))
    taken = {a.partition_key for a in scan.accepted}
    todo = [
        *scan.accepted,
        *(
            a
            for a in stored_intakes(settings.data_path)
            if a.partition_key not in known and a.partition_key not in taken
        ),
    ]
    runs = [
        dg.RunRequest(
            job_name=protocol_job.name,
            partition_key=a.partition_key,
            run_key=a.sha256,
            tags={"crfgen/protocol_file": a.original_name, "crfgen/protocol_sha256": a.sha256},
        )
        for a in todo
    ]
    cursor = json.dumps(scan.observed, sort_keys=True)
    if not runs:
        return dg.SensorResult(
            cursor=cursor,
            skip_reason=dg.SkipReason(
                f"{len(scan.observed)} file(s) settling, {len(scan.duplicates)} duplicate(s), "
                f"{len(scan.quarantined)} quarantined"
            ),
        )
    return dg.SensorResult(
        run_requests=runs,
        cursor=cursor,
        dynamic_partitions_requests=[protocol_versions.build_add_request([a.partition_key for a in todo])],
    )


def build_inbox_sensor(interval_seconds: int = DEFAULT_INTERVAL_SECONDS) -> dg.SensorDefinition:
    @dg.sensor(
        name="inbox_sensor",
        jobs=[protocol_job, reference_data_job],
        minimum_interval_seconds=interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Takes stable files from <data_dir>/inbox/; one protocol_job run per new version.",
    )
    def inbox_sensor(
        context: dg.SensorEvaluationContext, settings: CRFGenSettings
    ) -> dg.SensorResult | dg.SkipReason:
        try:
            return inbox_tick(context, settings)
        except Exception as exc:  # the sensor must keep ticking; the error is logged and shown on the tick
            context.log.exception("inbox sensor tick failed")
            return dg.SkipReason(f"inbox sensor error (will retry): {type(exc).__name__}: {exc}")

    return inbox_sensor


@dg.definitions
def sensors() -> dg.Definitions:
    interval = int(os.environ.get("CRFGEN_INBOX_INTERVAL_SECONDS", DEFAULT_INTERVAL_SECONDS))
    return dg.Definitions(sensors=[build_inbox_sensor(interval)])
