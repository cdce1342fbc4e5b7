"""CRFDesign to ODM 1.3.2 XML with lxml (walking-skeleton version)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from crfgen_core import __version__
from crfgen_core.model.design import CRFDesign

ODM_NS = "http://www.cdisc.org/ns/odm/v1.3"
_DATA_TYPES = {"string": "text", "boolean": "text"}


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{ODM_NS}}}{tag}", {k: v for k, v in attrs.items() if v})


def _translated(parent: etree._Element, tag: str, text: str) -> None:
    holder = _el(parent, tag)
    translated = _el(holder, "TranslatedText")
    translated.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    translated.text = text


def build_odm(design: CRFDesign, created: datetime | None = None) -> etree._Element:
    """Given a design, return the ODM root element."""
    created = created or datetime.now(UTC)
    root = etree.Element(f"{{{ODM_NS}}}ODM", nsmap={None: ODM_NS})
    root.set("FileOID", f"{design.study_oid}.{design.protocol_sha256[:12]}")
    root.set("FileType", "Snapshot")
    root.set("ODMVersion", "1.3.2")
    root.set("CreationDateTime", created.replace(microsecond=0).isoformat())
    root.set("SourceSystem", "protocol-to-crf-generator")
    root.set("SourceSystemVersion", __version__)
    study = _el(root, "Study", OID=design.study_oid)
    gv = _el(study, "GlobalVariables")
    for tag, text in (("StudyName", design.study_name), ("StudyDescription", design.metadata.title or design.study_name),
                      ("ProtocolName", design.metadata.protocol_number or design.study_name)):
        _el(gv, tag).text = text
    mdv = _el(study, "MetaDataVersion", OID=f"MDV.{design.rule_set_version}", Name="CRF design")
    protocol = _el(mdv, "Protocol")
    for event in design.events:
        _el(protocol, "StudyEventRef", StudyEventOID=event.oid, OrderNumber=str(event.order), Mandatory="Yes")
    for event in design.events:
        sed = _el(mdv, "StudyEventDef", OID=event.oid, Name=event.name, Repeating="No", Type=event.type)
        for ref in (r for r in design.matrix if r.event_oid == event.oid):
            _el(sed, "FormRef", FormOID=ref.form_oid, Mandatory="Yes" if ref.mandatory else "No")
    for form in design.forms:
        fd = _el(mdv, "FormDef", OID=form.oid, Name=form.name, Repeating="Yes" if form.repeating else "No")
        for group in form.item_groups:
            _el(fd, "ItemGroupRef", ItemGroupOID=group.oid, Mandatory="Yes")
    for form in design.forms:
        for group in form.item_groups:
            igd = _el(mdv, "ItemGroupDef", OID=group.oid, Name=group.name,
                      Repeating="Yes" if group.repeating else "No", Domain=group.domain or "")
            for order, item in enumerate(group.items, 1):
                _el(igd, "ItemRef", ItemOID=item.oid, OrderNumber=str(order), Mandatory="Yes" if item.mandatory else "No")
    for form in design.forms:
        for group in form.item_groups:
            for item in group.items:
                idef = _el(mdv, "ItemDef", OID=item.oid, Name=item.name,
                           DataType=_DATA_TYPES.get(item.data_type, item.data_type),
                           Length=str(item.length) if item.length else "", SDSVarName=item.sdtm_target or "")
                _translated(idef, "Question", item.question)
                if item.codelist_oid:
                    _el(idef, "CodeListRef", CodeListOID=item.codelist_oid)
    for codelist in design.codelists:
        cl = _el(mdv, "CodeList", OID=codelist.oid, Name=codelist.name, DataType=codelist.data_type)
        for entry in codelist.items:
            cli = _el(cl, "CodeListItem", CodedValue=entry.coded_value)
            _translated(cli, "Decode", entry.decode)
    return root


def write_odm(design: CRFDesign, path: Path) -> Path:
    """Given a design, write its ODM 1.3.2 file and return the path."""
    tree = etree.ElementTree(build_odm(design))
    tree.write(str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return path
