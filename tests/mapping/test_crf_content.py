"""CRF content a data manager accepts, on a small protocol built here: value-level vital signs, specimen
by panel, units, conditions, header forms, RECIST and CTCAE content, central laboratories."""

from __future__ import annotations

import pytest

from crfgen_core.mapping import design_crf
from crfgen_core.mapping.crf_text import PLACEHOLDER
from crfgen_core.model.design import CRFDesign, Item
from crfgen_core.model.protocol import (
    Activity,
    Mention,
    Panel,
    ParsedProtocol,
    PositionTiming,
    ProtocolDocument,
    ProtocolFacts,
    Schedule,
    ScheduleCell,
    TimedMeasurement,
    Visit,
)
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

LABELS = [
    "Vital signs",
    "Hematology",
    "Urinalysis",
    "Tumor imaging",
    "Demographics",
    "Adverse events",
    "Inclusion and exclusion criteria, review and confirm",
]


def _protocol(mentions: list[Mention]) -> ParsedProtocol:
    visits = [
        Visit(id="V1", label="Screening"),
        Visit(id="V2", label="Week 2"),
        Visit(id="V3", label="Week 4"),
    ]
    activities = [Activity(id=f"A{i}", label=label, row=i) for i, label in enumerate(LABELS, 1)]
    cells = [ScheduleCell(activity=a.id, visit=v.id, text="X") for a in activities for v in visits]
    timed = TimedMeasurement(
        measurements=["blood pressure", "heart rate"],
        timings=[
            PositionTiming(position="supine", written="lie supine", minutes=[5]),
            PositionTiming(position="standing", written="stand up", minutes=[1, 3]),
        ],
        text="...",
    )
    return ParsedProtocol(
        document=ProtocolDocument(
            file_name="p.pdf", path="/x/p.pdf", sha256="0" * 64, format="pdf", size_bytes=1
        ),
        schedules=[Schedule(id="S1", title="SoA", visits=visits, activities=activities, cells=cells)],
        panels=[
            Panel(name="Hematology", tests=["Hemoglobin", "Platelets", "HbA1c"], source="laboratory table"),
            Panel(name="Urinalysis", tests=["Protein", "Glucose", "Color"], source="laboratory table"),
        ],
        facts=ProtocolFacts(mentions=mentions, timed_measurements=[timed]),
    )


STANDARDS = [
    Mention(kind="standard", key="RECIST 1.1", text="per RECIST 1.1"),
    Mention(kind="standard", key="CTCAE", text="graded by CTCAE v5"),
    Mention(kind="study_drug", key="study drug", text="the study drug"),
    Mention(kind="subject_characteristic", key="education level", text="education level"),
]


@pytest.fixture(scope="module")
def design() -> CRFDesign:
    return design_crf(_protocol(STANDARDS), load_bundled_ct(), load_bundled_standards())


def _items(design: CRFDesign, form: str) -> list[Item]:
    return [item for group in design.form(form).item_groups for item in group.items]


def _all_items(design: CRFDesign) -> list[Item]:
    return [item for form in design.forms for group in form.item_groups for item in group.items]


def test_vital_signs_get_one_record_per_stated_position_and_time_point(design: CRFDesign) -> None:
    vs = design.form("F.VS")
    sysbp = next(g for g in vs.item_groups if g.oid == "IG.VS.SYSBP")
    results = [i for i in sysbp.items if i.name == "VSORRES"]
    assert [i.value_level.get("VSPOS") for i in results] == ["SUPINE", "STANDING", "STANDING"]
    assert [i.value_level.get("VSTPTNUM") for i in results] == ["1", "2", "3"]
    assert results[0].sdtm_annotation is not None
    assert results[0].sdtm_annotation.startswith("VSORRES when VSTESTCD = SYSBP and VSPOS = SUPINE")
    assert "VSPOS" not in {i.name for i in sysbp.items}, "the position is pre-printed, not asked"
    pulse = [i for i in _items(design, "F.VS") if i.name == "VSORRES" and i.test_code == "PULSE"]
    assert len(pulse) == 3  # "heart rate" with blood pressure is the pulse
    temp = [i for i in _items(design, "F.VS") if i.test_code == "TEMP" and i.name == "VSORRES"]
    assert len(temp) == 1 and "VSPOS" not in temp[0].value_level


def test_numeric_results_carry_the_units_valid_for_their_test(design: CRFDesign) -> None:
    units = {u.oid: u.name for u in design.units}
    sysbp = next(i for i in _items(design, "F.VS") if i.test_code == "SYSBP" and i.name == "VSORRES")
    assert [units[oid] for oid in sysbp.unit_oids] == ["mmHg"]
    temp_unit = next(i for i in _items(design, "F.VS") if i.test_code == "TEMP" and i.name == "VSORRESU")
    assert [c.coded_value for c in design.codelist(temp_unit.codelist_oid or "").items] == ["C", "F"]
    hba1c = next(i for i in _items(design, "F.LB_HEM") if i.test_code == "HBA1C" and i.name == "LBORRESU")
    assert [c.coded_value for c in design.codelist(hba1c.codelist_oid or "").items] == ["%", "mmol/mol"]


