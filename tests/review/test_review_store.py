"""The store API: corrections recorded, withdrawn, listed, moved between sites as a portable file; the
pipeline's corrections file follows every change; a change and its audit event commit together."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from crfgen_core.cli import main as crf_gen
from crfgen_core.review.audit_trail import read_events, verify_chain
from crfgen_core.review.corrections import CorrectionSet, ItemDrop, SoaCellFix
from crfgen_core.review.review_store import CorrectionConflictError, ReviewStore
from crfgen_core.review.study_file import study_corrections_path

STUDY = "STUDY-1"


def _cell(visit: str = "week-2") -> SoaCellFix:
    return SoaCellFix(
        study=STUDY,
        author="alice",
        reason="tick missed",
        schedule="soa",
        activity="vital-signs",
        visit=visit,
        action="set",
    )


def _pipeline_set(data_dir: Path) -> CorrectionSet:
    return CorrectionSet.load(study_corrections_path(data_dir, STUDY))


def test_every_change_rewrites_the_pipeline_file(tmp_path: Path) -> None:
    store = ReviewStore(tmp_path)
    first, second = (
        _cell(),
        ItemDrop(study=STUDY, author="bob", reason="not collected", form="F.VS", item="IT.X"),
    )
    store.record(first)
    store.record(second)
    assert [c.id for c in _pipeline_set(tmp_path).corrections] == [first.id, second.id]
    store.withdraw(first.id, by="carol", reason="the protocol was right")
    assert [c.id for c in _pipeline_set(tmp_path).corrections] == [second.id]
    assert [s.withdrawn for s in store.corrections(STUDY, include_withdrawn=True)] == [True, False]
    events = read_events(store.engine)
    assert [(e.action, e.actor) for e in events] == [
        ("correction.recorded", "alice"),
        ("correction.recorded", "bob"),
        ("correction.withdrawn", "carol"),
    ]
    assert events[2].before_json == f'{{"correction_id":"{first.id}","withdrawn":false}}'
    assert verify_chain(store.engine).ok


def test_a_correction_moves_between_sites_and_imports_once(tmp_path: Path) -> None:
    site_a, site_b = ReviewStore(tmp_path / "a"), ReviewStore(tmp_path / "b")
    site_a.record(_cell("week-2"))
    site_a.record(_cell("week-4"))
    site_a.export(STUDY, tmp_path / "study.yaml")
    once = site_b.import_set(
        CorrectionSet.load(tmp_path / "study.yaml"), actor="dm@site-b", source="study.yaml"
    )
    again = site_b.import_set(
        CorrectionSet.load(tmp_path / "study.yaml"), actor="dm@site-b", source="study.yaml"
    )
    assert len(once.added) == 2 and again.added == [] and len(again.already_present) == 2
    assert site_b.correction_set(STUDY) == site_a.correction_set(STUDY)
    assert _pipeline_set(tmp_path / "b") == site_a.correction_set(STUDY)
    assert [e.actor for e in read_events(site_b.engine)] == ["dm@site-b", "dm@site-b"]


def test_a_conflicting_import_records_nothing(tmp_path: Path) -> None:
    store = ReviewStore(tmp_path)
    original = _cell()
    store.record(original)
    changed = original.model_copy(update={"action": "clear"})
    other = _cell("week-8")
    with pytest.raises(CorrectionConflictError, match="other content"):
        store.import_set(CorrectionSet(study=STUDY, corrections=[other, changed]), actor="x", source="f.json")
    assert [s.correction.id for s in store.corrections(STUDY)] == [original.id]
    assert len(read_events(store.engine)) == 1


def test_a_failed_pipeline_file_write_records_nothing(tmp_path: Path) -> None:
    store = ReviewStore(tmp_path)
    study_corrections_path(tmp_path, STUDY).parent.parent.mkdir(parents=True, exist_ok=True)
    study_corrections_path(tmp_path, STUDY).parent.write_text("not a folder")  # the write must fail
    with pytest.raises(OSError):
        store.record(_cell())
    assert store.corrections(STUDY) == []
    with store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM review_audit_events")).scalar() == 0


def test_the_cli_records_lists_exports_and_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--data-dir", str(tmp_path / "a")]
    assert (
        crf_gen(
            [
                "review",
                "correct",
                "activity_remap",
                "--study",
                STUDY,
                "--author",
                "alice",
                "--reason",
                "ECG form",
                "-f",
                "schedule=soa",
                "-f",
                "activity=12-lead-ecg",
                "-f",
                "form=EG",
                "-f",
                "tests=EGHRMN",
                "-f",
                "tests=QTCF",
                *data,
            ]
        )
        == 0
    )
    recorded = capsys.readouterr().out
    assert "activity_remap schedule:soa/activity:12-lead-ecg (audit seq 1)" in recorded
    assert (
        crf_gen(
            [
                "review",
                "correct",
                "item_drop",
                "--study",
                STUDY,
                "--author",
                "a",
                "--reason",
                "r",
                "-f",
                "bogus=1",
                *data,
            ]
        )
        == 2
    )
    assert crf_gen(["review", "export", STUDY, str(tmp_path / "out.json"), *data]) == 0
    capsys.readouterr()
    exported = CorrectionSet.load(tmp_path / "out.json")
    assert exported.corrections[0].tests == ["EGHRMN", "QTCF"]  # type: ignore[union-attr]
    assert crf_gen(["review", "import", str(tmp_path / "out.json"), "--data-dir", str(tmp_path / "b")]) == 0
    assert crf_gen(["review", "list", STUDY, "--data-dir", str(tmp_path / "b")]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0] == f"{STUDY}: 1 imported, 0 already recorded"
    assert listed[1].startswith(exported.corrections[0].id) and listed[1].endswith("active  ECG form")


def test_a_study_key_that_is_not_a_folder_name_is_refused(tmp_path: Path) -> None:
    store = ReviewStore(tmp_path)
    with pytest.raises(ValueError, match="not an outbox folder name"):
        store.record(_cell().model_copy(update={"study": "../elsewhere"}))
    assert not (tmp_path / "review" / "elsewhere.json").exists() and store.studies() == []
