"""A near-empty SoA is never silent: a typed warning, a stderr line, a review.md entry and a failed gate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import pytest

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.ingest.soa_size import MIN_SOA_ACTIVITIES, MIN_SOA_VISITS
from crfgen_core.quality.gates import protocol_gates

CLI = [sys.executable, "-m", "crfgen_core.cli"]

TWO_ACTIVITY_TABLE = [
    ["Procedure", "Screening", "Day 1", "Day 8", "Day 15"],
    ["Informed consent", "X", "", "", ""],
    ["Vital signs", "X", "X", "X", "X"],
]
PROPER_TABLE = [
    ["Procedure", "Screening", "Day 1", "Day 8", "Day 15"],
    ["Informed consent", "X", "", "", ""],
    ["Demographics", "X", "", "", ""],
    ["Medical history", "X", "", "", ""],
    ["Vital signs", "X", "X", "X", "X"],
    ["Hematology", "X", "X", "", "X"],
    ["Adverse events", "", "X", "X", "X"],
]


def _protocol(path: Path, rows: list[list[str]]) -> Path:
    document = docx.Document()
    document.add_heading("A Phase 2 Study of a Small Schedule", level=1)
    document.add_heading("Schedule of Activities", level=1)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.save(str(path))
    return path


def test_thresholds_are_what_the_gate_describes() -> None:
    from crfgen_core.quality.gates import GATES

    soa_found = next(g for g in GATES if g.name == "soa_found")
    assert f"{MIN_SOA_ACTIVITIES} activities" in soa_found.description
    assert f"{MIN_SOA_VISITS} visits" in soa_found.description


def test_a_two_activity_table_is_warned_and_fails_the_gate(tmp_path: Path) -> None:
    parsed = read_protocol(_protocol(tmp_path / "tiny.docx", TWO_ACTIVITY_TABLE))
    assert parsed.schedules, "the table is read; it is only too small"
    warning = next(w for w in parsed.warnings if w.code == "SOA_TOO_SMALL")
    assert "2 activities" in warning.message
    [gate] = protocol_gates(parsed)
    assert not gate.passed
    assert any("too small" in row["reason"] for row in gate.failures)


def test_a_proper_table_passes_the_gate_without_warning(tmp_path: Path) -> None:
    parsed = read_protocol(_protocol(tmp_path / "proper.docx", PROPER_TABLE))
    assert "SOA_TOO_SMALL" not in {w.code for w in parsed.warnings}
    [gate] = protocol_gates(parsed)
    assert gate.passed, gate.failures


@pytest.mark.slow
def test_generate_exits_non_zero_on_a_tiny_soa_and_says_why(tmp_path: Path) -> None:
    protocol = _protocol(tmp_path / "tiny.docx", TWO_ACTIVITY_TABLE)
    out = tmp_path / "package"
    extracted = subprocess.run(
        [*CLI, "extract", str(protocol), "--json", str(tmp_path / "parsed.json")],
        capture_output=True, text=True, check=False,
    )
    assert extracted.returncode == 0 and "warning [SOA_TOO_SMALL]" in extracted.stderr
    refused = subprocess.run(
        [*CLI, "generate", str(protocol), "--out", str(out)], capture_output=True, text=True, check=False
    )
    assert refused.returncode == 3, refused.stderr
    assert "warning [SOA_TOO_SMALL]" in refused.stderr and "soa_found" in refused.stderr
    assert not out.exists()
    forced = subprocess.run(
        [*CLI, "generate", str(protocol), "--out", str(out), "--no-gates"],
        capture_output=True, text=True, check=False,
    )
    assert forced.returncode == 0, forced.stderr
    assert "SOA_TOO_SMALL" in (out / "review.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_generate_publishes_a_proper_table(tmp_path: Path) -> None:
    protocol = _protocol(tmp_path / "proper.docx", PROPER_TABLE)
    result = subprocess.run(
        [*CLI, "generate", str(protocol), "--out", str(tmp_path / "package")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "SOA_TOO_SMALL" not in result.stderr