def test_specimen_and_result_type_come_from_the_test_and_its_panel(design: CRFDesign) -> None:
    urine = _items(design, "F.LB_UA")
    specimens = {i.test_code: i for i in urine if i.name == "LBSPEC"}
    assert specimens and all(
        [c.coded_value for c in design.codelist(i.codelist_oid or "").items] == ["URINE"]
        for i in specimens.values()
    )
    color = next(i for i in urine if i.test_code == "COLOR" and i.name == "LBORRES")
    assert color.data_type == "text" and not color.unit_oids


def test_recist_and_ctcae_switch_on_lesions_response_and_grade(design: CRFDesign) -> None:
    tumour = design.form("F.TU")
    assert {g.domain for g in tumour.item_groups} == {"TR", "TU", "RS"}
    overall = next(i for i in _items(design, "F.TU") if i.sdtm_annotation and "OVRLRESP" in i.sdtm_annotation)
    codes = [c.coded_value for c in design.codelist(overall.codelist_oid or "").items]
    assert (
        codes[:3] == ["CR", "PR", "SD"] and design.codelist(overall.codelist_oid or "").nci_code == "C96785"
    )
    ae = {i.name for i in _items(design, "F.AE")}
    assert "AETOXGR" in ae and "AESEV" not in ae


def test_header_forms_visit_date_consent_exposure_and_characteristics(design: CRFDesign) -> None:
    visits = [e.oid for e in design.events if e.type != "Common"]
    sv = {r.event_oid for r in design.matrix if r.form_oid == "F.SV"}
    assert sv == set(visits)
    assert {r.event_oid for r in design.matrix if r.form_oid == "F.DS_IC"} == {visits[0]}
    assert {i.sdtm_target for i in _items(design, "F.EX")} >= {"EXSTDTC", "EXENDTC"}
    assert any(i.test_code == "EDULEVEL" for i in _items(design, "F.SC"))


def test_conditions_end_date_only_when_not_ongoing_specify_other_only_when_other(design: CRFDesign) -> None:
    conditions = {c.oid: c for c in design.conditions}
    items = {i.oid: i for i in _all_items(design)}
    end = items["IT.AE.AEENDAT"]
    condition = conditions[end.condition_oid or ""]
    assert items[condition.source_item_oid].name == "AEONGO" and condition.values == ["N"]
    other = conditions[items["IT.DM.RACEOTH"].condition_oid or ""]
    assert items[other.source_item_oid].name == "RACE" and other.values == ["OTHER"]
    assert items["IT.AE.AETERM"].condition_oid is not None  # asked only when any AE is reported


def test_annotations_questions_and_lengths_are_crf_ready(design: CRFDesign) -> None:
    items = _all_items(design)
    assert next(i for i in items if i.name == "AESTDAT").sdtm_annotation == "AESTDTC"
    for item in items:
        assert not PLACEHOLDER.search(item.question) and not PLACEHOLDER.search(item.prompt or ""), item.oid
        if item.codelist_oid and item.data_type == "text":
            longest = max(len(c.coded_value) for c in design.codelist(item.codelist_oid).items)
            assert (item.length or 0) >= longest, item.oid


def test_a_central_laboratory_collects_samples_and_lists_every_test_for_review() -> None:
    central = Mention(
        kind="lab_setup", key="central", text="Hematology is analysed by the central laboratory."
    )
    design = design_crf(_protocol([central]), load_bundled_ct(), load_bundled_standards())
    hem = _items(design, "F.LB_HEM")
    assert not [i for i in hem if i.name == "LBORRES"]
    assert {"LBDAT", "LBTIM", "LBREFID"} <= {i.name for i in hem}
    note = next(e.reason for e in design.review if e.activity == "Laboratory - Hematology")
    assert "central laboratory" in note and "Hemoglobin (HGB)" in note and "HbA1c (HBA1C)" in note
    form = next(f for f in design.forms if f.oid == "F.LB_HEM")
    assert {"HGB", "HBA1C"} <= set(form.transferred_tests)  # the design keeps what the transfer brings


def test_the_eligibility_form_takes_its_criteria_from_the_eligibility_section_only(design: CRFDesign) -> None:
    # an SoA row naming the criteria must not add COSMoS test groups that reuse the criteria's OIDs
    oids = [i.oid for i in _all_items(design)]
    assert len(oids) == len(set(oids))
    assert [g.oid for g in design.form("F.IE").item_groups] == ["IG.IE.INCLEXCLYN"]
