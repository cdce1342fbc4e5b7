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


def test_labels_without_values_are_not_values() -> None:
    text = (
        "According to template: Version X dated 12-OCT-2017 based on version 4\nProtocol number: AB12345\n"
        "Sponsor name:\nLegal registered\naddress:\nRegulatory agency identifying number(s):\n"
        "Approval Date: 23 November 2020\n"
    )
    meta = extract_metadata(text)
    assert meta.sponsor is None
    assert meta.date == "23 November 2020"
    assert (meta.protocol_number, meta.version) == ("AB12345", None)


def test_sponsor_on_the_next_line_and_name_before_address() -> None:
    assert extract_metadata("SPONSOR:\nExample Corp., a subsidiary of Example & Co., Inc.\n").sponsor == (
        "Example Corp., a subsidiary of Example & Co., Inc."
    )
    meta = extract_metadata("Sponsor Name and Address: Example Pharma Ltd 1 Main Street, Town 12345\n")
    assert meta.sponsor == "Example Pharma Ltd"


@pytest.mark.parametrize(
    ("text", "phase"),
    [
        ("A Phase II study", "Phase 2"),
        ("A Phase 1/2 open-label study", "Phase 1/2"),
        ("Phase I/II trial", "Phase 1/2"),
        ("a phase 3a trial", "Phase 3a"),
        ("Trial Phase: Phase 2\nin earlier phase 3 trials", "Phase 2"),
        ("Development Phase: 3", "Phase 3"),
    ],
)
def test_phase_patterns(text: str, phase: str) -> None:
    assert extract_metadata(text).phase == phase


def test_identifier_label_is_not_read_as_its_own_value() -> None:
    meta = extract_metadata("Sponsor Protocol Identifier: H2Q-MC-LZZT\nOriginal Protocol: No\n")
    assert meta.protocol_number == "H2Q-MC-LZZT"


@pytest.mark.shared
def test_label_rows_of_a_docx_title_page(corpus_dir: Path) -> None:
    path = corpus_dir / "sanofi_nct03637764_oncology" / "Sanofi_NCT03637764_Oncology_protocol.docx"
    meta = read_protocol(path).metadata
    assert meta.sponsor is None or "registered" not in meta.sponsor.lower()
    assert (meta.protocol_number, meta.phase) == ("ACT15377", "Phase 1/2")


def test_a_labelled_title_ends_at_an_unpunctuated_label_or_unreadable_text() -> None:
    """Regression: a title with no blank line after it ran on into the date label, text a PDF font left
    unreadable (control bytes) and the table of contents."""
    text = (
        "Official title of study: A randomised trial of drug X in\nadults with condition Y\nDocument date\n"
        "\x15\n0DUFK\x15\x13\x14\nLink\nLink\nList of contents\nProtocol ......................\n"
    )
    assert extract_metadata(text).title == "A randomised trial of drug X in adults with condition Y"
    long_run = "Title: A study of drug X\n" + "".join(f"in population line {n}\n" for n in range(20))
    title = extract_metadata(long_run).title
    assert title is not None and len(title.split("population")) <= 5
