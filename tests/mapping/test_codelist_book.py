"""What a site sees in an answer list: readable labels, the scale's own order, a subset sized for the item."""

from __future__ import annotations

import pytest

from crfgen_core.mapping.codelist_book import CodelistBook, crf_decode
from crfgen_core.terminology.bundled import load_bundled_ct


@pytest.fixture
def book() -> CodelistBook:
    return CodelistBook(load_bundled_ct())


@pytest.mark.parametrize(
    ("codelist", "code", "label"),
    [
        ("NY", "Y", "Yes"),
        ("NY", "NA", "Not Applicable"),
        ("AESEV", "MILD", "Mild"),  # not the NCI preferred term "Mild Adverse Event"
        ("OUT", "NOT RECOVERED/NOT RESOLVED", "Not recovered/not resolved"),
        ("RACE", "BLACK OR AFRICAN AMERICAN", "Black or African American"),
        ("UNIT", "mg", "mg"),
        ("FREQ", "QD", "Daily"),
        ("VSRESU", "LB", "Pound"),
    ],
)
def test_decodes_are_crf_facing_labels(codelist: str, code: str, label: str) -> None:
    term = load_bundled_ct().term(codelist, code)
    assert term is not None and crf_decode(term) == label


def _codes(book: CodelistBook, oid: str | None) -> list[str]:
    assert oid is not None
    return [item.coded_value for item in book.codelists[oid].items]


def test_natural_order_not_alphabetical(book: CodelistBook) -> None:
    assert _codes(book, book.ct_subset("NY", ["N", "Y"], "t", "AESER")) == ["Y", "N"]
    assert _codes(book, book.ct_subset("AESEV", [], "t", "AESEV")) == ["MILD", "MODERATE", "SEVERE"]


def test_a_long_codelist_is_cut_to_the_items_subset(book: CodelistBook) -> None:
    units = _codes(book, book.ct_subset("UNIT", [], "CM.CMDOSU", "CMDOSU"))
    forms = _codes(book, book.ct_subset("FRM", [], "CM.CMDOSFRM", "CMDOSFRM"))
    assert "mg" in units and len(units) < 20 and "TABLET" in forms and len(forms) < 20
    assert not book.unknown_values
    book.ct_subset("UNIT", [], "XX.XXSOMEU", "XXSOMEU")  # no subset rule: whole list, but reported
    assert any("929 terms" in note or "terms) is attached" in note for note in book.unknown_values)


def test_unit_order_can_follow_the_test(book: CodelistBook) -> None:
    oid = book.ct_subset("UNIT", ["mmol/L", "mg/dL"], "t", "LBORRESU", keep_order=True)
    assert _codes(book, oid) == ["mmol/L", "mg/dL"]
    assert book.longest_code(oid) == len("mmol/L")
