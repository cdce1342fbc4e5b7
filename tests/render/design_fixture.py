"""A small, fixed CRF design that every renderer test and golden file is built on.

It holds what real designs hold: visits (one with an empty label), a VS form with one item per test code
and a codelist, an I/E form, an AE log form, codelists with NCI codes, a non-submitted item, mappings and
review entries; and the richer contract: measurement units, value-level qualifiers, an item condition
(end date only if not ongoing), an item that needs review, two arms with an arm-only repeating event and
an arm-only form, an unscheduled early-termination visit and a telephone contact.
"""

from __future__ import annotations

from crfgen_core.model.design import (
    Arm,
    CodelistItem,
    CRFCodelist,
    CRFDesign,
    EventFormRef,
    Form,
    Item,
    ItemCondition,
    ItemGroup,
    MappingRow,
    MeasurementUnit,
    Provenance,
    ReviewEntry,
    StudyEvent,
)
from crfgen_core.model.protocol import StudyMetadata
from crfgen_core.model.terminology import CTVersionRef

CT = Provenance(
    source="soa",
    schedule_id="S1",
    activity_id="A3",
    activity_label="Vital signs",
    page=12,
    row=3,
    concept_id="C25714",
    ct_package="sdtm",
    ct_version="2025-03-25",
    rule_set_version="0.2.0",
)


def _codelists() -> list[CRFCodelist]:
    return [
        CRFCodelist(
            oid="CL.NY",
            name="No Yes Response",
            nci_code="C66742",
            submission_value="NY",
            extensible=False,
            ct_package="sdtm",
            ct_version="2025-03-25",
            items=[
                CodelistItem(coded_value="N", decode="No", nci_code="C49487", order=1),
                CodelistItem(coded_value="Y", decode="Yes", nci_code="C49488", order=2),
            ],
        ),
        CRFCodelist(
            oid="CL.POSITION",
            name="Position",
            nci_code="C71148",
            submission_value="POSITION",
            extensible=True,
            ct_package="sdtm",
            ct_version="2025-03-25",
            items=[
                CodelistItem(coded_value="SITTING", decode="Sitting", nci_code="C62122"),
                CodelistItem(coded_value="STANDING", decode="Standing", nci_code="C62166"),
                CodelistItem(coded_value="SUPINE", decode="Supine", nci_code="C62167"),
            ],
        ),
        CRFCodelist(
            oid="CL.AESEV",
            name="Severity/Intensity Scale for Adverse Events",
            nci_code="C66769",
            submission_value="AESEV",
            extensible=False,
            ct_package="sdtm",
            ct_version="2025-03-25",
            items=[
                CodelistItem(coded_value="MILD", decode="Mild", nci_code="C41338", order=1),
                CodelistItem(coded_value="MODERATE", decode="Moderate", nci_code="C41339", order=2),
                CodelistItem(coded_value="SEVERE", decode="Severe", nci_code="C41340", order=3),
            ],
        ),
    ]


UNITS = [
    MeasurementUnit(oid="MU.MMHG", name="mmHg", nci_code="C49670", ct_codelist="VSRESU"),
    MeasurementUnit(oid="MU.C", name="C", nci_code="C42559", ct_codelist="VSRESU"),
    MeasurementUnit(oid="MU.F", name="F", nci_code="C44277", ct_codelist="VSRESU"),
]
CONDITIONS = [
    ItemCondition(
        oid="COND.AE.NOT_ONGOING",
        name="AE not ongoing",
        description="Only if Ongoing = No",
        source_item_oid="IT.AE.AEONGO",
        operator="eq",
        values=["N"],
    )
]
ARMS = [Arm(oid="ARM.A", name="Drug A"), Arm(oid="ARM.B", name="Drug B")]


