"""CDISC pilot (LZZT): its rating scales are real forms, with at least the item scores its define.xml
lists as collected on the CRF (or every item CT offers, where CT offers fewer)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct
from crfgen_core.terminology.qrs_instruments import qrs_index
from crfgen_core.xml_safety import safe_parser

DEFINE = Path("interop/odm_crf/define_xml/CDISCPILOT01_sdtm_define_v1.0.xml")
# pilot-era QSTESTCD prefix in the define -> the form CT 2025-03-25 gives that instrument
INSTRUMENTS = {
    "ACITM": "FT_ADAS_COG",
    "DAITM": "QS_DAD",
    "NPITM": "QS_NPI",
    "MMITM": "FT_MMSE",
    "MHITM": "QS_MHIS_NACC",
}


def _define_item_counts(shared_dir: Path) -> Counter[str]:
    root = etree.parse(str(shared_dir / DEFINE), safe_parser()).getroot()
    names = [
        el.get("Name", "") for el in root.iter("{*}ItemDef") if el.get("OID", "").startswith("QS.QSTESTCD.")
    ]
    return Counter(re.sub(r"\d+[A-Z]?$", "", name) for name in names)


def _design(corpus_dir: Path, name: str) -> CRFDesign:
    path = corpus_dir / "cdisc_pilot_lzzt" / name
    return design_crf(read_protocol(path), load_bundled_ct(), load_bundled_standards())


@pytest.mark.shared
@pytest.mark.parametrize("protocol", ["CDISC_Pilot_Study.pdf", "LZZT_ICH_M11.docx"])
def test_rating_scales_have_their_item_scores(shared_dir: Path, corpus_dir: Path, protocol: str) -> None:
    define = _define_item_counts(shared_dir)
    design = _design(corpus_dir, protocol)
    index = qrs_index(load_bundled_ct())
    forms = {form.oid.removeprefix("F."): form for form in design.forms}
    for prefix, key in INSTRUMENTS.items():
        assert key in forms, f"{protocol}: no {key} form"
        form = forms[key]
        assert form.domain == index.instruments[key].domain
        scores = [item for group in form.item_groups for item in group.items if item.test_code]
        offered = len(index.instruments[key].tests)
        assert len(scores) >= min(define[prefix], offered), (key, len(scores), define[prefix], offered)
        assert len(scores) == offered
    cibic = forms["QS_CIBIC"]
    assert [item.name for group in cibic.item_groups for item in group.items] == [
        "QSPERF",
        "QSDAT",
        "QSTOTAL",
    ]
    assert any(entry.activity == "CIBIC+" and "stub" in entry.reason for entry in design.review)


@pytest.mark.shared
def test_ambulatory_ecg_is_not_scheduled_as_a_12_lead_ecg(corpus_dir: Path) -> None:
    design = _design(corpus_dir, "CDISC_Pilot_Study.pdf")
    rows = {row.activity: row for row in design.mappings}
    assert rows["Ambulatory ECG placed"].form == "Ambulatory ECG (Holter)"
    assert rows["ECG"].form == "12-Lead ECG"
