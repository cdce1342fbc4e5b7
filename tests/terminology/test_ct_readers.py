"""Both NCI EVS forms: counts through `crf-gen ct load`, cross-checked against an independent XML count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from crfgen_core.cli import main
from crfgen_core.terminology.ct_file import parse_ct_bytes, read_ct_file
from crfgen_core.terminology.ct_index import CTIndex
from crfgen_core.terminology.errors import CTFormatError, CTVersionUnknownError
from crfgen_core.terminology.nci_tab_reader import EXPECTED_HEADER, parse_nci_tab, parse_nci_tab_index
from crfgen_core.xml_safety import safe_parser

ODM_FILES = {
    "cdash": Path("ct") / "cdash_2021-12-17" / "CDASH Terminology.odm.xml",
    "protocol": Path("ct") / "protocol_2021-12-17" / "Protocol Terminology.odm.xml",
}
NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "nci": "http://ncicb.nci.nih.gov/xml/odm/EVS/CDISC"}


def _load_summary(path: Path, tmp_path: Path) -> dict[str, object]:
    out = tmp_path / "summary.json"
    assert main(["ct", "load", str(path), "--summary-json", str(out)]) == 0
    summary: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return summary


@pytest.mark.shared
def test_ct_load_reports_sdtm_counts(sdtm_path: Path, tmp_path: Path) -> None:
    assert _load_summary(sdtm_path, tmp_path) == {
        "package": "sdtm",
        "version": "2025-03-25",
        "codelists": 1158,
        "terms": 43698,
    }


@pytest.mark.shared
@pytest.mark.parametrize("package", sorted(ODM_FILES))
def test_ct_load_on_ct_odm_matches_an_independent_xml_count(
    package: str, shared_dir: Path, tmp_path: Path
) -> None:
    path = shared_dir / "standards" / ODM_FILES[package]
    tree = etree.parse(str(path), safe_parser())
    codelists = int(tree.xpath("count(//odm:CodeList)", namespaces=NS))
    items = int(
        tree.xpath(
            "count(//odm:CodeList/odm:EnumeratedItem | //odm:CodeList/odm:CodeListItem)", namespaces=NS
        )
    )
    version = tree.getroot().get("SourceSystemVersion")
    summary = _load_summary(path, tmp_path)
    assert summary == {"package": package, "version": version, "codelists": codelists, "terms": items}
    assert codelists > 10 and items > 100


@pytest.mark.shared
@pytest.mark.parametrize("package", sorted(ODM_FILES))
def test_shared_ct_odm_files_are_valid_against_the_ct_odm_schema(package: str, shared_dir: Path) -> None:
    schema_path = (
        shared_dir / "standards" / "ct" / "ct_odm_schema" / "ct-1.2.0" / "controlledterminology1-2-0.xsd"
    )
    schema = etree.XMLSchema(etree.parse(str(schema_path), safe_parser()))
    document = etree.parse(str(shared_dir / "standards" / ODM_FILES[package]), safe_parser())
    assert schema.validate(document), schema.error_log.last_error


@pytest.mark.shared
def test_ct_odm_reader_keeps_every_codelist_and_term_field(shared_dir: Path) -> None:
    index = read_ct_file(shared_dir / "standards" / ODM_FILES["cdash"])
    codelist = index.codelist("CMDOSFRM")
    assert codelist is not None
    assert (codelist.code, codelist.name, codelist.extensible) == (
        "C78418",
        "Concomitant Medication Dose Form",
        True,
    )
    assert codelist.synonyms == ["Concomitant Medication Dose Form"]
    assert codelist.preferred_term == "CDISC CDASH Concomitant Medication Dose Form Terminology"
    assert codelist.definition.startswith("A terminology subset of the CDISC SDTM Pharmaceutical Dosage Form")
    aerosol = index.term("C78418", "AEROSOL")
    assert aerosol is not None
    assert (aerosol.code, aerosol.synonyms, aerosol.preferred_term) == (
        "C42887",
        ["aer"],
        "Aerosol Dosage Form",
    )
    assert aerosol.definition.startswith("A product that is packaged under pressure")
    assert aerosol in codelist.terms


@pytest.mark.shared
def test_tab_reader_lookups_and_model_boundary(sdtm_path: Path) -> None:
    index = read_ct_file(sdtm_path)
    yes = index.term("NY", "Y")
    assert yes is not None and yes.code == "C49488" and yes.synonyms == ["Yes"]
    assert index.term("C66742", "Y") is yes  # cached: the second lookup is the dict hit
    assert index.term("NY", "MAYBE") is None and index.codelist("NOSUCH") is None
    ny = index.codelist("ny")
    assert (
        ny is not None
        and ny.extensible is False
        and [t.submission_value for t in ny.terms] == ["N", "NA", "U", "Y"]
    )
    package = index.package
    assert len(package.codelists) == 1158 and sum(len(c.terms) for c in package.codelists) == 43698
    # The pydantic boundary round-trips: an index built from the contract answers the same.
    again = CTIndex(package.model_validate(package.model_dump()))
    assert again.term("NY", "Y") == yes and again.term_count == 43698


def test_tab_reader_accepts_crlf_and_bom_and_rejects_broken_files() -> None:
    header = "\t".join(EXPECTED_HEADER)
    good = (
        "\ufeff" + header + "\r\nC1\t\tYes\tList\tL\tSyn A; Syn B\tDef\tPT\r\nC2\tC1\t\tList\tV\t\tD\tP\r\n"
    )
    index = parse_nci_tab_index(good, "sdtm", "2000-01-01")
    assert parse_nci_tab(good, "sdtm", "2000-01-01").codelists[0].terms[0].code == "C2"
    codelist = index.codelist("L")
    assert codelist is not None and codelist.extensible and codelist.synonyms == ["Syn A", "Syn B"]
    assert index.term("L", "V") is not None and index.term("L", "V\r") is None
    with pytest.raises(CTFormatError, match="header"):
        parse_nci_tab("Code\tName\n", "sdtm", "2000-01-01")
    with pytest.raises(CTFormatError, match="unknown codelist C9"):
        parse_nci_tab(header + "\nC2\tC9\t\tList\tV\t\tD\tP\n", "sdtm", "2000-01-01")
    with pytest.raises(CTFormatError, match="columns"):
        parse_nci_tab(header + "\nC1\t\tYes\n", "sdtm", "2000-01-01")


def test_tab_file_without_a_dated_name_needs_a_version() -> None:
    data = ("\t".join(EXPECTED_HEADER) + "\nC1\t\tNo\tList\tL\t\tD\tP\n").encode()
    with pytest.raises(CTVersionUnknownError):
        parse_ct_bytes(data, "SDTM Terminology.txt")
    assert parse_ct_bytes(data, "SDTM Terminology 2024-09-27.txt").ref.version == "2024-09-27"
    assert parse_ct_bytes(data, "x/sdtm_2024-09-27/SDTM Terminology.txt").package_name == "sdtm"
    with pytest.raises(CTFormatError):
        parse_ct_bytes(b"\x00\x01garbage", "SDTM Terminology 2024-09-27.txt")


def test_ct_load_reports_a_typed_error_for_garbage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "SDTM Terminology 2024-09-27.txt"
    bad.write_bytes(b"<html>not ct</html>")
    assert main(["ct", "load", str(bad)]) == 2
    assert "CT_FORMAT" in capsys.readouterr().err
