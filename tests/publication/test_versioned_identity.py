"""Versioned ODM identity: two builds of one protocol with other content (a CT refresh) carry other
FileOID and MetaDataVersion OIDs; the same inputs give the same OIDs; `current` names the latest."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from crfgen_core.examples import example_protocol_path
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign
from crfgen_core.model.protocol import ParsedProtocol
from crfgen_core.publication.publisher import CURRENT_POINTER, current_package, publish_package
from crfgen_core.render.odm_1_3_2 import odm_bytes
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct
from crfgen_core.terminology.ct_index import CTIndex
from crfgen_core.xml_safety import safe_parser

ODM = "{http://www.cdisc.org/ns/odm/v1.3}"


@pytest.fixture(scope="module")
def parsed() -> ParsedProtocol:
    return read_protocol(example_protocol_path("docx"))


def _design(parsed: ParsedProtocol, ct: CTIndex) -> CRFDesign:
    return design_crf(parsed, ct, load_bundled_standards())


def _refreshed(ct: CTIndex) -> CTIndex:
    """The same terms published under a later version: what a CT refresh with no term change gives."""
    return CTIndex.from_rows(ct.package_name, "2099-12-31", ct.source, "f" * 64, ct.all_rows())


def _identity(design: CRFDesign) -> tuple[str, str]:
    root = etree.fromstring(odm_bytes(design), safe_parser(), base_url=None)
    mdv = root.find(f"{ODM}Study/{ODM}MetaDataVersion")
    assert mdv is not None
    return root.get("FileOID", ""), mdv.get("OID", "")


def test_a_ct_refresh_changes_file_and_metadata_version_oids(parsed: ParsedProtocol) -> None:
    ct = load_bundled_ct()
    before = _design(parsed, ct)
    after = _design(parsed, _refreshed(ct))
    file_before, mdv_before = _identity(before)
    file_after, mdv_after = _identity(after)
    assert file_before != file_after and mdv_before != mdv_after
    # still the same study and protocol version: only the build part differs
    prefix = f"{before.study_oid}.{before.protocol_sha256[:12]}."
    assert file_before.startswith(prefix) and file_after.startswith(prefix)
    assert file_after.endswith(after.build_key()) and mdv_after.endswith(after.build_key())


def test_the_same_inputs_give_the_same_oids(parsed: ParsedProtocol) -> None:
    ct = load_bundled_ct()
    assert _identity(_design(parsed, ct)) == _identity(_design(parsed, ct))
    reread = _design(read_protocol(example_protocol_path("docx")), ct)
    assert _identity(reread) == _identity(_design(parsed, ct))


def test_current_names_the_latest_publication(parsed: ParsedProtocol, tmp_path: Path) -> None:
    ct = load_bundled_ct()
    outbox = tmp_path / "outbox"
    first = publish_package(_design(parsed, ct), [], outbox)
    study = first.directory.parent
    assert (study / CURRENT_POINTER).read_text() == f"{first.directory.name}\n"
    second = publish_package(_design(parsed, _refreshed(ct)), [], outbox)
    assert second.directory != first.directory and second.directory.parent == study
    assert current_package(study) == second.directory
    assert not [p for p in study.iterdir() if p.name.startswith(f".{CURRENT_POINTER}.")]  # no temp left
