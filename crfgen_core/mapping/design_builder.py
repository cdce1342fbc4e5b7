"""Build a CRFDesign from a ParsedProtocol (walking-skeleton version: keyword table, one item per form)."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources

from crfgen_core.model.design import (
    CRFDesign,
    EventFormRef,
    Form,
    Item,
    ItemGroup,
    MappingRow,
    Provenance,
    ReviewEntry,
    StudyEvent,
)
from crfgen_core.model.protocol import ParsedProtocol
from crfgen_core.standards.cosmos import StandardsLibrary
from crfgen_core.terminology.ct_index import CTIndex

RULE_SET_VERSION = "0.1.0"


def _synonyms() -> list[dict[str, str]]:
    raw = resources.files("crfgen_core.mapping").joinpath("data", "activity_synonyms.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(raw)))


def _oid(prefix: str, text: str) -> str:
    return f"{prefix}.{re.sub(r'[^A-Za-z0-9]+', '_', text).strip('_').upper()}"


def design_crf(parsed: ParsedProtocol, ct: CTIndex, standards: StandardsLibrary) -> CRFDesign:
    """Given a parsed protocol, CT and standards, return the CRF design."""
    synonyms = _synonyms()
    forms: dict[str, Form] = {}
    events: dict[str, StudyEvent] = {}
    matrix: dict[tuple[str, str], EventFormRef] = {}
    mappings: list[MappingRow] = []
    review: list[ReviewEntry] = []
    for schedule in parsed.schedules:
        for visit in schedule.visits:
            oid = _oid("SE", visit.label or visit.id)
            events.setdefault(oid, StudyEvent(oid=oid, name=visit.label, order=len(events) + 1,
                                              headers=visit.headers))
        visit_event = {v.id: _oid("SE", v.label or v.id) for v in schedule.visits}
        for activity in schedule.activities:
            rule = next((r for r in synonyms if r["pattern"] in activity.label.lower()), None)
            if rule is None:
                mappings.append(MappingRow(activity=activity.label, activity_id=activity.id,
                                           schedule=schedule.id, confidence=0.0, reason="no synonym matched",
                                           kind="unmapped"))
                review.append(ReviewEntry(activity=activity.label, schedule=schedule.id,
                                          reason="no synonym matched"))
                continue
            if rule["kind"] == "procedure":
                mappings.append(MappingRow(activity=activity.label, activity_id=activity.id, schedule=schedule.id,
                                           domain=rule["domain"], confidence=0.9, kind="procedure",
                                           reason=f"procedure keyword '{rule['pattern']}'"))
                continue
            form_oid = _oid("F", rule["domain"])
            provenance = Provenance(source="soa", schedule_id=schedule.id, activity_id=activity.id,
                                    activity_label=activity.label, page=activity.page, row=activity.row,
                                    ct_package=ct.ref.package, ct_version=ct.ref.version,
                                    rule_set_version=RULE_SET_VERSION)
            form = forms.get(form_oid)
            if form is None:
                item = Item(oid=_oid("IT", rule["domain"] + "DAT"), name=f"{rule['domain']}DAT",
                            question="What was the date of collection?", prompt="Date", data_type="date",
                            sdtm_target=f"{rule['domain']}DTC", sdtm_annotation=f"{rule['domain']}DTC",
                            provenance=provenance)
                group = ItemGroup(oid=_oid("IG", rule["domain"]), name=rule["form_name"], domain=rule["domain"],
                                  items=[item])
                form = Form(oid=form_oid, name=rule["form_name"], domain=rule["domain"], item_groups=[group])
                forms[form_oid] = form
            form.provenance.append(provenance)
            mappings.append(MappingRow(activity=activity.label, activity_id=activity.id, schedule=schedule.id,
                                       domain=rule["domain"], form=form.name, confidence=0.8,
                                       reason=f"keyword '{rule['pattern']}'"))
            for cell in schedule.cells:
                if cell.activity == activity.id:
                    key = (visit_event[cell.visit], form_oid)
                    matrix.setdefault(key, EventFormRef(event_oid=key[0], form_oid=key[1], cell_text=cell.text))
    study_name = parsed.metadata.protocol_number or parsed.document.file_name.rsplit(".", 1)[0]
    return CRFDesign(
        study_oid=_oid("ST", study_name),
        study_name=study_name,
        metadata=parsed.metadata,
        protocol_sha256=parsed.document.sha256,
        protocol_file=parsed.document.file_name,
        ct=[ct.ref],
        standards={"COSMoS": standards.package_date},
        rule_set_version=RULE_SET_VERSION,
        events=list(events.values()),
        forms=list(forms.values()),
        matrix=list(matrix.values()),
        mappings=mappings,
        review=review,
        eligibility_criteria=[*parsed.eligibility.inclusion, *parsed.eligibility.exclusion],
    )
