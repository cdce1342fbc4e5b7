"""Run monitoring as the instance reads it from this repository's dagster.yaml files, loaded the way the
daemon loads them (DAGSTER_HOME holding the file; PostgreSQL for the production one).

DefaultRunLauncher reports no worker health, so a run whose worker died with its code server is ended
only by `max_runtime_seconds`; without it such a run stays STARTED and holds a queue place forever.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest
from throwaway_postgres import PRODUCTION_DAGSTER_YAML, production_instance_env, throwaway_database

REPO_ROOT = Path(__file__).resolve().parents[2]


def _assert_monitors_dead_runs(instance: dg.DagsterInstance) -> None:
    assert instance.run_monitoring_enabled
    assert not instance.run_launcher.supports_check_run_worker_health  # why max_runtime is needed
    assert 0 < instance.run_monitoring_max_runtime_seconds <= 3600
    assert instance.run_monitoring_start_timeout_seconds == 180
    assert instance.run_monitoring_cancel_timeout_seconds == 180
    assert instance.run_monitoring_max_resume_run_attempts == 0  # DefaultRunLauncher cannot resume
    assert instance.run_monitoring_poll_interval_seconds <= 60


def test_the_local_instance_fails_runs_whose_worker_died(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    for variable in ("DAGSTER_PG_URL", "DAGSTER_PG_DB"):
        monkeypatch.delenv(variable, raising=False)  # SQLite under DAGSTER_HOME
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        _assert_monitors_dead_runs(instance)


@pytest.mark.postgres
def test_the_production_instance_fails_runs_whose_worker_died(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with throwaway_database() as db_name:
        env = production_instance_env(db_name, tmp_path)
        copied = Path(env["DAGSTER_HOME"]) / "dagster.yaml"
        assert copied.read_bytes() == PRODUCTION_DAGSTER_YAML.read_bytes()
        for variable, value in env.items():
            monkeypatch.setenv(variable, value)
        with dg.DagsterInstance.get() as instance:
            _assert_monitors_dead_runs(instance)
            assert type(instance.run_launcher).__name__ == "DefaultRunLauncher"
