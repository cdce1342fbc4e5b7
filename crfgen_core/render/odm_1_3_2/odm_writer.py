"""CRFDesign to CDISC ODM 1.3.2 metadata (FileType Snapshot) with lxml.

Element order follows the official XSD sequences; OIDs are the design's own (stable across runs);
required attributes are never empty (a missing name falls back to the OID).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from crfgen_core import __version__
from crfgen_core.model.design import (
    CodelistItem,
    CRFCodelist,
    CRFDesign,
    Item,
    ItemCondition,
    ItemGroup,
    MeasurementUnit,
    Provenance,
    StudyEvent,
)
from crfgen_core.render.crf_layout import (
    COMMON_EVENT_NAME,
    common_event_oid,
    event_label,
    item_annotation,
    unscheduled_form_oids,
    value_level_text,
)
from crfgen_core.render.errors import (
    DuplicateOIDError,
    MissingCodelistError,
    MissingConditionError,
    MissingUnitError,
)
from crfgen_core.render.odm_1_3_2.conditions import (
    ArmConditions,
    condition_description,
    exception_expression,
)
from crfgen_core.render.study_identity import GENERATOR_NAME, study_identity
from crfgen_core.xml_safety import xml_text

ODM_NS = "http://www.cdisc.org/ns/odm/v1.3"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Design type -> ODM DataType. string/boolean become text: OpenClinica and Rave import text, not boolean.
DATA_TYPES = {"string": "text", "boolean": "text"}
CODELIST_DATA_TYPES = {"integer", "float", "text", "string"}
# EDC importers (OpenClinica, Rave) need a Length for text and numbers; used when the design has none.
DEFAULT_LENGTHS = {"text": 200, "integer": 8, "float": 12}
_SAS_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,7}$")


def _el(parent: etree._Element, tag: str, **attrs: str | None) -> etree._Element:
    return etree.SubElement(parent, f"{{{ODM_NS}}}{tag}", {k: xml_text(v) for k, v in attrs.items() if v})


def _translated(parent: etree._Element, tag: str, text: str) -> None:
    holder = _el(parent, tag)
    translated = _el(holder, "TranslatedText")
    translated.set(XML_LANG, "en")
    translated.text = xml_text(text)


def _alias(parent: etree._Element, context: str, name: str | None) -> None:
    if name:
        _el(parent, "Alias", Context=context, Name=name)


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def sas_name(value: str | None) -> str | None:
    """Given 'VS.VSORRES' or 'VSORRES', return a valid ODM sasName ('VSORRES') or None."""
    if not value:
        return None
    candidate = value.rsplit(".", 1)[-1]
    return candidate if _SAS_NAME.match(candidate) else None


def _provenance_text(provenance: Provenance) -> str:
    parts = [
        f"source={provenance.source}",
        *(
            f"{key}={value}"
            for key, value in (
                ("schedule", provenance.schedule_id),
                ("activity", provenance.activity_id),
                ("label", provenance.activity_label),
                ("visit", provenance.visit_id),
                ("page", provenance.page),
                ("pages", ",".join(str(p) for p in provenance.pages) if len(provenance.pages) > 1 else None),
                ("where", provenance.locator),
                ("row", provenance.row),
                ("standard", provenance.standard),
                ("concept", provenance.concept_id),
                ("ct", provenance.ct_package),
                ("ct_version", provenance.ct_version),
                ("rules", provenance.rule_set_version),
            )
            if value is not None
        ),
    ]
    return "; ".join(parts)


def _unique_items(design: CRFDesign) -> list[tuple[Item, ItemGroup]]:
    """Return each ItemDef once; the same OID may be reused only for an identical item."""
    seen: dict[str, Item] = {}
    result: list[tuple[Item, ItemGroup]] = []
    for form in design.forms:
        for group in form.item_groups:
            for item in group.items:
                previous = seen.get(item.oid)
                if previous is None:
                    seen[item.oid] = item
                    result.append((item, group))
                elif previous != item:
                    raise DuplicateOIDError(
                        design.study_oid,
                        f"ItemDef OID {item.oid} is used for two "
                        f"different items ({previous.name}, {item.name})",
                    )
    return result


def _check_unique(design: CRFDesign) -> None:
    kinds = {
        "StudyEventDef": [e.oid for e in design.events],
        "FormDef": [f.oid for f in design.forms],
        "ItemGroupDef": [g.oid for f in design.forms for g in f.item_groups],
        "CodeList": [c.oid for c in design.codelists],
    }
    for kind, oids in kinds.items():
        duplicates = sorted({oid for oid in oids if oids.count(oid) > 1})
        if duplicates:
            raise DuplicateOIDError(
                design.study_oid, f"{kind} OIDs used more than once: {', '.join(duplicates)}"
            )


def _item_length(item: Item, odm_type: str, codelist: CRFCodelist | None) -> str | None:
    if item.length:
        return str(item.length)
    if codelist is not None and codelist.items and odm_type in DEFAULT_LENGTHS:
        return str(max(len(entry.coded_value) for entry in codelist.items))
    default = DEFAULT_LENGTHS.get(odm_type)
    return str(default) if default else None


def _item_def(mdv: etree._Element, item: Item, group: ItemGroup, codelist: CRFCodelist | None) -> None:
    """ItemDef children in XSD order: Question, MeasurementUnitRef*, CodeListRef, Alias*."""
    odm_type = DATA_TYPES.get(item.data_type, item.data_type)
    digits = item.significant_digits if odm_type == "float" else None
    idef = _el(
        mdv,
        "ItemDef",
        OID=item.oid,
        Name=item.name or item.oid,
        DataType=odm_type,
        Length=_item_length(item, odm_type, codelist),
        SignificantDigits=str(digits) if digits is not None else None,
        SASFieldName=sas_name(item.name),
        SDSVarName=sas_name(item.sdtm_target),
    )
    _translated(idef, "Question", item.question or item.prompt or item.name or item.oid)
    for unit_oid in item.unit_oids:
        _el(idef, "MeasurementUnitRef", MeasurementUnitOID=unit_oid)
    if codelist is not None:
        _el(idef, "CodeListRef", CodeListOID=codelist.oid)
    annotation = item_annotation(item, group.domain)
    _alias(idef, "CDASH", item.name)
    _alias(idef, "SDTM", annotation)
    _alias(idef, "SDTM value level", value_level_text(item) or None)
    _alias(idef, "CDISC BC", item.concept_id)
    _alias(idef, "crfgen:needs_review", item.needs_review)
    if item.provenance is not None:
        _alias(idef, "crfgen:provenance", _provenance_text(item.provenance))


def _codelist_item(parent: etree._Element, entry: CodelistItem, order: int) -> None:
    cli = _el(parent, "CodeListItem", CodedValue=entry.coded_value, OrderNumber=str(entry.order or order))
    _translated(cli, "Decode", entry.decode or entry.coded_value)
    _alias(cli, "nci:ExtCodeID", entry.nci_code)


def _codelist(mdv: etree._Element, codelist: CRFCodelist) -> None:
    data_type = codelist.data_type if codelist.data_type in CODELIST_DATA_TYPES else "text"
    cl = _el(mdv, "CodeList", OID=codelist.oid, Name=codelist.name or codelist.oid, DataType=data_type)
    orders = [entry.order for entry in codelist.items]
    use_given_order = None not in orders and len(set(orders)) == len(orders)
    for position, entry in enumerate(codelist.items, 1):
        _codelist_item(cl, entry if use_given_order else entry.model_copy(update={"order": None}), position)
    _alias(cl, "nci:ExtCodeID", codelist.nci_code)
    if codelist.ct_package and codelist.ct_version:
        _alias(
            cl,
            "CDISC CT",
            f"{codelist.ct_package} {codelist.ct_version}"
            + (f" {codelist.submission_value}" if codelist.submission_value else ""),
        )


def _form_order(design: CRFDesign) -> dict[str, int]:
    return {form.oid: index for index, form in enumerate(design.forms)}


def _measurement_unit(parent: etree._Element, unit: MeasurementUnit) -> None:
    mu = _el(parent, "MeasurementUnit", OID=unit.oid, Name=unit.name or unit.oid)
    _translated(mu, "Symbol", unit.name or unit.oid)
    _alias(mu, "nci:ExtCodeID", unit.nci_code)
    _alias(mu, "CDISC CT", unit.ct_codelist)


def _check_references(design: CRFDesign, items: list[tuple[Item, ItemGroup]]) -> dict[str, ItemCondition]:
    """Every unit and condition an item names exists, and every condition asks about a known item."""
    units = {unit.oid for unit in design.units}
    conditions = {condition.oid: condition for condition in design.conditions}
    item_oids = {item.oid for item, _ in items}
    for item, _ in items:
        missing = [oid for oid in item.unit_oids if oid not in units]
        if missing:
            raise MissingUnitError(design.study_oid, f"item {item.oid} references unknown units {missing}")
        if item.condition_oid and item.condition_oid not in conditions:
            raise MissingConditionError(
                design.study_oid, f"item {item.oid} references unknown condition {item.condition_oid}"
            )
    for condition in conditions.values():
        if condition.source_item_oid not in item_oids:
            raise MissingConditionError(
                design.study_oid,
                f"condition {condition.oid} asks about {condition.source_item_oid}, which the design lacks",
            )
    return conditions


def _event_description(event: StudyEvent, arm_names: dict[str, str]) -> str | None:
    """What an EDC builder needs beyond the name: day, window, repetition, contact, arms."""
    parts = [
        *([f"Timing: {event.day}"] if event.day else []),
        *([f"Window: {event.window}"] if event.window else []),
        *([f"Repeats: {event.repeat_rule}"] if event.repeat_rule else []),
        *([f"Contact: {event.contact}"] if event.contact != "visit" else []),
        *([f"Arms: {', '.join(arm_names.get(a, a) for a in event.arms)}"] if event.arms else []),
    ]
    return "; ".join(parts) or None


def build_odm(design: CRFDesign, created: datetime | None = None) -> etree._Element:
    """Given a design, return the ODM root element (metadata only, FileType Snapshot)."""
    _check_unique(design)
    items = _unique_items(design)
    conditions = _check_references(design, items)
    arm_conditions = ArmConditions(design)
    codelists = {c.oid: c for c in design.codelists if c.items}
    for item, _ in items:
        if item.codelist_oid and item.codelist_oid not in codelists:
            raise MissingCodelistError(
                design.study_oid,
                f"item {item.oid} references codelist {item.codelist_oid}, which is missing or empty",
            )
    identity = study_identity(design)
    created = (created or datetime.now(UTC)).replace(microsecond=0)
    root = etree.Element(f"{{{ODM_NS}}}ODM", nsmap={None: ODM_NS})
    root.set("Description", f"CRF metadata generated from protocol {design.protocol_file}")
    root.set("FileType", "Snapshot")
    # The file and metadata version are named by protocol version and build: an EDC tells two builds of
    # one protocol apart (e.g. before and after a CT refresh); the same inputs give the same OIDs.
    build = design.build_key()
    root.set("FileOID", f"{design.study_oid}.{design.protocol_sha256[:12]}.{build}")
    root.set("CreationDateTime", created.isoformat())
    root.set("ODMVersion", "1.3.2")
    root.set("Originator", GENERATOR_NAME)
    root.set("SourceSystem", GENERATOR_NAME)
    root.set("SourceSystemVersion", __version__)

    study = _el(root, "Study", OID=design.study_oid)
    gv = _el(study, "GlobalVariables")
    _el(gv, "StudyName").text = xml_text(design.study_name or design.study_oid)
    _el(gv, "StudyDescription").text = xml_text(identity.one_line())
    _el(gv, "ProtocolName").text = xml_text(
        design.metadata.protocol_number or design.study_name or design.study_oid
    )
    if design.units:
        basic = _el(study, "BasicDefinitions")
        for unit in design.units:
            _measurement_unit(basic, unit)
    mdv = _el(
        study,
        "MetaDataVersion",
        OID=f"MDV.{design.study_oid}.{build}",
        Name=f"{design.study_name or design.study_oid} CRF",
        Description=identity.one_line(),
    )

    events = sorted(design.events, key=lambda e: e.order)
    # Log forms no visit schedules go into one Common event, or an EDC import would never show them.
    log_forms = unscheduled_form_oids(design)
    log_event = common_event_oid(design) if log_forms else None
    if events or log_event:
        protocol = _el(mdv, "Protocol")
        for position, event in enumerate(events, 1):
            # an event only some subjects have (one arm, early termination, a log) is not mandatory
            _el(
                protocol,
                "StudyEventRef",
                StudyEventOID=event.oid,
                OrderNumber=str(position),
                Mandatory=_yes_no(event.type == "Scheduled" and not event.arms),
                CollectionExceptionConditionOID=arm_conditions.oid(event.arms),
            )
        if log_event:
            _el(
                protocol,
                "StudyEventRef",
                StudyEventOID=log_event,
                OrderNumber=str(len(events) + 1),
                Mandatory="No",
            )
        _alias(protocol, "crfgen:protocol", f"{design.protocol_file} sha256={design.protocol_sha256}")
    form_order = _form_order(design)
    arm_names = {arm.oid: arm.name for arm in design.arms}
    for event in events:
        sed = _el(
            mdv,
            "StudyEventDef",
            OID=event.oid,
            Name=event_label(event),
            Repeating=_yes_no(event.repeating),
            Type=event.type,
        )
        description = _event_description(event, arm_names)
        if description:
            _translated(sed, "Description", description)
        refs = sorted(
            {
                r.form_oid: r for r in design.matrix if r.event_oid == event.oid and r.form_oid in form_order
            }.values(),
            key=lambda r: form_order[r.form_oid],
        )
        for position, ref in enumerate(refs, 1):
            _el(
                sed,
                "FormRef",
                FormOID=ref.form_oid,
                OrderNumber=str(position),
                Mandatory=_yes_no(ref.mandatory and not ref.arms),
                CollectionExceptionConditionOID=arm_conditions.oid(ref.arms),
            )
        _alias(sed, "crfgen:visit", " | ".join(p for p in (event.day, event.window) if p) or None)
        _alias(sed, "crfgen:repeat_rule", event.repeat_rule)
        _alias(sed, "crfgen:contact", event.contact if event.contact != "visit" else None)
        _alias(sed, "crfgen:arms", " | ".join(arm_names.get(a, a) for a in event.arms) or None)
    if log_event:
        sed = _el(mdv, "StudyEventDef", OID=log_event, Name=COMMON_EVENT_NAME, Repeating="No", Type="Common")
        for position, form_oid in enumerate(log_forms, 1):
            _el(sed, "FormRef", FormOID=form_oid, OrderNumber=str(position), Mandatory="No")
    for form in design.forms:
        fd = _el(mdv, "FormDef", OID=form.oid, Name=form.name or form.oid, Repeating=_yes_no(form.repeating))
        for position, group in enumerate(form.item_groups, 1):
            _el(fd, "ItemGroupRef", ItemGroupOID=group.oid, OrderNumber=str(position), Mandatory="Yes")
        _alias(fd, "SDTM", form.domain)
        if form.provenance:
            _alias(fd, "crfgen:provenance", " | ".join(_provenance_text(p) for p in form.provenance))
    for form in design.forms:
        for group in form.item_groups:
            domain = group.domain or form.domain
            igd = _el(
                mdv,
                "ItemGroupDef",
                OID=group.oid,
                Name=group.name or group.oid,
                Repeating=_yes_no(group.repeating),
                SASDatasetName=sas_name(domain),
                Domain=domain,
            )
            for position, item in enumerate(group.items, 1):
                _el(
                    igd,
                    "ItemRef",
                    ItemOID=item.oid,
                    OrderNumber=str(position),
                    Mandatory=_yes_no(item.mandatory),
                    CollectionExceptionConditionOID=item.condition_oid,
                )
            _alias(igd, "SDTM", domain)
    for item, group in items:
        _item_def(mdv, item, group, codelists.get(item.codelist_oid or ""))
    for codelist in codelists.values():
        _codelist(mdv, codelist)
    groups = {item.oid: group.oid for item, group in items}
    by_oid = {item.oid: item for item, _ in items}
    for condition in conditions.values():
        dependents = [item.oid for item, _ in items if item.condition_oid == condition.oid]
        same_group = all(groups[d] == groups[condition.source_item_oid] for d in dependents)
        _condition_def(mdv, condition, by_oid[condition.source_item_oid], same_group)
    for arm_condition in arm_conditions.definitions():
        cd = _el(mdv, "ConditionDef", OID=arm_condition.oid, Name=arm_condition.name)
        _translated(cd, "Description", arm_condition.description)
        _alias(cd, "crfgen:arms", " ".join(arm_condition.arm_oids))
    return root


def _condition_def(mdv: etree._Element, condition: ItemCondition, source: Item, same_group: bool) -> None:
    """ODM writes the negation: when the expression is true the item is NOT collected."""
    cd = _el(mdv, "ConditionDef", OID=condition.oid, Name=condition.name or condition.oid)
    _translated(cd, "Description", condition_description(condition, source))
    _el(cd, "FormalExpression", Context="XPath").text = xml_text(exception_expression(condition, same_group))
    _alias(cd, "crfgen:ask_when", condition.description)


def odm_bytes(design: CRFDesign, created: datetime | None = None) -> bytes:
    """Given a design, return the serialized ODM document (UTF-8, with declaration)."""
    document: bytes = etree.tostring(
        build_odm(design, created), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return document


def write_odm(design: CRFDesign, path: Path, created: datetime | None = None) -> Path:
    """Given a design, write its ODM 1.3.2 file and return the path."""
    path.write_bytes(odm_bytes(design, created))
    return path