def _vs_form() -> Form:
    def test(
        code: str,
        label: str,
        data_type: str,
        digits: int | None = None,
        units: tuple[str, ...] = (),
        value_level: dict[str, str] | None = None,
    ) -> Item:
        return Item(
            oid=f"IT.VS.VSORRES.{code}",
            name=f"VSORRES_{code}",
            question=label,
            prompt=label,
            data_type=data_type,
            length=5,
            significant_digits=digits,  # type: ignore[arg-type]
            sdtm_target="VSORRES",
            test_code=code,
            value_level=value_level or {},
            unit_oids=list(units),
            concept_id="C25298",
            provenance=CT,
        )

    items = [
        Item(
            oid="IT.VS.VSDAT",
            name="VSDAT",
            question="What was the date of the measurements?",
            prompt="Date",
            data_type="date",
            mandatory=True,
            sdtm_target="VSDTC",
            sdtm_annotation="VSDTC",
            provenance=CT,
        ),
        test(
            "SYSBP",
            "Systolic blood pressure (mmHg)",
            "integer",
            units=("MU.MMHG",),
            value_level={"VSTESTCD": "SYSBP", "VSPOS": "SITTING"},
        ),
        test("DIABP", "Diastolic blood pressure (mmHg)", "integer", units=("MU.MMHG",)),
        test("TEMP", "Temperature", "float", digits=1, units=("MU.C", "MU.F")),
        Item(
            oid="IT.VS.VSPOS",
            name="VSPOS",
            question="What was the position of the subject?",
            data_type="text",
            codelist_oid="CL.POSITION",
            sdtm_target="VSPOS",
        ),
    ]
    group = ItemGroup(oid="IG.VS", name="Vital Signs", domain="VS", repeating=True, items=items)
    return Form(oid="F.VS", name="Vital Signs", domain="VS", item_groups=[group], provenance=[CT])


def _ie_form() -> Form:
    items = [
        Item(
            oid="IT.IE.IEYN",
            name="IEYN",
            question="Did the subject meet all eligibility criteria?",
            data_type="text",
            mandatory=True,
            codelist_oid="CL.NY",
            sdtm_annotation="[NOT SUBMITTED]",
        ),
        Item(
            oid="IT.IE.IETESTCD",
            name="IETESTCD",
            question="Criterion identifier not met",
            data_type="text",
            length=8,
            sdtm_target="IETESTCD",
        ),
    ]
    group = ItemGroup(oid="IG.IE", name="Eligibility", domain="IE", items=items)
    return Form(
        oid="F.IE",
        name="Inclusion/Exclusion Criteria",
        domain="IE",
        item_groups=[group],
        provenance=[Provenance(source="eligibility", page=20)],
    )


def _ae_form() -> Form:
    items = [
        Item(
            oid="IT.AE.AETERM",
            name="AETERM",
            question="What is the adverse event term?",
            data_type="text",
            length=200,
            mandatory=True,
            sdtm_target="AETERM",
        ),
        Item(
            oid="IT.AE.AESTDAT",
            name="AESTDAT",
            question="What is the start date of the adverse event?",
            data_type="date",
            sdtm_target="AESTDTC",
            sdtm_annotation="AESTDTC",
        ),
        Item(
            oid="IT.AE.AEONGO",
            name="AEONGO",
            question="Is the adverse event still ongoing?",
            data_type="text",
            codelist_oid="CL.NY",
            sdtm_annotation="[NOT SUBMITTED]",
        ),
        Item(
            oid="IT.AE.AEENDAT",
            name="AEENDAT",
            question="What is the end date of the adverse event?",
            data_type="date",
            mandatory=True,
            sdtm_target="AEENDTC",
            sdtm_annotation="AEENDTC",
            condition_oid="COND.AE.NOT_ONGOING",
        ),
        Item(
            oid="IT.AE.AESEV",
            name="AESEV",
            question="What was the severity of the adverse event?",
            data_type="text",
            codelist_oid="CL.AESEV",
            sdtm_target="AESEV",
        ),
        Item(
            oid="IT.AE.AESER",
            name="AESER",
            question="Was the adverse event serious?",
            data_type="text",
            codelist_oid="CL.NY",
            sdtm_target="AESER",
        ),
        Item(
            oid="IT.AE.AECOMM",
            name="AECOMM",
            question="Comments",
            data_type="text",
            length=1000,
            needs_review="no SDTM target: CO domain or not submitted?",
        ),
    ]
    group = ItemGroup(oid="IG.AE", name="Adverse Events", domain="AE", repeating=True, items=items)
    return Form(
        oid="F.AE",
        name="Adverse Events",
        domain="AE",
        repeating=True,
        is_log=True,
        item_groups=[group],
        provenance=[Provenance(source="standard_form")],
    )


