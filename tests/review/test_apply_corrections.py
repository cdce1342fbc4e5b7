"""Each correction kind on a real protocol (the CDISC pilot, LZZT): its effect on the design, and what an
orphaned (key gone) or rejected (values do not fit) correction does."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.model.design import CRFDesign
from crfgen_core.model.protocol import Activity, ParsedProtocol, ScheduleCell
from crfgen_core.quality.gates import design_gates, odm_gates, redcap_gates
from crfgen_core.render import render_package
from crfgen_core.render.package_writer import review_markdown
from crfgen_core.review.apply import CorrectedBuild, StudyMismatchError, apply_corrections
from crfgen_core.review.corrections import CORRECTION_ADAPTER, SCHEDULE_KINDS, CorrectionSet
from crfgen_core.review.keys import schedule_keys, study_key
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

pytestmark = pytest.mark.shared

LZZT = Path("cdisc_pilot_lzzt") / "CDISC_Pilot_Study.pdf"
WHEN = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def parsed(corpus_dir: Path) -> ParsedProtocol:
    return read_protocol(corpus_dir / LZZT)


def _fix(parsed: ParsedProtocol, kind: str, **fields: Any) -> Any:
    schedule = next(iter(schedule_keys(parsed).values()))
    base = {"study": study_key(parsed), "author": "dr.reviewer", "created_at": WHEN, "reason": "reviewed"}
    if kind in SCHEDULE_KINDS:
        base["schedule"] = schedule
    return CORRECTION_ADAPTER.validate_python({"kind": kind, **base, **fields})


def _build(parsed: ParsedProtocol, *fixes: Any) -> CorrectedBuild:
    corrections = CorrectionSet(study=study_key(parsed), corrections=list(fixes))
    return apply_corrections(parsed, corrections, load_bundled_ct(), load_bundled_standards())


@pytest.fixture(scope="module")
def baseline(parsed: ParsedProtocol) -> CRFDesign:
    return _build(parsed).design


@pytest.fixture(scope="module")
def corrected(parsed: ParsedProtocol) -> CorrectedBuild:
    """One build with every kind (one design build keeps the module quick); each test checks one effect."""
    return _build(
        parsed,
        _fix(parsed, "soa_cell", activity="chest-x-ray", visit="visit-3", action="set"),
        _fix(parsed, "soa_cell", activity="physical-examination", visit="visit-13", action="clear"),
        _fix(
            parsed, "activity_add", label="Urine pregnancy test", after="ecg", visits=["visit-1", "visit-13"]
        ),
        _fix(parsed, "activity_remove", activity="habits"),
        _fix(parsed, "activity_rename", activity="medications-returned", label="Study drug returned"),
        _fix(
            parsed,
            "visit_add",
            label="Visit 14",
            headers=["VISIT 14", "WEEK 30"],
            after="visit-13",
            activities=["adverse-events", "vital-signs-temperature"],
        ),
        _fix(parsed, "visit_remove", visit="rt"),
        _fix(parsed, "visit_rename", visit="et", label="Early Discontinuation"),
        _fix(parsed, "activity_remap", activity="plasma-specimen-xanomeline", form="F.PG"),
        _fix(parsed, "item_add", form="F.VS", name="VSCOMM", question="Comment", length=200),
        _fix(parsed, "item_drop", form="F.PE", item="IT.PE.PEDESC"),
        _fix(parsed, "codelist_subset", codelist="CL.SEX", values=["M", "F"]),
        _fix(
            parsed,
            "item_condition",
            form="F.VS",
            item="IT.VS.VSCOMM",
            source_item="IT.VS.VSPERF",
            operator="eq",
            values=["Y"],
        ),
        _fix(parsed, "activity_remove", activity="no-such-row"),
        _fix(parsed, "activity_remap", activity="placebo-tts-test", form="NO_SUCH_FORM"),
        _fix(parsed, "soa_cell", activity="ecg", visit="visit-4", action="set"),
    )


def _status(build: CorrectedBuild) -> list[str]:
    return [o.status for o in build.design.corrections]


def test_every_outcome_is_reported_in_order(corrected: CorrectedBuild) -> None:
    assert _status(corrected) == ["applied"] * 13 + ["orphaned", "rejected", "unchanged"]


def _matrix(design: CRFDesign) -> set[tuple[str, str]]:
    return {(ref.event_oid, ref.form_oid) for ref in design.matrix}


def _event(design: CRFDesign, header: str) -> str:
    return next(e.oid for e in design.events if header in e.headers)


def test_soa_cell_set_and_clear(baseline: CRFDesign, corrected: CorrectedBuild) -> None:
    design = corrected.design
    visit3, visit13 = _event(design, "VISIT 3"), _event(design, "VISIT 13")
    assert (visit3, "F.PR_XRAYCHEST") not in _matrix(baseline)
    assert (visit3, "F.PR_XRAYCHEST") in _matrix(design)
    assert (visit13, "F.PE") in _matrix(baseline)
    assert (visit13, "F.PE") not in _matrix(design)


def test_activity_add_remove_rename(baseline: CRFDesign, corrected: CorrectedBuild) -> None:
    before = {m.activity for m in baseline.mappings}
    after = {m.activity for m in corrected.design.mappings}
    assert after - before == {"Urine pregnancy test", "Study drug returned"}
    assert before - after == {"Habits", "Medications returned"}
    labels = [a.label for a in corrected.parsed.schedules[0].activities]
    assert labels[labels.index("ECG") + 1] == "Urine pregnancy test"
    assert not any(entry.activity == "Habits" for entry in corrected.design.review)


def test_visit_add_remove_rename(baseline: CRFDesign, corrected: CorrectedBuild) -> None:
    design = corrected.design
    visit14 = _event(design, "VISIT 14")
    assert {form for event, form in _matrix(design) if event == visit14} >= {"F.AE", "F.VS"}
    assert any("RT" in e.headers for e in baseline.events)
    assert not any("RT" in e.headers for e in design.events)
    assert any("ET" in e.headers for e in baseline.events)
    assert any(e.headers == ["Early Discontinuation"] for e in design.events)


def test_activity_remap(baseline: CRFDesign, corrected: CorrectedBuild) -> None:
    def row(design: CRFDesign) -> Any:
        return next(m for m in design.mappings if m.activity == "Plasma Specimen (Xanomeline)")

    assert row(baseline).kind == "unmapped"
    remapped = row(corrected.design)
    assert (remapped.kind, remapped.domain, remapped.confidence) == ("data", "PG", 1.0)
    assert "reviewer correction" in remapped.reason and "dr.reviewer" in remapped.reason
    plasma = _event(corrected.design, "VISIT 7")
    assert (plasma, "F.PG") in _matrix(corrected.design)


def test_item_add_drop_and_condition(corrected: CorrectedBuild) -> None:
    design = corrected.design
    items = {i.oid: i for f in design.forms for g in f.item_groups for i in g.items}
    assert "IT.PE.PEDESC" not in items
    added = items["IT.VS.VSCOMM"]
    assert (added.question, added.length, added.condition_oid) == ("Comment", 200, "COND.VS.VSPERF.EQ.Y")
    condition = next(c for c in design.conditions if c.oid == added.condition_oid)
    assert (condition.source_item_oid, condition.values) == ("IT.VS.VSPERF", ["Y"])


def test_codelist_subset_keeps_the_values_in_the_given_order(corrected: CorrectedBuild) -> None:
    sex = corrected.design.codelist("CL.SEX")
    assert [(c.coded_value, c.order) for c in sex.items] == [("M", 1), ("F", 2)]


def test_orphaned_and_rejected_corrections_are_open_review_items(corrected: CorrectedBuild) -> None:
    entries = [e for e in corrected.design.review if e.activity.startswith("(correction")]
    assert [e.reason.split(":")[0] for e in entries] == ["orphaned", "rejected"]
    assert entries[0].key is not None and entries[0].key.endswith("activity:no-such-row")
    markdown = review_markdown(corrected.design)
    assert "13 applied, 1 orphaned, 1 rejected, 1 unchanged." in markdown
    assert "activity:no-such-row" in markdown


def test_review_items_carry_their_key_and_a_correction_that_settles_them(
    parsed: ParsedProtocol, baseline: CRFDesign
) -> None:
    entry = next(e for e in baseline.review if e.activity == "Placebo TTS test")
    assert entry.key == f"schedule:{schedule_keys(parsed)['S1']}/activity:placebo-tts-test"
    kinds = [fix["kind"] for fix in entry.settle_with]
    assert kinds == ["activity_remap", "activity_remove"]
    # the suggested removal is a valid correction as printed, and applied it settles the entry
    removal = CORRECTION_ADAPTER.validate_python(entry.settle_with[1])
    settled = _build(parsed, removal).design
    assert settled.corrections[0].status == "applied"
    assert not any(e.activity == "Placebo TTS test" for e in settled.review)
    assert '"kind": "activity_remove"' in review_markdown(baseline)
    column = next(e for e in baseline.review if e.activity == "(visit column)")
    assert column.key is not None and column.key.endswith("/visit:column-6")
    assert [fix["kind"] for fix in column.settle_with] == ["visit_remove"]
    stub = next(e for e in baseline.review if e.activity.startswith("Mini-Mental"))
    assert (stub.key, stub.settle_with[0]["kind"]) == ("form:F.FT_MMSE", "item_add")


@pytest.mark.slow
def test_the_corrected_design_renders_a_package_that_passes_every_gate(
    corrected: CorrectedBuild, tmp_path: Path
) -> None:
    render_package(corrected.design, tmp_path)
    results = [
        *design_gates(corrected.design, load_bundled_ct()),
        *odm_gates(tmp_path / "odm.xml"),
        *redcap_gates(tmp_path),
    ]
    assert [(r.name, r.failures[:3]) for r in results if not r.passed] == []
    assert "IT.VS.VSCOMM" in (tmp_path / "odm.xml").read_text(encoding="utf-8")
    assert CorrectionSet.load(tmp_path / "corrections.json").corrections[0].kind == "soa_cell"


def test_another_studys_corrections_are_refused(parsed: ParsedProtocol) -> None:
    with pytest.raises(StudyMismatchError, match="OTHER"):
        apply_corrections(parsed, CorrectionSet(study="OTHER"), load_bundled_ct(), load_bundled_standards())


def _with_inserted_row(parsed: ParsedProtocol, label: str) -> ParsedProtocol:
    """The same protocol as a re-read of an amendment that adds one SoA row at the top: every activity
    id after it shifts by one, as the reader numbers rows by position."""
    amended = parsed.model_copy(deep=True)
    schedule = amended.schedules[0]
    schedule.activities.insert(0, Activity(id="new", label=label))
    renumbered = {a.id: f"A{n}" for n, a in enumerate(schedule.activities, start=1)}
    for activity in schedule.activities:
        activity.id = renumbered[activity.id]
    for cell in schedule.cells:
        cell.activity = renumbered[cell.activity]
    schedule.cells.append(ScheduleCell(activity="A1", visit=schedule.visits[0].id, text="X"))
    return amended


def test_an_inserted_row_shifts_positional_ids_but_no_correction_is_orphaned(parsed: ParsedProtocol) -> None:
    fixes = [
        _fix(parsed, "activity_remove", activity="habits"),
        _fix(parsed, "soa_cell", activity="physical-examination", visit="visit-13", action="clear"),
        _fix(parsed, "activity_remap", activity="plasma-specimen-xanomeline", form="PG"),
    ]
    amended = _with_inserted_row(parsed, "Urine drug screen")
    habits = [next(a.id for a in p.schedules[0].activities if a.label == "Habits") for p in (parsed, amended)]
    assert habits[0] != habits[1]  # what a row-number key would have lost
    first, second = _build(parsed, *fixes), _build(amended, *fixes)
    assert _status(first) == _status(second) == ["applied"] * 3
    plasma = [next(m for m in b.design.mappings if m.activity.startswith("Plasma")) for b in (first, second)]
    assert [m.domain for m in plasma] == ["PG", "PG"]
    assert "Urine drug screen" in {m.activity for m in second.design.mappings}


def test_a_reworded_schedule_title_falls_back_to_the_table_holding_the_row(parsed: ParsedProtocol) -> None:
    reworded = parsed.model_copy(deep=True)
    reworded.schedules[0].title = "Study Schedule (Amendment 2)"
    fixes = [
        _fix(parsed, "activity_remove", activity="habits"),
        _fix(parsed, "activity_remove", activity="nope"),
    ]
    outcomes = _build(reworded, *fixes).design.corrections
    assert [o.status for o in outcomes] == ["applied", "orphaned"]
    assert "no table has key 'schedule-of-events-for-protocol-h2q-mc-lzzt-c'" in outcomes[0].detail
