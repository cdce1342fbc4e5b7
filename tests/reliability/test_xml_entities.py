"""No XML reader of the project resolves entities: an XXE payload pointing at a local secret file never
shows up in what is read, and a billion-laughs expansion is refused or left unexpanded, quickly."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from hostile_files import SECRET_TOKEN, billion_laughs_xml
from lxml import etree

from crfgen_core.ingest.docx import read_docx
from crfgen_core.ingest.errors import ProtocolReadError
from crfgen_core.quality.odm_xsd import odm_xsd_errors
from crfgen_core.terminology.ct_odm_reader import parse_ct_odm
from crfgen_core.terminology.errors import CTError
from crfgen_core.xml_safety import safe_parser

NCI_NS = "http://ncicb.nci.nih.gov/xml/odm/EVS/CDISC"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET_TOKEN)
    return path


def _xxe_doctype(root: str, secret: Path) -> str:
    return (
        f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file://{secret}">'
        f'<!ENTITY % remote SYSTEM "file://{secret}"> %remote;]>'
    )


def _ct_odm(doctype: str, text: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        f'<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:nciodm="{NCI_NS}" '
        'FileOID="CDISC_CT.SDTM.2099-01-01" SourceSystemVersion="2099-01-01">'
        '<Study OID="S"><MetaDataVersion OID="M" Name="M">'
        '<CodeList OID="CL.C1" Name="Sex" DataType="text" nciodm:ExtCodeID="C66731" '
        'nciodm:CodeListExtensible="No">'
        f"<Description><TranslatedText>{text}</TranslatedText></Description>"
        "<nciodm:CDISCSubmissionValue>SEX</nciodm:CDISCSubmissionValue>"
        "</CodeList></MetaDataVersion></Study></ODM>"
    ).encode()


def test_safe_parser_leaves_external_entities_unresolved(secret: Path) -> None:
    root = etree.fromstring(f"{_xxe_doctype('r', secret)}<r>a&xxe;b</r>".encode(), safe_parser())
    assert SECRET_TOKEN not in etree.tostring(root, encoding="unicode")
    assert "".join(root.itertext()) == "a&xxe;b"  # kept as a reference, never replaced by the file


def test_safe_parser_does_not_load_an_external_dtd(tmp_path: Path) -> None:
    dtd = tmp_path / "leak.dtd"
    dtd.write_text(f'<!ENTITY leak "{SECRET_TOKEN}">')
    document = f'<!DOCTYPE r SYSTEM "file://{dtd}"><r>&leak;</r>'.encode()
    try:
        root = etree.fromstring(document, safe_parser())
    except etree.XMLSyntaxError as exc:  # an undeclared entity may also be refused outright
        assert SECRET_TOKEN not in str(exc)
    else:
        assert SECRET_TOKEN not in etree.tostring(root, encoding="unicode")


@pytest.mark.parametrize("huge_tree", [False, True])
@pytest.mark.parametrize("where", ["<r>&lol9;</r>", '<r a="&lol9;">x</r>'])
def test_safe_parser_refuses_billion_laughs(huge_tree: bool, where: str) -> None:
    document = (billion_laughs_xml().replace("w:document", "r") + where).encode()
    with pytest.raises(etree.XMLSyntaxError, match="amplification"):
        etree.fromstring(document, safe_parser(huge_tree=huge_tree))


def test_ct_odm_reader_does_not_resolve_xxe(secret: Path) -> None:
    index = parse_ct_odm(_ct_odm(_xxe_doctype("ODM", secret), "Sex &xxe; of subject"), "xxe.odm.xml")
    assert index.codelist_count == 1
    assert SECRET_TOKEN not in index.package.model_dump_json()


def test_ct_odm_reader_refuses_billion_laughs() -> None:
    doctype = billion_laughs_xml().replace("w:document", "ODM")
    with pytest.raises(CTError, match="amplification"):
        parse_ct_odm(_ct_odm(doctype, "&lol9;"), "lol.odm.xml")


def test_odm_xsd_check_does_not_resolve_xxe(secret: Path, tmp_path: Path) -> None:
    path = tmp_path / "odm.xml"
    path.write_bytes(_ct_odm(_xxe_doctype("ODM", secret), "&xxe;"))
    errors = odm_xsd_errors(path)
    assert errors and SECRET_TOKEN not in "\n".join(errors)


def test_odm_xsd_check_refuses_billion_laughs(tmp_path: Path) -> None:
    path = tmp_path / "odm.xml"
    path.write_bytes(_ct_odm(billion_laughs_xml().replace("w:document", "ODM"), "&lol9;"))
    with pytest.raises(etree.XMLSyntaxError, match="amplification"):
        odm_xsd_errors(path)


def test_docx_reader_refuses_a_part_that_declares_entities(hostile_files: dict[str, Path]) -> None:
    """Word never writes a DTD, so a DOCX part declaring one is refused before any XML parser sees it."""
    with pytest.raises(ProtocolReadError, match="DTD") as refused:
        read_docx(hostile_files["xxe_docx"])
    assert SECRET_TOKEN not in str(refused.value) and "root:x:0:0" not in str(refused.value)


def test_python_docx_parser_itself_does_not_resolve_xxe(hostile_files: dict[str, Path]) -> None:
    document = docx.Document(str(hostile_files["xxe_docx"]))
    body = etree.tostring(document.element, encoding="unicode")
    assert SECRET_TOKEN not in body and "root:x:0:0" not in body


def test_docx_reader_refuses_billion_laughs(hostile_files: dict[str, Path]) -> None:
    with pytest.raises(ProtocolReadError, match="DTD"):
        read_docx(hostile_files["billion_laughs_docx"])


def test_python_docx_parser_itself_refuses_billion_laughs(hostile_files: dict[str, Path]) -> None:
    """Second line of defence, should the DTD pre-check ever be bypassed: lxml's amplification guard."""
    with pytest.raises(etree.XMLSyntaxError, match="amplification"):
        docx.Document(str(hostile_files["billion_laughs_docx"]))
