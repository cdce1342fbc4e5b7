"""ODM 1.3.2: valid against the official XSD, loadable by odmlib, stable OIDs, XSD element order."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from design_fixture import fixture_design
from lxml import etree
from odmlib.loader import ODMLoader
from odmlib.odm_loader import XMLODMLoader

from crfgen_core.model.design import ConditionOperator, CRFDesign, ItemCondition
from crfgen_core.quality.odm_xsd import odm_xsd_errors
from crfgen_core.render.errors import (
    DuplicateOIDError,
    MissingCodelistError,
    MissingConditionError,
    MissingUnitError,
)
from crfgen_core.render.odm_1_3_2 import build_odm, write_odm
from crfgen_core.render.odm_1_3_2.conditions import exception_expression
from crfgen_core.render.odm_1_3_2.odm_writer import ODM_NS
from crfgen_core.xml_safety import safe_parser

NS = {"odm": ODM_NS}
CREATED = datetime(2024, 1, 1, tzinfo=UTC)


def _write(design: CRFDesign, tmp_path: Path) -> Path:
    return write_odm(design, tmp_path / "odm.xml", CREATED)


def test_fixture_odm_is_valid_against_the_official_xsd(tmp_path: Path) -> None:
    assert odm_xsd_errors(_write(fixture_design(), tmp_path)) == []


def test_odmlib_loads_forms_items_and_codelists_back(tmp_path: Path) -> None:
    design = fixture_design()
    loader = ODMLoader(XMLODMLoader(model_package="odm_1_3_2", ns_uri=ODM_NS))
    loader.open_odm_document(str(_write(design, tmp_path)))
    mdv = loader.MetaDataVersion()
    assert [f.OID for f in mdv.FormDef] == [f.oid for f in design.forms]
    items = {i.OID: i for i in mdv.ItemDef}
    assert set(items) == {i.oid for f in design.forms for g in f.item_groups for i in g.items}
    sysbp = items["IT.VS.VSORRES.SYSBP"]
    assert sysbp.DataType == "integer"
    assert sysbp.Question.TranslatedText[0]._content == "Systolic blood pressure (mmHg)"
    assert {(a.Context, a.Name) for a in sysbp.Alias} >= {
        ("CDASH", "VSORRES_SYSBP"),
        ("SDTM", "VSORRES when VSTESTCD = SYSBP and VSPOS = SITTING"),
        ("SDTM value level", "VSTESTCD = SYSBP and VSPOS = SITTING"),
    }
    assert items["IT.AE.AESEV"].CodeListRef.CodeListOID == "CL.AESEV"
    codelists = {c.OID: c for c in mdv.CodeList}
    assert set(codelists) == {"CL.NY", "CL.POSITION", "CL.AESEV"}
    severity = codelists["CL.AESEV"]
    assert [
        (c.CodedValue, c.Decode.TranslatedText[0]._content, c.Alias[0].Name) for c in severity.CodeListItem
    ] == [("MILD", "Mild", "C41338"), ("MODERATE", "Moderate", "C41339"), ("SEVERE", "Severe", "C41340")]
    assert [a.Name for a in severity.Alias if a.Context == "nci:ExtCodeID"] == ["C66769"]
    schedule = {s.OID: [r.FormOID for r in s.FormRef] for s in mdv.StudyEventDef}
    assert schedule["SE.SCREENING"] == ["F.VS", "F.IE"]
    assert schedule["SE.LOG_FORMS"] == ["F.AE"]  # the AE log form is reachable in an EDC


def test_item_def_children_follow_the_xsd_sequence() -> None:
    order = [
        "Description",
        "Question",
        "ExternalQuestion",
        "MeasurementUnitRef",
        "RangeCheck",
        "CodeListRef",
        "Role",
        "Alias",
    ]
    for item_def in build_odm(fixture_design(), CREATED).iterfind(".//odm:ItemDef", NS):
        tags = [etree.QName(child).localname for child in item_def]
        assert tags == sorted(tags, key=order.index)


def test_empty_visit_label_still_gives_a_named_study_event() -> None:
    root = build_odm(fixture_design(), CREATED)
    event = root.find(".//odm:StudyEventDef[@OID='SE.V4']", NS)
    assert event is not None and event.get("Name") == "Visit 4"
    for element in root.iter():
        assert all(value.strip() for value in element.attrib.values()), etree.QName(element).localname


def test_oids_do_not_depend_on_run_order() -> None:
    design = fixture_design()
    reordered = design.model_copy(
        update={"forms": list(reversed(design.forms)), "codelists": list(reversed(design.codelists))}
    )

    def oids(d: CRFDesign) -> set[str]:
        # the MetaDataVersion OID names the build (a hash of the design, which lists forms in another
        # order here), not a thing of the design
        return {
            oid for e in build_odm(d, CREATED).iter() if (oid := e.get("OID")) and not oid.startswith("MDV.")
        }

    assert oids(design) == oids(reordered)
    first, second = (etree.tostring(build_odm(fixture_design(), CREATED)) for _ in range(2))
    assert first == second


def test_provenance_and_versions_are_carried() -> None:
    root = build_odm(fixture_design(), CREATED)
    description = root.find(".//odm:MetaDataVersion", NS).get("Description")  # type: ignore[union-attr]
    assert "sdtm 2025-03-25" in description and "COSMoS 2025-12-31" in description
    assert "xyz_001_protocol.pdf" in description and "0" * 63 + "1" in description
    provenance = root.find(".//odm:ItemDef[@OID='IT.VS.VSDAT']/odm:Alias[@Context='crfgen:provenance']", NS)
    assert provenance is not None and "page=12" in provenance.get("Name", "")


def test_duplicate_form_oid_is_a_typed_error() -> None:
    design = fixture_design()
    clash = design.model_copy(
        update={"forms": [*design.forms, design.forms[1].model_copy(update={"name": "X"})]}
    )
    with pytest.raises(DuplicateOIDError, match=r"F\.IE"):
        build_odm(clash)


def test_missing_codelist_is_a_typed_error() -> None:
    design = fixture_design()
    with pytest.raises(MissingCodelistError, match=r"CL\.NY"):
        build_odm(design.model_copy(update={"codelists": [c for c in design.codelists if c.oid != "CL.NY"]}))


@pytest.mark.shared
@pytest.mark.parametrize(
    "example",
    [
        "jmangori_test_trial/CDISC_ODM_1.3.2_example.xml",
        "cdisc_odm_examples/Hypercholesterolemia_CV_Risk_factors_FH_CRF_1_3_2.xml",
    ],
)
def test_real_edc_files_use_the_same_shape(shared_dir: Path, example: str, tmp_path: Path) -> None:
    """Every element kind a real ODM CRF puts in MetaDataVersion, in the same relative order, we do too."""

    def mdv_kinds(path: Path) -> list[str]:
        tree = etree.parse(str(path), safe_parser())
        mdv = tree.find(".//odm:MetaDataVersion", NS)
        assert mdv is not None
        return list(dict.fromkeys(etree.QName(child).localname for child in mdv))

    ours = mdv_kinds(_write(fixture_design(), tmp_path))
    theirs = [k for k in mdv_kinds(shared_dir / "interop" / "odm_crf" / example) if k in ours]
    assert [k for k in ours if k in theirs] == theirs


def test_units_conditions_and_arms_load_back_in_odmlib(tmp_path: Path) -> None:
    loader = ODMLoader(XMLODMLoader(model_package="odm_1_3_2", ns_uri=ODM_NS))
    loader.open_odm_document(str(_write(fixture_design(), tmp_path)))
    study = loader.Study()
    units = {u.OID: u.Symbol.TranslatedText[0]._content for u in study.BasicDefinitions.MeasurementUnit}
    assert units == {"MU.MMHG": "mmHg", "MU.C": "C", "MU.F": "F"}
    mdv = loader.MetaDataVersion()
    temperature = next(i for i in mdv.ItemDef if i.OID == "IT.VS.VSORRES.TEMP")
    assert [r.MeasurementUnitOID for r in temperature.MeasurementUnitRef] == ["MU.C", "MU.F"]
    conditions = {c.OID: c for c in mdv.ConditionDef}
    assert set(conditions) == {"COND.AE.NOT_ONGOING", "COND.NOT_ARM.A", "COND.NOT_ARM.B"}
    ended = conditions["COND.AE.NOT_ONGOING"]
    assert ended.FormalExpression[0].Context == "XPath"
    assert ended.FormalExpression[0]._content == "not(../ItemData[@ItemOID='IT.AE.AEONGO'][@Value='N'])"
    ae_group = next(g for g in mdv.ItemGroupDef if g.OID == "IG.AE")
    refs = {r.ItemOID: r for r in ae_group.ItemRef}
    assert refs["IT.AE.AEENDAT"].CollectionExceptionConditionOID == "COND.AE.NOT_ONGOING"
    assert refs["IT.AE.AEENDAT"].Mandatory == "Yes"  # required whenever it is asked


def test_events_carry_type_repetition_contact_and_arms() -> None:
    root = build_odm(fixture_design(), CREATED)
    refs = {r.get("StudyEventOID"): r for r in root.iterfind(".//odm:Protocol/odm:StudyEventRef", NS)}
    assert refs["SE.MAINT"].get("Mandatory") == "No"
    assert refs["SE.MAINT"].get("CollectionExceptionConditionOID") == "COND.NOT_ARM.B"
    assert refs["SE.ET"].get("Mandatory") == "No" and refs["SE.SCREENING"].get("Mandatory") == "Yes"
    events = {e.get("OID"): e for e in root.iterfind(".//odm:StudyEventDef", NS)}
    assert events["SE.ET"].get("Type") == "Unscheduled"
    assert events["SE.MAINT"].get("Repeating") == "Yes"
    aliases = {a.get("Context"): a.get("Name") for a in events["SE.MAINT"].iterfind("odm:Alias", NS)}
    assert aliases["crfgen:repeat_rule"] == "Cycle 2 and beyond, every 3 weeks"
    assert aliases["crfgen:arms"] == "Drug B"
    call = {a.get("Context"): a.get("Name") for a in events["SE.CALL"].iterfind("odm:Alias", NS)}
    assert call["crfgen:contact"] == "telephone"
    ie_at_v4 = events["SE.V4"].find("odm:FormRef[@FormOID='F.IE']", NS)
    assert ie_at_v4 is not None and ie_at_v4.get("CollectionExceptionConditionOID") == "COND.NOT_ARM.A"


@pytest.mark.parametrize(
    ("operator", "values", "expression"),
    [
        ("eq", ["N"], "not(../ItemData[@ItemOID='IT.S'][@Value='N'])"),
        ("in", ["N", "U"], "not(../ItemData[@ItemOID='IT.S'][@Value='N' or @Value='U'])"),
        ("ne", ["Y"], "../ItemData[@ItemOID='IT.S'][@Value='Y']"),
        ("empty", [], "../ItemData[@ItemOID='IT.S'][@Value!='']"),
        ("not_empty", [], "not(../ItemData[@ItemOID='IT.S'][@Value!=''])"),
    ],
)
def test_exception_expression_is_the_negation_of_when_to_ask(
    operator: ConditionOperator, values: list[str], expression: str
) -> None:
    condition = ItemCondition(
        oid="C", name="c", description="d", source_item_oid="IT.S", operator=operator, values=values
    )
    assert exception_expression(condition, same_group=True) == expression
    other_group = exception_expression(condition, same_group=False)
    assert other_group.replace("ancestor::FormData[1]//ItemGroupData", "..") == expression


def test_unknown_unit_or_condition_is_a_typed_error() -> None:
    design = fixture_design()
    with pytest.raises(MissingUnitError, match=r"MU\.MMHG"):
        build_odm(design.model_copy(update={"units": [u for u in design.units if u.oid != "MU.MMHG"]}))
    with pytest.raises(MissingConditionError, match=r"COND\.AE\.NOT_ONGOING"):
        build_odm(design.model_copy(update={"conditions": []}))
    orphan = design.conditions[0].model_copy(update={"source_item_oid": "IT.GONE"})
    with pytest.raises(MissingConditionError, match=r"IT\.GONE"):
        build_odm(design.model_copy(update={"conditions": [orphan]}))
