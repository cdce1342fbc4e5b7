"""Schedule semantics in the design: legend codes decide collection and contacts, titles decide arms."""

from __future__ import annotations

import pytest

from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign, StudyEvent
from crfgen_core.model.protocol import (
    Activity,
    Footnote,
    ParsedProtocol,
    ProtocolDocument,
    Schedule,
    ScheduleCell,
    Visit,
)
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

DOCUMENT = ProtocolDocument(file_name="p.pdf", path="/x/p.pdf", sha256="0" * 64, format="pdf", size_bytes=1)

# the form CT gives the ADAS-Cog row (the CDISC version of the instrument, named as CT names it)
ADAS_COG = "Alzheimer's Disease Assessment Scale - Cognitive CDISC Version (ADAS-COG)"


def _schedule(
    sid: str,
    title: str,
    visits: list[Visit],
    rows: dict[str, list[str]],
    legend: list[Footnote] | None = None,
) -> Schedule:
    """rows: activity label -> one cell text per visit ('' = empty; 'Xb' = X with footnote b)."""
    activities, cells = [], []
    for number, (label, marks) in enumerate(rows.items(), 1):
        activity = Activity(id=f"A{number}", label=label, row=number)
        activities.append(activity)
        for visit, mark in zip(visits, marks, strict=True):
            if mark:
                text, notes = (mark[0], [mark[1:]]) if len(mark) > 1 and mark[0] == "X" else (mark, [])
                cells.append(ScheduleCell(activity=activity.id, visit=visit.id, text=text, footnotes=notes))
    return Schedule(
        id=sid, title=title, pages=[1], visits=visits, activities=activities, cells=cells, legend=legend or []
    )


def _design(*schedules: Schedule) -> CRFDesign:
    parsed = ParsedProtocol(document=DOCUMENT, schedules=list(schedules))
    return design_crf(parsed, load_bundled_ct(), load_bundled_standards())


def _visits(*columns: list[str]) -> list[Visit]:
    return [Visit(id=f"V{i}", label=h[-1], headers=h) for i, h in enumerate(columns, 1)]


def _forms_at(design: CRFDesign, event: StudyEvent) -> set[str]:
    names = {f.oid: f.name for f in design.forms}
    return {names[r.form_oid] for r in design.matrix if r.event_oid == event.oid}


@pytest.fixture(scope="module")
def legend_design() -> CRFDesign:
    visits = _visits(["Visit 1", "Week -2"], ["Visit 2", "Week 0"], ["Visit 3", "Week 4"], ["ET"], ["RT"])
    rows = {
        "Vital signs": ["X", "X", "X", "X", "X"],
        "ADAS-Cog": ["P", "X", "Xb", "X", ""],
        "Adverse events": ["", "X", "X", "X", "X"],
    }
    legend = [
        Footnote(marker="P", text="Practice administration only; these data are not collected."),
        Footnote(marker="Xb", text="Done at this visit and by telephone interview 2 weeks after this visit."),
        Footnote(marker="Abbreviations", text="ET = Early Termination; RT = Retrieval visit"),
    ]
    return _design(_schedule("S1", "Schedule of Activities", visits, rows, legend))


def test_practice_cells_place_no_form(legend_design: CRFDesign) -> None:
    first = legend_design.events[0]
    assert first.name == "Visit 1 (Week -2)"
    assert ADAS_COG not in _forms_at(legend_design, first)
    assert "Vital Signs" in _forms_at(legend_design, first)
    assert any("not collected" in r.reason and "'P'" in r.activity for r in legend_design.review)


def test_telephone_follow_up_becomes_a_contact_event_after_its_visit(legend_design: CRFDesign) -> None:
    names = [e.name for e in legend_design.events]
    call = next(e for e in legend_design.events if e.contact == "telephone")
    assert names.index(call.name) == names.index("Visit 3 (Week 4)") + 1
    assert call.name == "Visit 3 (Week 4): telephone follow-up"
    assert call.day is not None and "2 weeks after" in call.day
    assert call.day_offset == 29 + 14  # Week 4 is Day 29; two weeks later
    assert _forms_at(legend_design, call) == {ADAS_COG}
    assert ADAS_COG in _forms_at(legend_design, legend_design.events[names.index("Visit 3 (Week 4)")])


def test_termination_and_retrieval_columns_are_unscheduled(legend_design: CRFDesign) -> None:
    by_name = {e.name: e for e in legend_design.events}
    assert by_name["Early Termination (ET)"].type == "Unscheduled"
    assert by_name["Retrieval visit (RT)"].type == "Unscheduled"
    assert by_name["Visit 2 (Week 0)"].type == "Scheduled"
    assert by_name["Visit 2 (Week 0)"].day_offset == 1


