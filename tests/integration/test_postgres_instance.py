"""The whole graph against a real PostgreSQL-backed instance, selected by the repository dagster.yaml."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import psycopg2
import pytest

from crfgen_core.examples import example_protocol_path
from crfgen_core.quality.gates import GATES
from crfgen_dagster.defs.jobs import PROTOCOL_ASSETS
from crfgen_dagster.local_run import materialize_protocol

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


def test_graph_on_postgres_writes_materializations_to_the_event_log(
    pg_database: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(REPO / "dagster.yaml", home / "dagster.yaml")
    for key, value in pg_database.items():
        monkeypatch.setenv(key, value)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.event_log_storage).__module__.startswith("dagster_postgres")
        key, result = materialize_protocol(example_protocol_path("docx"), tmp_path / "data", instance)
        assert result.success
    connection = psycopg2.connect(
        dbname=pg_database["DAGSTER_PG_DB"],
        host=pg_database["DAGSTER_PG_HOST"],
        port=int(pg_database["DAGSTER_PG_PORT"]),
        user=pg_database["DAGSTER_PG_USERNAME"],
    )
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT asset_key, partition FROM event_logs WHERE dagster_event_type = "
            "'ASSET_MATERIALIZATION' AND run_id = %s",
            (result.run_id,),
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM asset_check_executions WHERE run_id = %s", (result.run_id,))
        checks = cursor.fetchone()
    connection.close()
    materialized = {asset_key for asset_key, partition in rows if partition == key}
    assert '["crf_package"]' in materialized and '["crf_design"]' in materialized
    assert materialized == {f'["{asset}"]' for asset in PROTOCOL_ASSETS}
    assert checks is not None and checks[0] == len(GATES)