def fixture_design() -> CRFDesign:
    """Return the fixed design (same bytes every call)."""
    events = [
        StudyEvent(oid="SE.SCREENING", name="Screening", order=1, day="Day -14 to -1"),
        StudyEvent(oid="SE.BASELINE", name="Baseline", order=2, day="Day 1"),
        StudyEvent(oid="SE.WEEK4", name="Week 4", order=3, day="Day 29", window="+/- 3 days"),
        StudyEvent(oid="SE.V4", name="", order=4),  # an SoA column without a label
        StudyEvent(
            oid="SE.MAINT",
            name="Maintenance Cycle 2 and Beyond",
            order=5,
            repeating=True,
            repeat_rule="Cycle 2 and beyond, every 3 weeks",
            arms=["ARM.B"],
            window="±3 days",
            window_before_days=3,
            window_after_days=3,
        ),
        StudyEvent(oid="SE.ET", name="Early Termination (ET)", order=6, type="Unscheduled"),
        StudyEvent(
            oid="SE.CALL",
            name="Telephone contact after Week 4",
            order=7,
            contact="telephone",
            day="2 weeks after Week 4",
            day_offset=43,
        ),
    ]
    matrix = [
        EventFormRef(event_oid="SE.SCREENING", form_oid="F.VS"),
        EventFormRef(event_oid="SE.SCREENING", form_oid="F.IE"),
        EventFormRef(event_oid="SE.BASELINE", form_oid="F.VS"),
        EventFormRef(event_oid="SE.WEEK4", form_oid="F.VS", mandatory=False, conditional=True),
        EventFormRef(event_oid="SE.V4", form_oid="F.VS"),
        EventFormRef(event_oid="SE.V4", form_oid="F.IE", arms=["ARM.A"]),
        EventFormRef(event_oid="SE.MAINT", form_oid="F.VS"),
        EventFormRef(event_oid="SE.ET", form_oid="F.VS", mandatory=False, conditional=True),
        EventFormRef(event_oid="SE.CALL", form_oid="F.VS"),
    ]
    mappings = [
        MappingRow(
            activity="Vital signs",
            activity_id="A3",
            schedule="S1",
            concept_id="C25714",
            domain="VS",
            form="Vital Signs",
            confidence=0.95,
            reason="synonym 'vital signs'",
        ),
        MappingRow(
            activity="Inclusion/exclusion",
            activity_id="A1",
            schedule="S1",
            domain="IE",
            form="Inclusion/Exclusion Criteria",
            confidence=0.9,
            reason="synonym 'inclusion'",
        ),
        MappingRow(
            activity='Dispense study drug, "kit"',
            activity_id="A7",
            schedule="S1",
            confidence=0.3,
            reason="weak match",
            kind="unmapped",
            candidates=["EX", "DA"],
        ),
    ]
    review = [
        ReviewEntry(
            activity='Dispense study drug, "kit"',
            schedule="S1",
            reason="confidence 0.30 below 0.60",
            candidates=["EX (Exposure)", "DA (Product Accountability)"],
        ),
    ]
    return CRFDesign(
        study_oid="ST.XYZ_001",
        study_name="XYZ-001",
        metadata=StudyMetadata(
            protocol_number="XYZ-001",
            title="A Fixture Study of Something Measurable",
            phase="Phase 2",
            sponsor="Example Sponsor",
            version="2.0",
            date="2024-01-15",
        ),
        protocol_sha256="0" * 63 + "1",
        protocol_file="xyz_001_protocol.pdf",
        ct=[CTVersionRef(package="sdtm", version="2025-03-25")],
        standards={"COSMoS": "2025-12-31", "CDASHIG": "2.3"},
        rule_set_version="0.2.0",
        arms=ARMS,
        events=events,
        forms=[_vs_form(), _ie_form(), _ae_form()],
        codelists=_codelists(),
        units=UNITS,
        conditions=CONDITIONS,
        matrix=matrix,
        mappings=mappings,
        review=review,
    )
