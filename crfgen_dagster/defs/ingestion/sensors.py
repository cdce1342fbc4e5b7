"""Inbox sensor: one run per new protocol version dropped into <data_dir>/inbox/.

Interval from CRFGEN_INBOX_INTERVAL_SECONDS (default 5, also the sensor daemon's own floor) and the
in-tick watch from CRFGEN_INBOX_WATCH_SECONDS (default 3.5), read when definitions load. The cursor
holds the files seen but not yet stable ({name: [size, mtime_ns, first_seen_ns]}). New bytes run with
run_key = sha256; bytes already stored run again only when their version is neither published nor
running (a failed protocol is retried by dropping it again). A file
that cannot be read or moved is quarantined or reported by `scan_inbox`, each quarantined file is an
observation of the `quarantine` asset, and the tick itself does not fail on any one file. Each tick
also removes temporary files that killed runs or uploads left behind (`leftovers.py`).
"""

import json
import os
import time

import dagster as dg

from crfgen_dagster.defs.jobs import REFERENCE_ASSETS, protocol_job, reference_data_job
from crfgen_dagster.defs.partitions import PROTOCOL_VERSIONS, protocol_versions
from crfgen_dagster.defs.resources import CRFGenSettings
from crfgen_dagster.inbox import (
    DuplicateDrop,
    InboxScan,
    QuarantinedFile,
    scan_inbox,
    stored_intakes,
    wait_for_new_files,
)
from crfgen_dagster.instance_records import latest_materialization
from crfgen_dagster.leftovers import remove_leftovers

DEFAULT_INTERVAL_SECONDS = 5
# The sensor daemon evaluates sensors at most every 5 s whatever the interval: a file this close to
# settled is waited for within the tick (and its run requested now) rather than 5 s later.
IN_TICK_WAIT_SECONDS = 3.0
# A tick that finds nothing to take watches the inbox this long (CRFGEN_INBOX_WATCH_SECONDS): shorter
# than the daemon's 5 s loop, so the next loop starts the next tick and the inbox is watched almost
# continuously. 0 = one scan per tick.
DEFAULT_WATCH_SECONDS = 3.5
RESCAN_GAP_SECONDS = 0.5
QUARANTINE_ASSET = dg.AssetKey("quarantine")
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


def quarantine_observation(refused: QuarantinedFile) -> dg.AssetObservation:
    """One event on the `quarantine` asset per refused file: its name and reason in the asset's events."""
    return dg.AssetObservation(
        asset_key=QUARANTINE_ASSET,
        description=f"{refused.name}: {refused.code}",
        metadata={
            "file": refused.name,
            "code": refused.code,
            "reason": refused.reason,
            "quarantined_as": dg.MetadataValue.path(str(refused.path)),
        },
    )


def _retry_request(instance: dg.DagsterInstance, drop: DuplicateDrop) -> dg.RunRequest | str:
    """Bytes dropped again run again unless published or running: a failed version is retried this way.
    Return the run request, or why none (for the tick's log)."""
    if latest_materialization(instance, "crf_package", drop.partition_key) is not None:
        return f"duplicate of published {drop.partition_key}, kept at {drop.kept_at}: {drop.name}"
    running = dg.RunsFilter(
        job_name=protocol_job.name, statuses=IN_FLIGHT, tags={"dagster/partition": drop.partition_key}
    )
    if instance.get_runs(running, limit=1):
        return f"duplicate of {drop.partition_key}, its run in progress, kept at {drop.kept_at}: {drop.name}"
    return dg.RunRequest(
        job_name=protocol_job.name,
        partition_key=drop.partition_key,
        run_key=f"{drop.sha256}:retry:{drop.kept_at.name}",  # the kept copy's name is unique per drop
        tags={
            "crfgen/protocol_file": drop.name,
            "crfgen/protocol_sha256": drop.sha256,
            "crfgen/trigger": "inbox_retry",
        },
    )


def _tick_summary(scan: InboxScan) -> str:
    """What a tick that started no run did, naming the quarantined files (shown in the tick table)."""
    parts = [f"{len(scan.observed)} file(s) settling", f"{len(scan.duplicates)} duplicate(s)"]
    if scan.quarantined:
        named = ", ".join(f"{q.name} ({q.code})" for q in scan.quarantined)
        parts.append(f"quarantined {len(scan.quarantined)}: {named}; see the quarantine asset's events")
    else:
        parts.append("0 quarantined")
    if scan.problems:
        parts.append(f"{len(scan.problems)} left in the inbox (see the tick's log)")
    return ", ".join(parts)


