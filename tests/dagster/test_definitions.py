"""The code location loads, and its shape is what the design says (assets, checks, sensors, schedule)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from crfgen_dagster.definitions import defs
from crfgen_dagster.defs.ingestion.assets import OCR_POOL
from crfgen_dagster.defs.jobs import PROTOCOL_ASSETS
from crfgen_dagster.defs.publication.assets import UPSTREAM
from crfgen_dagster.protocol_executor import protocol_executor

REPO = Path(__file__).resolve().parents[2]


def test_definitions_have_the_designed_assets_checks_sensors_and_schedule() -> None:
    repo = defs().get_repository_def()
    assets = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    assert assets == {
        "protocol_document",
        "parsed_protocol",
        "review_corrections",
        "controlled_terminology",
        "cdisc_standards",
        "crf_design",
        "odm_xml",
        "annotated_crf",
        "crf_book",
        "redcap_dictionary",
        "crf_package",
        "quarantine",
    }
    checks = {(k.asset_key.to_user_string(), k.name) for k in repo.asset_graph.asset_check_keys}
    assert ("parsed_protocol", "soa_found") in checks and ("odm_xml", "odm_xsd_valid") in checks
    assert {n for a, n in checks if a == "crf_design"} == {
        "item_oids_unique_not_null",
        "item_data_types_allowed",
        "cdash_names_well_formed",
        "codelist_terms_in_ct",
        "mapping_coverage",
    }
    for spec in repo.asset_graph.asset_check_keys:
        assert repo.asset_graph.get_check_spec(spec).blocking
    assert {s.name for s in repo.sensor_defs} == {"inbox_sensor", "ct_change_sensor", "corrections_sensor"}
    schedule = repo.get_schedule_def("ct_refresh_nightly")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "UTC")
    for key in repo.asset_graph.get_all_asset_keys():
        assert repo.asset_graph.get(key).code_version, key
    assert repo.get_job("protocol_job").executor_def is protocol_executor
    assert repo.get_job("reference_data_job").executor_def is dg.in_process_executor
    assert repo.assets_defs_by_key[dg.AssetKey("parsed_protocol")].op.pool == OCR_POOL
    # one list of protocol assets: every partitioned asset, and crf_package's manifest names the rest
    partitioned = {
        k.to_user_string()
        for k in repo.asset_graph.get_all_asset_keys()
        if repo.asset_graph.get(k).partitions_def is not None
    }
    assert set(PROTOCOL_ASSETS) == partitioned
    assert set(UPSTREAM) == partitioned - {"crf_package"}


def test_dg_check_defs_passes(tmp_path: Path) -> None:
    env = {**os.environ, "DAGSTER_DISABLE_TELEMETRY": "1", "DAGSTER_HOME": str(tmp_path)}
    dg_cli = Path(sys.executable).with_name("dg")
    done = subprocess.run(
        [str(dg_cli), "check", "defs"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
