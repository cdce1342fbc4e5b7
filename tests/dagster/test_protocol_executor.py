"""protocol_job's executor: in-process unless CRFGEN_EXECUTOR says celery, read when the run starts."""

from __future__ import annotations

import dagster as dg
import pytest

from crfgen_dagster.protocol_executor import (
    CELERY_APP_SETTINGS,
    DEFAULT_BROKER,
    ExecutorSettings,
    UnknownExecutorError,
    protocol_executor,
)


@dg.op
def one_step() -> int:
    return 1


@dg.job(executor_def=protocol_executor)
def tiny_job() -> None:
    one_step()


def _engine_messages(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    return [
        record.dagster_event.message or ""
        for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT)
        if record.dagster_event is not None
    ]


def test_settings_default_to_in_process_and_read_the_celery_variables() -> None:
    assert ExecutorSettings.from_env({}).kind == "in_process"
    settings = ExecutorSettings.from_env(
        {
            "CRFGEN_EXECUTOR": "celery",
            "CRFGEN_CELERY_BACKEND": "db+postgresql://u@db/dagster",
            "CRFGEN_CELERY_QUEUE": "crfgen",
        }
    )
    assert settings.celery_config() == {
        "broker": DEFAULT_BROKER,
        "backend": "db+postgresql://u@db/dagster",
        "config_source": {**CELERY_APP_SETTINGS, "task_default_queue": "crfgen"},
    }
    with pytest.raises(UnknownExecutorError, match="CRFGEN_EXECUTOR='k8s'"):
        ExecutorSettings.from_env({"CRFGEN_EXECUTOR": "k8s"})


def test_the_choice_is_made_when_the_run_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    with dg.instance_for_test() as instance:
        monkeypatch.delenv("CRFGEN_EXECUTOR", raising=False)
        result = dg.execute_job(dg.reconstructable(tiny_job), instance=instance)
        assert result.success
        assert any(
            m.startswith("Executing steps in process") for m in _engine_messages(instance, result.run_id)
        )

        monkeypatch.setenv("CRFGEN_EXECUTOR", "k8s")
        with pytest.raises(UnknownExecutorError, match="expected in_process or celery"):
            dg.execute_job(dg.reconstructable(tiny_job), instance=instance)
        latest = instance.get_runs(limit=1)[0]  # refused before any step ran
        assert latest.run_id != result.run_id and latest.status == dg.DagsterRunStatus.NOT_STARTED