def test_a_visit_whose_every_cell_is_a_telephone_code_is_a_call() -> None:
    visits = _visits(["Visit 1"], ["Visit 2"])
    legend = [Footnote(marker="T", text="Telephone contact")]
    rows = {"Adverse events": ["X", "T"], "Concomitant medications": ["X", "T"]}
    design = _design(_schedule("S1", "SoA", visits, rows, legend))
    assert [e.contact for e in design.events if e.type != "Common"] == ["visit", "telephone"]


@pytest.fixture(scope="module")
def arm_design() -> CRFDesign:
    columns = (["Screening"], ["Treatment Cycles", "1"], ["Treatment Cycles", "2 and Beyond"])
    rows = {"Vital signs": ["X", "X", "X"], "Adverse events": ["X", "X", "X"]}
    weekly = _visits(["Screening"], ["Treatment Cycles", "1"], ["Treatment Cycles", "1", "Day 8"])
    return _design(
        _schedule("S1", "Flow Chart - Treatment Phase for Drug A", _visits(*columns), rows),
        _schedule("S2", "Flow Chart - Treatment Phase for Drug B", weekly, {**rows, "ECG": ["X", "", "X"]}),
    )


def test_arms_come_from_schedule_titles(arm_design: CRFDesign) -> None:
    assert [(a.oid, a.name) for a in arm_design.arms] == [("ARM.DRUG_A", "Drug A"), ("ARM.DRUG_B", "Drug B")]


def test_visits_both_arms_have_belong_to_every_arm_the_rest_to_one(arm_design: CRFDesign) -> None:
    by_name = {e.name: e for e in arm_design.events}
    assert by_name["Screening"].arms == []
    assert by_name["Cycle 1"].arms == []
    assert by_name["Cycle 2 and Beyond"].arms == ["ARM.DRUG_A"]
    assert by_name["Cycle 2 and Beyond"].repeating
    assert by_name["Cycle 1 (Day 8)"].arms == ["ARM.DRUG_B"]


def test_a_form_only_one_arm_collects_at_a_shared_visit_is_arm_conditional(arm_design: CRFDesign) -> None:
    screening = next(e for e in arm_design.events if e.name == "Screening")
    refs = {r.form_oid: r for r in arm_design.matrix if r.event_oid == screening.oid}
    ecg = next(f.oid for f in arm_design.forms if f.domain == "EG")
    vs = next(f.oid for f in arm_design.forms if f.domain == "VS")
    assert refs[ecg].arms == ["ARM.DRUG_B"]
    assert refs[vs].arms == []


def test_one_named_arm_is_no_arm_design() -> None:
    visits = _visits(["Visit 1"], ["Visit 2"])
    design = _design(_schedule("S1", "Schedule for Cohort 1", visits, {"Vital signs": ["X", "X"]}))
    assert design.arms == [] and all(e.arms == [] for e in design.events)


def test_a_legend_explained_code_is_mandatory_an_unexplained_or_conditional_one_is_not(
    legend_design: CRFDesign,
) -> None:
    by_name = {e.name: e for e in legend_design.events}
    names = {f.oid: f.name for f in legend_design.forms}
    refs = {(r.event_oid, names[r.form_oid]): r for r in legend_design.matrix}
    assert refs[(by_name["Visit 3 (Week 4)"].oid, ADAS_COG)].mandatory  # 'Xb': at this visit and later
    visits = _visits(["Visit 1"], ["Visit 2"])
    legend = [Footnote(marker="Xa", text="Performed if the patient is diabetic.")]
    design = _design(_schedule("S1", "SoA", visits, {"Vital signs": ["Xa", "(X)"]}, legend))
    assert [r.mandatory for r in design.matrix if names.get(r.form_oid) == "Vital Signs"] == [False, False]


def test_a_visit_two_arms_share_with_different_windows_is_one_event_and_the_difference_is_reviewed() -> None:
    rows = {"Vital signs": ["X", "X"]}
    first = _visits(["Treatment Cycles", "1"], ["Treatment Cycles", "2", "± 3"])
    second = _visits(["Treatment Cycles", "1"], ["Treatment Cycles", "2", "+3"])
    design = _design(
        _schedule("S1", "Treatment Phase for Drug A", first, rows),
        _schedule("S2", "Treatment Phase for Drug B", second, rows),
    )
    cycle_two = [e for e in design.events if e.name.startswith("Cycle 2")]
    assert [(e.name, e.arms, e.window) for e in cycle_two] == [("Cycle 2", [], "±3 days")]
    assert any("window +3 days differs" in r.reason for r in design.review)
