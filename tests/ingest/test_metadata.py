from __future__ import annotations

from pathlib import Path

import pytest

from crfgen_core.ingest.metadata import extract_metadata
from crfgen_core.ingest.reader import read_protocol


def test_labelled_title_page() -> None:
    text = (
        "Sponsor name: Example Pharma A/S\nNCT number NCT01234567\nSponsor trial ID: EX-1234-5678\n"
        "Official title of study: A randomised trial of drug X\nin adults with condition Y\n"
        "Document date: 03-June-2020\nVersion: 4.0\nPhase 2"
    )
    meta = extract_metadata(text)
    assert meta.sponsor == "Example Pharma A/S"
    assert meta.nct_number == "NCT01234567"
    assert meta.protocol_number == "EX-1234-5678"
    assert meta.title == "A randomised trial of drug X in adults with condition Y"
    assert (meta.date, meta.version, meta.phase) == ("03-June-2020", "4.0", "Phase 2")


@pytest.mark.shared
@pytest.mark.parametrize(
    ("path", "number", "nct"),
    [
        ("roche_nct04320615_covid/Roche_NCT04320615_COVID.pdf", "WA42380", "NCT04320615"),
        ("novo_nct03548987_obesity/Novo_NCT03548987_Obesity.pdf", "NN9536-4376", "NCT03548987"),
        ("cdisc_pilot_lzzt/CDISC_Pilot_Study.pdf", "H2Q-MC-LZZT(c)", None),
    ],
)
def test_corpus_title_pages(corpus_dir: Path, path: str, number: str, nct: str | None) -> None:
    meta = read_protocol(corpus_dir / path).metadata
    assert meta.protocol_number == number
    assert meta.nct_number == nct
    assert meta.title and len(meta.title.split()) >= 8
