"""Instrument forms from the CT: one item per test code, CT response codelists, reviewed stubs."""

from __future__ import annotations

import pytest

from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign, Form, Item
from crfgen_core.model.protocol import (
    Activity,
    ParsedProtocol,
    ProtocolDocument,
    Schedule,
    ScheduleCell,
    Visit,
)
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

LABELS = ["ADAS-Cog", "DAD", "PHQ-9", "CIBIC+", "MoCA", "HAM-D", "Hachinski", "ECOG"]


def _protocol() -> ParsedProtocol:
    visits = [Visit(id="V1", label="Baseline", headers=["Baseline"])]
    activities = [Activity(id=f"A{i}", label=label, page=1, row=i) for i, label in enumerate(LABELS, 1)]
    return ParsedProtocol(
        document=ProtocolDocument(
            file_name="p.pdf", path="/x/p.pdf", sha256="0" * 64, format="pdf", size_bytes=1
        ),
        schedules=[
            Schedule(
                id="S1",
                title="SoA",
                pages=[1],
                visits=visits,
                activities=activities,
                cells=[ScheduleCell(activity=a.id, visit="V1", text="X") for a in activities],
            )
        ],
    )


@pytest.fixture(scope="module")
def design() -> CRFDesign:
    return design_crf(_protocol(), load_bundled_ct(), load_bundled_standards())


def _items(form: Form) -> list[Item]:
    return [item for group in form.item_groups for item in group.items]


def _tests(form: Form) -> dict[str, Item]:
    return {item.test_code: item for item in _items(form) if item.test_code}


def test_one_item_per_ct_test_code(design: CRFDesign) -> None:
    dad = design.form("F.QS_DAD")
    tests = _tests(dad)
    assert dad.domain == "QS" and len(tests) == 49
    item = tests["DAD0101"]
    assert item.name == "DAD0101" and item.question == "Decide to Wash"
    assert item.sdtm_annotation == "QSORRES when QSTESTCD = DAD0101"
    assert item.value_level == {"QSTESTCD": "DAD0101", "QSCAT": "DAD"}
    assert item.concept_id == "C105170"
    header = {item.name for item in _items(dad) if not item.test_code}
    assert {"QSPERF", "QSDAT"} <= header


def test_functional_test_domain_and_cosmos_subcategory(design: CRFDesign) -> None:
    adas = design.form("F.FT_ADAS_COG")
    tests = _tests(adas)
    assert adas.domain == "FT" and len(tests) == 111
    assert tests["ADCCMD"].value_level["FTSCAT"] == "Commands"
    assert tests["ADCCMD01"].sdtm_annotation == "FTORRES when FTTESTCD = ADCCMD01"


def test_ct_sub_item_names_group_the_items(design: CRFDesign) -> None:
    groups = {g.name: [i.test_code for i in g.items] for g in design.form("F.FT_ADAS_COG").item_groups}
    assert groups["Commands"] == ["ADCCMD", "ADCCMD01", "ADCCMD02", "ADCCMD03", "ADCCMD04", "ADCCMD05"]


def test_ct_response_codelists_bind_per_item(design: CRFDesign) -> None:
    tests = _tests(design.form("F.QS_PHQ_9"))
    first, last = (
        design.codelist(tests["PHQ0101"].codelist_oid or ""),
        design.codelist(tests["PHQ0110"].codelist_oid or ""),
    )
    assert first.nci_code == "C213939" and last.nci_code == "C213940"
    assert all(item.codelist_oid for item in tests.values() if item.test_code != "PHQ0111")


def test_free_text_items_are_reported(design: CRFDesign) -> None:
    notes = [r.reason for r in design.review if r.activity.startswith("Disability Assessment for Dementia")]
    assert any("49 items are free text" in note for note in notes)


def test_instrument_without_ct_codelist_is_a_reviewed_stub(design: CRFDesign) -> None:
    stub = design.form("F.QS_CIBIC")
    assert [i.name for i in _items(stub)] == ["QSPERF", "QSDAT", "QSTOTAL"]
    assert any(r.activity == "CIBIC+" and "stub form" in r.reason for r in design.review)


def test_category_only_instrument_is_a_stub_in_its_ct_domain(design: CRFDesign) -> None:
    moca = design.form("F.FT_MOCA")
    assert [i.name for i in _items(moca)] == ["FTPERF", "FTDAT", "FTORRES"]
    assert any("no test codes" in r.reason for r in design.review)


def test_ambiguous_version_is_reviewed_with_candidates(design: CRFDesign) -> None:
    entry = next(r for r in design.review if r.activity == "HAM-D")
    assert "cannot tell which" in entry.reason
    assert any("HAMD 17" in c for c in entry.candidates)


def test_mapping_row_names_the_instrument_and_its_concept(design: CRFDesign) -> None:
    rows = {r.activity: r for r in design.mappings}
    assert rows["Hachinski"].domain == "QS" and rows["Hachinski"].concept_id == "C112523"
    assert "Modified Hachinski" in (rows["Hachinski"].form or "")


def test_single_linked_response_codelist_binds_its_item(design: CRFDesign) -> None:
    (item,) = _tests(design.form("F.RS_ECOG")).values()
    assert item.name == "ECOG101" and design.codelist(item.codelist_oid or "").nci_code == "C179943"
