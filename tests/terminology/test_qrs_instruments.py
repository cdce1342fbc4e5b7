"""The QRS instrument index is read from the bundled SDTM CT itself, not from a hand list."""

from __future__ import annotations

import pytest

from crfgen_core.terminology.bundled import load_bundled_ct
from crfgen_core.terminology.qrs_instruments import QrsIndex, qrs_index


@pytest.fixture(scope="module")
def index() -> QrsIndex:
    return qrs_index(load_bundled_ct())


def test_every_test_code_codelist_with_a_category_is_an_instrument(index: QrsIndex) -> None:
    with_tests = [i for i in index.instruments.values() if i.has_tests]
    assert len(with_tests) >= 300  # 339 in CT 2025-03-25
    assert {i.domain for i in with_tests} == {"QS", "FT", "RS"}
    assert all(i.test_codelist.endswith("TC") for i in with_tests)


@pytest.mark.parametrize(
    ("key", "codelist", "domain", "category", "category_code", "tests"),
    [
        ("FT_ADAS_COG", "ADCTC", "FT", "ADAS-COG", "C100762", 111),
        ("QS_DAD", "DAD01TC", "QS", "DAD", "C105165", 49),
        ("FT_MMSE", "MMS1TC", "FT", "MMSE", "C74982", 38),
        ("QS_MHIS_NACC", "MHIS01TC", "QS", "MHIS-NACC", "C112523", 9),
        ("QS_NPI", "NPI1TC", "QS", "NPI", "C100772", 153),
    ],
)
def test_instruments_from_ct(
    index: QrsIndex, key: str, codelist: str, domain: str, category: str, category_code: str, tests: int
) -> None:
    instrument = index.instruments[key]
    assert instrument.test_codelist == codelist
    assert instrument.domain == domain
    assert (instrument.short_name, instrument.category_code) == (category, category_code)
    assert len(instrument.tests) == tests
    assert instrument.name_codelist == codelist[:-2] + "TN"


def test_test_names_lose_the_instrument_prefix(index: QrsIndex) -> None:
    dad = {t.code: t for t in index.instruments["QS_DAD"].tests}
    assert dad["DAD0101"].name == "Decide to Wash"
    assert dad["DAD0101"].ct_name == "DAD01-Decide to Wash"
    adas = {t.code: t for t in index.instruments["FT_ADAS_COG"].tests}
    assert adas["ADCCMD01"].name == "Commands: Fist"
    assert adas["ADCCMD01"].nci_code == "C100210"


def test_every_test_code_is_a_sas_item_name(index: QrsIndex) -> None:
    bad = [t.code for i in index.instruments.values() for t in i.tests if not t.valid_sas_name]
    assert bad == []


def test_response_codelists_bind_to_the_tests_ct_names(index: QrsIndex) -> None:
    phq = {t.code: t.response_codelist for t in index.instruments["QS_PHQ_9"].tests}
    assert {phq[f"PHQ010{n}"] for n in range(1, 10)} == {"C213939"}  # 'PHQ0101 Through PHQ0109'
    assert phq["PHQ0110"] == "C213940"
    aims = {t.code: t.response_codelist for t in index.instruments["RS_AIMS"].tests}
    assert aims["AIMS0107"] == "C182464" and aims["AIMS0108"] == "C182465"


def test_instruments_without_response_codelists_have_none(index: QrsIndex) -> None:
    for key in ("FT_ADAS_COG", "QS_DAD", "QS_NPI", "FT_MMSE", "QS_MHIS_NACC"):
        instrument = index.instruments[key]
        assert instrument.response_codelists == ()
        assert all(t.response_codelist is None for t in instrument.tests)


def test_names_come_from_codelist_category_and_definition(index: QrsIndex) -> None:
    npi = index.instruments["QS_NPI"]
    assert "Neuropsychiatric Inventory" in npi.full_names
    assert {"NPI", "NPI-12"} <= set(npi.abbreviations)
    assert "NPI1" not in npi.abbreviations  # the code prefix is not a name
    mmse = index.instruments["FT_MMSE"]
    assert "Mini-Mental State Examination" in mmse.full_names


def test_category_only_instruments_have_no_tests(index: QrsIndex) -> None:
    moca = index.instruments["FT_MOCA"]
    assert not moca.has_tests and moca.test_codelist == ""
    assert moca.name == "Montreal Cognitive Assessment"


def test_general_words_exclude_instrument_names(index: QrsIndex) -> None:
    assert "hachinski" not in index.general_words
    assert {"weight", "temperature"} <= index.general_words
