"""What the CRF is: the canonical design that every renderer reads."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import Field, JsonValue

from crfgen_core.model.base import Contract
from crfgen_core.model.lineage import SchedulePlace, SourceCell, TextSpan
from crfgen_core.model.protocol import Criterion, ExtractionWarning, StudyMetadata
from crfgen_core.model.terminology import CTVersionRef

OdmDataType = Literal["text", "integer", "float", "date", "time", "datetime", "string", "boolean"]
ProvenanceSource = Literal["soa", "eligibility", "standard_form", "protocol_appendix", "protocol_text"]


class Provenance(Contract):
    """Where an event, form or item came from: protocol location, concept and CT version.

    A record the protocol made names its place: `pages` (PDF; `page` is the first, kept for readers of
    older designs) or `locator` (DOCX, which has no pages), and the table `cells` or text `span` it was
    read from. A record no protocol text made (source standard_form) names the `standard` it was taken
    from instead.
    """

    source: ProvenanceSource
    schedule_id: str | None = None
    activity_id: str | None = None
    activity_label: str | None = None
    visit_id: str | None = None
    page: int | None = None
    pages: list[int] = Field(default_factory=list)
    locator: str | None = Field(default=None, description="DOCX place: 'table 7', 'paragraph 120'")
    row: int | None = None
    cells: list[SourceCell] = Field(default_factory=list)
    span: TextSpan | None = None
    standard: str | None = Field(
        default=None, description="the CDASH/COSMoS definition it follows, e.g. 'COSMoS CRF group CM'"
    )
    concept_id: str | None = None
    ct_package: str | None = None
    ct_version: str | None = None
    rule_set_version: str | None = None


class MeasurementUnit(Contract):
    """A unit an item may be recorded in: ODM BasicDefinitions/MeasurementUnit, from CT where it exists."""

    oid: str
    name: str = Field(description="the symbol shown on the CRF, the CT submission value (e.g. 'mmHg')")
    nci_code: str | None = None
    ct_codelist: str | None = Field(default=None, description="CT codelist it was taken from, e.g. VSRESU")


ConditionOperator = Literal["eq", "ne", "in", "not_in", "empty", "not_empty"]


class ItemCondition(Contract):
    """When an item is asked (and required): only when another item of the same form holds `values`.

    ODM writes the negation as a ConditionDef referenced by ItemRef/@CollectionExceptionConditionOID;
    REDCap writes it as branching logic; the aCRF prints `description`.
    """

    oid: str
    name: str
    description: str = Field(description="printed on the aCRF, e.g. 'Only if Ongoing = No'")
    source_item_oid: str
    operator: ConditionOperator
    values: list[str] = Field(default_factory=list)


class Arm(Contract):
    """A study arm or cohort whose schedule differs from the others."""

    oid: str
    name: str
    description: str | None = None


class CodelistItem(Contract):
    coded_value: str
    decode: str
    nci_code: str | None = None
    order: int | None = None


class CRFCodelist(Contract):
    oid: str
    name: str
    data_type: OdmDataType = "text"
    nci_code: str | None = None
    submission_value: str | None = None
    extensible: bool | None = None
    ct_package: str | None = None
    ct_version: str | None = None
    items: list[CodelistItem] = Field(default_factory=list)


class Item(Contract):
    oid: str
    name: str = Field(description="CDASH variable name")
    question: str
    prompt: str | None = None
    data_type: OdmDataType = "text"
    length: int | None = None
    significant_digits: int | None = None
    mandatory: bool = False
    codelist_oid: str | None = None
    sdtm_target: str | None = None
    sdtm_annotation: str | None = Field(
        default=None, description="aCRF annotation, e.g. 'VSORRES when VSTESTCD = SYSBP'"
    )
    test_code: str | None = Field(default=None, description="fixed --TESTCD for a test-per-item design")
    value_level: dict[str, str] = Field(
        default_factory=dict,
        description="qualifiers that fix the SDTM record, e.g. {'VSTESTCD': 'SYSBP', 'VSPOS': 'SUPINE'}",
    )
    unit_oids: list[str] = Field(default_factory=list, description="MeasurementUnit OIDs allowed")
    condition_oid: str | None = Field(default=None, description="ItemCondition that decides whether to ask")
    needs_review: str | None = Field(default=None, description="why a reviewer must check this item")
    concept_id: str | None = None
    provenance: Provenance | None = None


class ItemGroup(Contract):
    oid: str
    name: str
    domain: str | None = None
    repeating: bool = False
    items: list[Item] = Field(default_factory=list)


class Form(Contract):
    oid: str
    name: str
    domain: str | None = None
    repeating: bool = False
    is_log: bool = Field(default=False, description="log form collected outside visits (AE, CM...)")
    item_groups: list[ItemGroup] = Field(default_factory=list)
    transferred_tests: list[str] = Field(
        default_factory=list,
        description="--TESTCD values the protocol names whose results come by central-lab data transfer, "
        "not as items of this form",
    )
    provenance: list[Provenance] = Field(default_factory=list)


class StudyEvent(Contract):
    oid: str
    name: str
    order: int
    type: Literal["Scheduled", "Unscheduled", "Common"] = "Scheduled"
    repeating: bool = False
    repeat_rule: str | None = Field(default=None, description="as written, e.g. 'every 9 weeks'")
    contact: Literal["visit", "telephone", "remote"] = "visit"
    arms: list[str] = Field(default_factory=list, description="Arm OIDs it belongs to; empty = every arm")
    headers: list[str] = Field(default_factory=list)
    day: str | None = Field(default=None, description="timing as the SoA states it, e.g. 'Week -2', 'Day 8'")
    window: str | None = Field(default=None, description="visit window as stated, e.g. '±3 days'")
    day_offset: int | None = Field(
        default=None, description="planned study day relative to Day 1 when the SoA states a day or week"
    )
    window_before_days: int | None = Field(default=None, ge=0, description="days the visit may come early")
    window_after_days: int | None = Field(default=None, ge=0, description="days the visit may come late")
    provenance: list[Provenance] = Field(default_factory=list)


class EventFormRef(Contract):
    """One cell of the event x form matrix."""

    event_oid: str
    form_oid: str
    mandatory: bool = True
    conditional: bool = Field(default=False, description="cell carries a footnote condition")
    cell_text: str | None = None
    footnotes: list[str] = Field(default_factory=list)
    arms: list[str] = Field(default_factory=list, description="Arm OIDs it applies to; empty = every arm")


class MappingRow(Contract):
    """One row of mapping.csv: how an SoA activity was interpreted."""

    activity: str
    activity_id: str
    schedule: str
    concept_id: str | None = None
    domain: str | None = None
    form: str | None = None
    confidence: float = Field(ge=0.0, le=1.0)
    reason: str
    kind: Literal["data", "procedure", "unmapped"] = "data"
    candidates: list[str] = Field(default_factory=list)


class ReviewEntry(Contract):
    """Something the generator could not decide; a data manager must look."""

    activity: str
    schedule: str | None = None
    reason: str
    candidates: list[str] = Field(default_factory=list)
    key: str | None = Field(default=None, description="stable key of what it concerns (crfgen_core.review)")
    settle_with: list[dict[str, JsonValue]] = Field(
        default_factory=list, description="portable corrections, any one of which settles it"
    )


CorrectionStatus = Literal["applied", "unchanged", "orphaned", "rejected"]


class CorrectionOutcome(Contract):
    """What one reviewer correction did to this build: applied, already so (unchanged), its key no longer
    exists (orphaned), or its values do not fit this version (rejected)."""

    id: str
    kind: str
    target: str = Field(description="the correction's stable target key")
    status: CorrectionStatus
    detail: str
    author: str
    created_at: str
    reason: str
    correction: dict[str, JsonValue] = Field(description="the correction in the portable format")


class CRFDesign(Contract):
    study_oid: str
    study_name: str
    metadata: StudyMetadata = Field(default_factory=StudyMetadata)
    protocol_sha256: str
    protocol_file: str
    ct: list[CTVersionRef] = Field(default_factory=list)
    standards: dict[str, str] = Field(default_factory=dict, description="standard name -> version")
    rule_set_version: str
    arms: list[Arm] = Field(default_factory=list)
    events: list[StudyEvent] = Field(default_factory=list)
    forms: list[Form] = Field(default_factory=list)
    codelists: list[CRFCodelist] = Field(default_factory=list)
    units: list[MeasurementUnit] = Field(default_factory=list)
    conditions: list[ItemCondition] = Field(default_factory=list)
    matrix: list[EventFormRef] = Field(default_factory=list)
    mappings: list[MappingRow] = Field(default_factory=list)
    review: list[ReviewEntry] = Field(default_factory=list)
    eligibility_criteria: list[Criterion] = Field(default_factory=list)
    schedule_places: list[SchedulePlace] = Field(
        default_factory=list, description="schedule-to-page map: where each SoA table, row, column was read"
    )
    extraction_warnings: list[ExtractionWarning] = Field(
        default_factory=list, description="what reading the protocol warned about, for the review report"
    )
    corrections: list[CorrectionOutcome] = Field(
        default_factory=list, description="reviewer corrections applied to this build, in order"
    )

    def build_key(self) -> str:
        """Return the build's identity: the sha256 prefix of the design JSON (the bytes of the package's
        crf_design.json). A rebuild with other content (new CT, new rules) gets another key; the same
        inputs give the same key."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()[:12]

    def form(self, oid: str) -> Form:
        return next(f for f in self.forms if f.oid == oid)

    def codelist(self, oid: str) -> CRFCodelist:
        return next(c for c in self.codelists if c.oid == oid)
