"""The CDISC pilot (LZZT) end to end, from the PDF and from the DOCX: the content a data manager checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.mapping.crf_text import PLACEHOLDER
from crfgen_core.model.design import CRFDesign, Item
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

pytestmark = pytest.mark.shared

FORMATS = ("CDISC_Pilot_Study.pdf", "LZZT_ICH_M11.docx")


@pytest.fixture(scope="module")
def designs(corpus_dir: Path) -> dict[str, CRFDesign]:
    ct, standards = load_bundled_ct(), load_bundled_standards()
    return {
        name: design_crf(read_protocol(corpus_dir / "cdisc_pilot_lzzt" / name), ct, standards)
        for name in FORMATS
    }


def _items(design: CRFDesign, form: str | None = None) -> list[Item]:
    return [i for f in design.forms if form in (None, f.oid) for g in f.item_groups for i in g.items]


@pytest.mark.parametrize("name", FORMATS)
def test_vital_signs_hold_every_test_with_supine_and_standing_records(
    designs: dict[str, CRFDesign], name: str
) -> None:
    design = designs[name]
    results = [i for i in _items(design, "F.VS") if i.name == "VSORRES"]
    assert {i.test_code for i in results} == {"SYSBP", "DIABP", "PULSE", "TEMP", "WEIGHT", "HEIGHT"}
    for code in ("SYSBP", "DIABP", "PULSE"):
        records = [(i.value_level["VSPOS"], i.value_level["VSTPT"]) for i in results if i.test_code == code]
        assert records == [
            ("SUPINE", "AFTER 5 MINUTES SUPINE"),
            ("STANDING", "AFTER 1 MINUTE STANDING"),
            ("STANDING", "AFTER 3 MINUTES STANDING"),
        ], code
    units = {u.name for u in design.units}
    assert {"mmHg", "beats/min", "kg", "cm"} <= units
    assert not [e for e in design.review if "VSTESTCD" in e.reason], "no vital sign may be left unresolved"


def test_pdf_and_docx_give_the_same_vital_signs_laboratory_and_header_forms(
    designs: dict[str, CRFDesign],
) -> None:
    pdf, docx = (designs[name] for name in FORMATS)
    for form in ("F.VS", "F.LB_HEM", "F.LB_CHEM", "F.LB_UA", "F.SV", "F.DS_IC", "F.EX", "F.SC", "F.AE"):
        assert [i.oid for i in _items(pdf, form)] == [i.oid for i in _items(docx, form)], form


@pytest.mark.parametrize("name", FORMATS)
def test_annotations_codelists_conditions_and_wording(designs: dict[str, CRFDesign], name: str) -> None:
    design = designs[name]
    ae = {i.name: i for i in _items(design, "F.AE")}
    assert ae["AESTDAT"].sdtm_annotation == "AESTDTC" and ae["AEENDAT"].sdtm_annotation == "AEENDTC"
    severity = design.codelist(ae["AESEV"].codelist_oid or "")
    assert [(c.coded_value, c.decode) for c in severity.items] == [
        ("MILD", "Mild"),
        ("MODERATE", "Moderate"),
        ("SEVERE", "Severe"),
    ]
    assert [c.coded_value for c in design.codelist(ae["AESER"].codelist_oid or "").items] == ["Y", "N"]
    condition = next(c for c in design.conditions if c.oid == ae["AEENDAT"].condition_oid)
    assert condition.source_item_oid == ae["AEONGO"].oid and condition.values == ["N"]
    for item in _items(design):
        assert not PLACEHOLDER.search(item.question), item.oid
        if item.codelist_oid and item.data_type == "text":
            assert (item.length or 0) >= max(
                len(c.coded_value) for c in design.codelist(item.codelist_oid).items
            )
    dose_units = design.codelist(
        next(i for i in _items(design, "F.CM") if i.name == "CMDOSU").codelist_oid or ""
    )
    assert len(dose_units.items) < 30


@pytest.mark.parametrize("name", FORMATS)
def test_central_laboratory_collects_samples_and_flags_the_tests(
    designs: dict[str, CRFDesign], name: str
) -> None:
    design = designs[name]
    for form in ("F.LB_HEM", "F.LB_CHEM", "F.LB_UA"):
        names = {i.name for i in _items(design, form)}
        assert "LBORRES" not in names and {"LBDAT", "LBTIM"} <= names, form
    assert any("central laboratory" in e.reason for e in design.review)
    assert {i.sdtm_target for i in _items(design, "F.EX")} >= {"EXSTDTC", "EXENDTC"}
    assert [i.sdtm_target for i in _items(design, "F.SV")] == ["SVSTDTC"]
