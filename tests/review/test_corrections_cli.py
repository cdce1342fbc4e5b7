"""The command line: `crf-gen corrections keys` prints the keys a file names; `crf-gen generate
--corrections` applies a file, says what happened, and refuses a bad or foreign file before writing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crfgen_core.cli import main as crf_gen
from crfgen_core.examples import example_protocol_path
from crfgen_core.review.corrections import ActivityRemove, CorrectionSet, VisitRename

STUDY = "CRFGEN-EX-001"


def test_keys_lists_study_schedule_activity_and_visit_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert crf_gen(["corrections", "keys", str(example_protocol_path("docx"))]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"study: {STUDY}\n")
    assert "schedule: schedule-of-activities " in out
    assert "  activity: pregnancy-test    Pregnancy test\n" in out
    assert "  visit: visit-7    " in out


def test_generate_applies_a_yaml_file_and_reports_each_outcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    who = {"study": STUDY, "author": "dr.reviewer", "reason": "reviewed"}
    corrections = CorrectionSet(
        study=STUDY,
        corrections=[
            ActivityRemove(schedule="schedule-of-activities", activity="pregnancy-test", **who),
            VisitRename(schedule="schedule-of-activities", visit="visit-99", label="V99", **who),
        ],
    )
    path = tmp_path / "corrections.yml"
    corrections.dump(path)
    out = tmp_path / "package"
    assert (
        crf_gen(
            ["generate", str(example_protocol_path("docx")), "--out", str(out), "--corrections", str(path)]
        )
        == 0
    )
    printed = capsys.readouterr()
    assert "corrections: 1 applied, 0 unchanged, 1 orphaned, 0 rejected" in printed.out
    assert "orphaned visit_rename schedule:schedule-of-activities/visit:visit-99" in printed.err
    assert CorrectionSet.load(out / "corrections.json") == corrections
    design = json.loads((out / "crf_design.json").read_text(encoding="utf-8"))
    assert [c["status"] for c in design["corrections"]] == ["applied", "orphaned"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"study": "OTHER-STUDY", "corrections": []}', "OTHER-STUDY"),
        ("corrections: [oops", "not a corrections file"),
    ],
)
def test_a_foreign_or_broken_file_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / ("c.json" if content.startswith("{") else "c.yaml")
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "package"
    assert (
        crf_gen(
            ["generate", str(example_protocol_path("docx")), "--out", str(out), "--corrections", str(path)]
        )
        == 2
    )
    assert message in capsys.readouterr().err
    assert not out.exists()
