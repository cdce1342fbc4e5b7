"""One gate runner for the command line and Dagster: the gates fail loudly, row by row."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import pytest

from crfgen_core.mapping.rule_set import load_rule_set
from crfgen_core.model.design import CRFDesign, Form, Item, ItemGroup
from crfgen_core.quality.gates import GATES, design_gates, failure_report
from crfgen_core.quality.gx_suites import CDASH_NAME_PATTERN
from crfgen_core.quality.gx_worker import GXWorker
from crfgen_core.terminology.bundled import load_bundled_ct
from crfgen_dagster.definitions import defs

CLI = [sys.executable, "-m", "crfgen_core.cli"]


def test_dagster_declares_every_gate_as_a_blocking_check() -> None:
    graph = defs().get_repository_def().asset_graph
    checks = {(k.asset_key.to_user_string(), k.name): k for k in graph.asset_check_keys}
    for gate in GATES:
        key = checks[(gate.stage, gate.name)]
        assert graph.get_check_spec(key).blocking, gate.name


def test_a_long_generated_name_fails_the_cdash_gate_with_its_row() -> None:
    items = [
        Item(oid="IT.DA.DADAT", name="DADAT", question="Date?", data_type="date"),
        Item(oid="IT.DA.DADISPAMT", name="DADISPAMT", question="How many units?", data_type="integer"),
    ]
    form = Form(
        oid="F.DA", name="Drug Accountability", item_groups=[ItemGroup(oid="IG.DA", name="DA", items=items)]
    )
    design = CRFDesign(
        study_oid="ST.X",
        study_name="X",
        protocol_sha256="0" * 64,
        protocol_file="x.pdf",
        rule_set_version="t",
        forms=[form],
    )
    results = {r.name: r for r in design_gates(design, load_bundled_ct())}
    assert not results["cdash_names_well_formed"].passed
    assert any(row.get("name") == "DADISPAMT" for row in results["cdash_names_well_formed"].failures)
    assert "DADISPAMT" in failure_report(list(results.values()))


def test_the_gx_worker_process_gives_the_in_process_verdicts_row_for_row() -> None:
    items = [
        Item(oid="IT.DA.DADAT", name="DADAT", question="Date?", data_type="date"),
        Item(oid="IT.DA.DADAT", name="DADISPAMT", question="How many units?", data_type="integer"),
    ]
    form = Form(oid="F.DA", name="DA", item_groups=[ItemGroup(oid="IG.DA", name="DA", items=items)])
    design = CRFDesign(
        study_oid="ST.X",
        study_name="X",
        protocol_sha256="0" * 64,
        protocol_file="x.pdf",
        rule_set_version="t",
        forms=[form],
    )
    ct = load_bundled_ct()
    worker = GXWorker()
    try:
        in_worker = design_gates(design, ct, worker=worker)
    finally:
        worker.close()
    assert in_worker == design_gates(design, ct)
    failed = {r.name for r in in_worker if not r.passed}
    assert {"item_oids_unique_not_null", "cdash_names_well_formed"} <= failed


def test_every_template_variable_passes_the_name_gate() -> None:
    import re

    pattern = re.compile(CDASH_NAME_PATTERN)
    for template, rows in load_rule_set().templates.items():
        for row in rows:
            name = row.variable.replace("{D}", "XX").replace("{TESTCD}", "TESTCD")
            assert pattern.match(name), f"{template}: {row.variable}"


def _protocol_without_schedule(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("A Phase 2 Study of Nothing in Particular", level=1)
    document.add_paragraph("This protocol has objectives but no Schedule of Activities table.")
    document.save(str(path))
    return path


@pytest.mark.slow
def test_generate_refuses_to_publish_when_a_gate_fails(tmp_path: Path) -> None:
    protocol = _protocol_without_schedule(tmp_path / "no_soa.docx")
    out = tmp_path / "package"
    result = subprocess.run(
        [*CLI, "generate", str(protocol), "--out", str(out)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 3, result.stderr
    assert "soa_found" in result.stderr and "no Schedule of Activities" in result.stderr
    assert not out.exists() and not list(tmp_path.glob("*.partial")), "nothing may be published"
    forced = subprocess.run(
        [*CLI, "generate", str(protocol), "--out", str(out), "--no-gates"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert forced.returncode == 0, forced.stderr
    assert (out / "odm.xml").exists() and "--no-gates" in forced.stdout


@pytest.mark.shared
@pytest.mark.slow
def test_the_cdisc_pilot_passes_every_gate_through_the_command_line(tmp_path: Path, corpus_dir: Path) -> None:
    out = tmp_path / "lzzt"
    result = subprocess.run(
        [*CLI, "generate", str(corpus_dir / "cdisc_pilot_lzzt" / "CDISC_Pilot_Study.pdf"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "manifest.json").exists()
