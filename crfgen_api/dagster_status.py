"""Run and check status of protocol versions, read from the Dagster instance's public Python API.

One instance per API process, opened on first use from DAGSTER_HOME (its dagster.yaml: SQLite or
PostgreSQL). The partition of a version is its version key (crfgen_dagster.defs.partitions).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import dagster as dg

from crfgen_api.errors import ApiError
from crfgen_api.responses import CheckOutcome, RunSummary, VersionStatus

PARTITION_TAG = "dagster/partition"
PACKAGE_ASSET = dg.AssetKey("crf_package")
RUNNING = {dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING}
QUEUED = {dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED}
# Like dagster-webserver, keep pooled PostgreSQL connections (Dagster's default opens one per query):
# at most 1 + MAX_OVERFLOW per storage, statements stopped after STATEMENT_TIMEOUT_MS.
STATEMENT_TIMEOUT_MS = 15_000
POOL_RECYCLE_SECONDS = 3600
MAX_OVERFLOW = 8


class InstanceHolder:
    """The Dagster instance of DAGSTER_HOME, opened once, on first use, by whichever thread needs it."""

    def __init__(self, dagster_home: Path | None) -> None:
        self.dagster_home = dagster_home
        self._instance: dg.DagsterInstance | None = None
        self._lock = threading.Lock()

    def get(self) -> dg.DagsterInstance:
        if self.dagster_home is None:
            raise ApiError(503, "dagster_unavailable", "DAGSTER_HOME is not set: no run status to read")
        with self._lock:
            if self._instance is None:
                instance = dg.DagsterInstance.from_config(str(self.dagster_home))
                instance.optimize_for_webserver(STATEMENT_TIMEOUT_MS, POOL_RECYCLE_SECONDS, MAX_OVERFLOW)
                self._instance = instance
            return self._instance

    def close(self) -> None:
        with self._lock:
            if self._instance is not None:
                self._instance.dispose()
                self._instance = None


def _latest_run(instance: dg.DagsterInstance, version_key: str) -> Any:
    records = instance.get_run_records(dg.RunsFilter(tags={PARTITION_TAG: version_key}), limit=1)
    return records[0] if records else None


def _checks(instance: dg.DagsterInstance, run_id: str) -> list[CheckOutcome]:
    outcomes = []
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data if entry.dagster_event else None
        if not isinstance(evaluation, dg.AssetCheckEvaluation):
            continue
        outcomes.append(
            CheckOutcome(
                asset=evaluation.asset_key.to_user_string(),
                check=evaluation.check_name,
                passed=evaluation.passed,
                severity=evaluation.severity.value,
                description=evaluation.description,
            )
        )
    return outcomes


def _published_package(instance: dg.DagsterInstance, version_key: str) -> str | None:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=PACKAGE_ASSET, asset_partitions=[version_key]), limit=1
    ).records
    if not records:
        return None
    materialization = records[0].asset_materialization
    entry = materialization.metadata.get("package_dir") if materialization else None
    if entry is None:
        return None
    folder = Path(str(entry.value))
    return f"{folder.parent.name}/{folder.name}"


def version_status(instance: dg.DagsterInstance, version_key: str) -> VersionStatus:
    """A taken version's state: its latest run, that run's check outcomes, its package once published."""
    record = _latest_run(instance, version_key)
    package = _published_package(instance, version_key)
    if record is None:
        return VersionStatus(
            version_key=version_key, state="published" if package else "taken", package=package
        )
    run = record.dagster_run
    summary = RunSummary(
        run_id=run.run_id,
        job=run.job_name,
        status=run.status.value,
        created_at=record.create_timestamp.timestamp(),
        ended_at=record.end_time,
    )
    if run.status in RUNNING:
        state = "running"
    elif run.status in QUEUED:
        state = "queued"
    elif package is not None:
        state = "published"
    else:
        state = "failed"
    return VersionStatus(
        version_key=version_key,
        state=state,
        run=summary,
        checks=_checks(instance, run.run_id),
        package=package,
    )
