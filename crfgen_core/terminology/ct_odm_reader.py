"""Reader for the NCI EVS CT-ODM form (ODM 1.3.2 + `nciodm` extension), e.g. `CDASH Terminology.odm.xml`.

Package and version come from the file itself: `FileOID="CDISC_CT.<Package>.<YYYY-MM-DD>"` and
`SourceSystemVersion`. Rows are produced in the NCI tab layout so both forms share one index.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from lxml import etree

from crfgen_core.terminology.ct_index import CTIndex, CTRow
from crfgen_core.terminology.errors import CTFormatError, CTVersionUnknownError
from crfgen_core.xml_safety import safe_parser

ODM_NS = "http://www.cdisc.org/ns/odm/v1.3"
NCI_NS = "http://ncicb.nci.nih.gov/xml/odm/EVS/CDISC"
_NS = {"odm": ODM_NS, "nci": NCI_NS}
_EXT_CODE = f"{{{NCI_NS}}}ExtCodeID"
_EXTENSIBLE = f"{{{NCI_NS}}}CodeListExtensible"
_FILE_OID = re.compile(r"^CDISC_CT\.(?P<package>[^.]+)\.(?P<version>\d{4}-\d{2}-\d{2})$")
# Older CT-ODM files carry the C-code as <Alias Context="nci:ExtCodeID" Name="C12345"/>.
_ALIAS_CODE = "odm:Alias[@Context='nci:ExtCodeID']/@Name"


def looks_like_ct_odm(head: bytes) -> bool:
    return b"<ODM" in head[:4096] and NCI_NS.encode() in head[:4096]


def _code(element: etree._Element) -> str:
    code = element.get(_EXT_CODE)
    if code:
        return str(code)
    alias = element.xpath(_ALIAS_CODE, namespaces=_NS)
    return str(alias[0]) if alias else ""


def _text(element: etree._Element, path: str) -> str:
    found = element.find(path, _NS)
    return "" if found is None or found.text is None else found.text.strip()


def _synonyms(element: etree._Element) -> str:
    return "; ".join((s.text or "").strip() for s in element.iterfind("nci:CDISCSynonym", _NS) if s.text)


def parse_ct_odm(data: bytes, source: str = "", sha256: str = "") -> CTIndex:
    """Given the bytes of an NCI EVS CT-ODM file, return the lookup index (package/version from the file)."""
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise CTFormatError(source, f"not well-formed XML: {exc}") from exc
    if root.tag != f"{{{ODM_NS}}}ODM":
        raise CTFormatError(source, f"root element is {root.tag}, expected ODM 1.3 <ODM>")
    matched = _FILE_OID.match(root.get("FileOID", ""))
    if matched is None:
        raise CTVersionUnknownError(
            source, f"FileOID {root.get('FileOID')!r} is not CDISC_CT.<package>.<date>"
        )
    version = root.get("SourceSystemVersion") or matched["version"]
    rows: list[CTRow] = []
    for codelist in root.iterfind("odm:Study/odm:MetaDataVersion/odm:CodeList", _NS):
        code = _code(codelist)
        if not code:
            raise CTFormatError(source, f"CodeList {codelist.get('OID')} has no NCI code (nciodm:ExtCodeID)")
        rows.append(
            (
                code,
                "",
                codelist.get(_EXTENSIBLE, ""),
                codelist.get("Name", ""),
                _text(codelist, "nci:CDISCSubmissionValue"),
                _synonyms(codelist),
                _text(codelist, "odm:Description/odm:TranslatedText"),
                _text(codelist, "nci:PreferredTerm"),
            )
        )
        for item in codelist.iterchildren(f"{{{ODM_NS}}}EnumeratedItem", f"{{{ODM_NS}}}CodeListItem"):
            rows.append(
                (
                    _code(item),
                    code,
                    "",
                    codelist.get("Name", ""),
                    item.get("CodedValue", ""),
                    _synonyms(item),
                    _text(item, "nci:CDISCDefinition"),
                    _text(item, "nci:PreferredTerm"),
                )
            )
    if not rows:
        raise CTFormatError(source, "no CodeList elements under Study/MetaDataVersion")
    return CTIndex.from_rows(matched["package"].lower(), version, source, sha256, rows)


def read_ct_odm(path: Path) -> CTIndex:
    data = path.read_bytes()
    return parse_ct_odm(data, source=str(path), sha256=hashlib.sha256(data).hexdigest())