def _scan_watching(
    settings: CRFGenSettings, observed: dict[str, list[int]], watch_seconds: float
) -> InboxScan:
    """Scan the inbox; while a scan finds nothing to act on, watch it (listing only) for the rest of
    `watch_seconds` and scan again when a file appears or changes: a drop is seen within a fraction of a
    second instead of at the next tick of the sensor daemon's 5 s loop."""
    deadline = time.monotonic() + watch_seconds
    while True:
        started = time.monotonic()
        scan = scan_inbox(
            settings.data_path,
            observed,
            settle_seconds=settings.settle_seconds,
            wait_seconds=IN_TICK_WAIT_SECONDS,
        )
        if scan.accepted or scan.duplicates or scan.quarantined or scan.problems or scan.recovered:
            return scan
        # Full scans (which also check every stored intake) at most every RESCAN_GAP_SECONDS while a
        # file keeps changing; the watch in between only lists the inbox.
        time.sleep(max(0.0, min(started + RESCAN_GAP_SECONDS, deadline) - time.monotonic()))
        left = deadline - time.monotonic()
        if left <= 0 or not wait_for_new_files(settings.data_path, scan.observed, left):
            return scan
        observed = scan.observed


def inbox_tick(
    context: dg.SensorEvaluationContext, settings: CRFGenSettings, watch_seconds: float = 0.0
) -> dg.SensorResult | dg.SkipReason:
    for leftover in remove_leftovers(settings.data_path, settings.leftover_grace_seconds):
        context.log.warning(f"removed a temporary leftover of a killed run or upload: {leftover}")
    waiting = _reference_data_request(context.instance)
    if isinstance(waiting, dg.SkipReason):
        return waiting
    if waiting is not None:
        return dg.SensorResult(run_requests=[waiting], cursor=context.cursor)
    observed = json.loads(context.cursor) if context.cursor else {}
    scan = _scan_watching(settings, observed, watch_seconds)
    for refused in scan.quarantined:
        context.log.warning(f"quarantined {refused.name}: {refused.code}: {refused.reason}")
    for problem in scan.problems:
        context.log.warning(f"left in the inbox: {problem}")
    for recovered in scan.recovered:
        context.log.warning(f"completed an interrupted intake: {recovered.stored_path}")
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
    requested = {a.partition_key for a in todo}
    retries: list[dg.RunRequest] = []
    for drop in scan.duplicates:
        if drop.partition_key in requested:  # its first run is requested by this very tick
            context.log.info(f"duplicate of {drop.partition_key}, requested now: {drop.name}")
            continue
        retry = _retry_request(context.instance, drop)
        if isinstance(retry, dg.RunRequest):
            context.log.info(f"{drop.name} is {drop.partition_key} again, not published: running it again")
            retries.append(retry)
            requested.add(drop.partition_key)
        else:
            context.log.info(retry)
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
    events = [quarantine_observation(refused) for refused in scan.quarantined]
    if not runs and not retries:
        return dg.SensorResult(
            cursor=cursor,
            asset_events=events,
            skip_reason=dg.SkipReason(_tick_summary(scan)),
        )
    new_keys = sorted(requested - known)  # a retried version's partition exists unless it was deleted
    return dg.SensorResult(
        run_requests=[*runs, *retries],
        cursor=cursor,
        asset_events=events,
        dynamic_partitions_requests=[protocol_versions.build_add_request(new_keys)] if new_keys else [],
    )


def build_inbox_sensor(
    interval_seconds: int = DEFAULT_INTERVAL_SECONDS, watch_seconds: float = 0.0
) -> dg.SensorDefinition:
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
            return inbox_tick(context, settings, watch_seconds)
        except Exception as exc:  # the sensor must keep ticking; the error is logged and shown on the tick
            context.log.exception("inbox sensor tick failed")
            return dg.SkipReason(f"inbox sensor error (will retry): {type(exc).__name__}: {exc}")

    return inbox_sensor


@dg.definitions
def sensors() -> dg.Definitions:
    interval = int(os.environ.get("CRFGEN_INBOX_INTERVAL_SECONDS", DEFAULT_INTERVAL_SECONDS))
    watch = float(os.environ.get("CRFGEN_INBOX_WATCH_SECONDS", DEFAULT_WATCH_SECONDS))
    return dg.Definitions(sensors=[build_inbox_sensor(interval, watch)])
