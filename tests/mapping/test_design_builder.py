from __future__ import annotations

import pytest

from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign
from crfgen_core.model.protocol import (
    Activity,
    Criterion,
    Eligibility,
    Footnote,
    Panel,
    ParsedProtocol,
    ProtocolDocument,
    Schedule,
    ScheduleCell,
    Visit,
)
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct


def _protocol() -> ParsedProtocol:
    visits = [
        Visit(id="V1", label="Screening", headers=["Screening", "Day -14"]),
        Visit(id="V2", label="Week 4", headers=["Treatment", "Week 4"]),
    ]
    labels = [
        "Informed consent",
        "Vital signs and weight",
        "12-lead ECG",
        "Hematology/Chemistry/Urinalysis",
        "Randomization",
        "Physical examination",
        "Qwerty zxcvb",
    ]
    activities = [Activity(id=f"A{i}", label=label, page=3, row=i) for i, label in enumerate(labels, 1)]
    cells = [ScheduleCell(activity=a.id, visit=v.id, text="X") for a in activities for v in visits]
    cells[4] = cells[4].model_copy(update={"footnotes": ["a"]})  # ECG at screening
    return ParsedProtocol(
        document=ProtocolDocument(
            file_name="p.pdf", path="/x/p.pdf", sha256="0" * 64, format="pdf", size_bytes=1
        ),
        schedules=[
            Schedule(
                id="S1",
                title="SoA",
                pages=[3],
                visits=visits,
                activities=activities,
                cells=cells,
                footnotes=[Footnote(marker="a", text="Only if clinically indicated")],
            )
        ],
        eligibility=Eligibility(
            inclusion=[Criterion(number="1", text="Age 18 or older")],
            exclusion=[Criterion(number="1", text="Pregnant"), Criterion(number="2", text="Prior therapy")],
        ),
        panels=[Panel(name="Hematology", tests=["Hemoglobin", "Platelets", "Unobtainium"])],
    )


@pytest.fixture(scope="module")
def design() -> CRFDesign:
    return design_crf(_protocol(), load_bundled_ct(), load_bundled_standards())


def test_same_inputs_give_byte_identical_json(design: CRFDesign) -> None:
    assert design_crf(_protocol(), load_bundled_ct(), load_bundled_standards()).to_json() == design.to_json()


def test_standard_forms_always_present(design: CRFDesign) -> None:
    assert {"F.DM", "F.IE", "F.MH", "F.AE", "F.CM", "F.DS"} <= {f.oid for f in design.forms}


def test_procedures_are_not_forced_into_forms(design: CRFDesign) -> None:
    rows = {r.activity: r for r in design.mappings}
    for label in ("Informed consent", "Randomization"):
        assert rows[label].kind == "procedure" and rows[label].form is None
    assert not any(
        f.provenance and f.provenance[0].activity_label == "Informed consent" for f in design.forms
    )


def test_unmapped_activity_goes_to_review(design: CRFDesign) -> None:
    row = next(r for r in design.mappings if r.activity == "Qwerty zxcvb")
    assert row.kind == "unmapped" and row.confidence < 0.5
    assert any(e.activity == "Qwerty zxcvb" for e in design.review)


def test_one_vital_signs_form_with_test_per_item(design: CRFDesign) -> None:
    vs = design.form("F.VS")
    codes = {i.test_code for g in vs.item_groups for i in g.items if i.name == "VSORRES"}
    assert codes == {"SYSBP", "DIABP", "PULSE", "TEMP", "WEIGHT", "HEIGHT"}
    sysbp = next(i for g in vs.item_groups for i in g.items if i.test_code == "SYSBP" and i.name == "VSORRES")
    assert sysbp.sdtm_annotation == "VSORRES when VSTESTCD = SYSBP" and sysbp.provenance is not None
    assert sysbp.provenance.schedule_id == "S1" and sysbp.provenance.ct_version == "2025-03-25"


def test_panel_list_becomes_items_bound_to_ct_test_codes(design: CRFDesign) -> None:
    hem = design.form("F.LB_HEM")
    results = [i for g in hem.item_groups for i in g.items if i.name == "LBORRES"]
    assert [i.test_code for i in results] == ["HGB", "PLAT", None]
    # a name CT does not know is never dropped: a free-text item under its name, flagged for review
    unknown = results[-1]
    assert unknown.needs_review and "Unobtainium" in unknown.question
    assert unknown.sdtm_annotation == "LBORRES when LBTEST = Unobtainium"
    assert any("Unobtainium" in e.reason for e in design.review)


def test_ie_form_has_one_yes_no_item_per_criterion(design: CRFDesign) -> None:
    items = [i for g in design.form("F.IE").item_groups for i in g.items if i.test_code]
    assert [i.test_code for i in items] == ["INCL01", "EXCL01", "EXCL02"]
    assert items[1].question == "Pregnant"
    assert [c.coded_value for c in design.codelist(items[0].codelist_oid or "").items] == ["Y", "N"]


def test_every_ct_codelist_term_exists_in_the_recorded_ct_version(design: CRFDesign) -> None:
    ct = load_bundled_ct()
    for codelist in design.codelists:
        if codelist.ct_version is None:
            continue
        assert codelist.ct_version == ct.ref.version
        for item in codelist.items:
            term = ct.term(codelist.nci_code or "", item.coded_value)
            assert term is not None and term.code == item.nci_code, (codelist.oid, item.coded_value)
    used = {i.codelist_oid for f in design.forms for g in f.item_groups for i in g.items if i.codelist_oid}
    assert used <= {c.oid for c in design.codelists}


def test_matrix_flags_footnote_conditional_cells(design: CRFDesign) -> None:
    screening = design.events[0].oid
    ecg = next(r for r in design.matrix if r.event_oid == screening and r.form_oid == "F.EG")
    assert ecg.conditional and ecg.footnotes == ["a"]
    assert not next(r for r in design.matrix if r.event_oid == screening and r.form_oid == "F.VS").conditional


def test_oids_are_unique_and_derived_from_identity(design: CRFDesign) -> None:
    assert [e.oid for e in design.events][:2] == ["SE.SCREENING_DAY_14", "SE.TREATMENT_WEEK_4"]
    assert design.events[0].day == "Day -14"
    item_oids = [i.oid for f in design.forms for g in f.item_groups for i in g.items]
    assert len(item_oids) == len(set(item_oids))
    assert len({f.oid for f in design.forms}) == len(design.forms)
