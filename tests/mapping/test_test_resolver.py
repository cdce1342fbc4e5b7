"""Written test names to CT test codes (real bundled CT): CT names first, sourced clinical synonyms next."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from crfgen_core.mapping.rule_set import load_rule_set
from crfgen_core.mapping.test_resolver import TestResolver
from crfgen_core.terminology.bundled import load_bundled_ct


@pytest.fixture(scope="module")
def resolver() -> TestResolver:
    return TestResolver(load_bundled_ct(), load_rule_set())


def _rows(name: str) -> list[dict[str, str]]:
    raw = resources.files("crfgen_core.mapping").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(raw.splitlines()))


def test_every_clinical_synonym_names_ct_codes_and_says_why(resolver: TestResolver) -> None:
    ct = load_bundled_ct()
    for row in _rows("test_aliases.csv"):
        assert row["source"].strip(), row
        for code in row["tests"].split(";"):
            assert ct.term(f"{row['domain']}TESTCD", code) is not None, row
        assert resolver.resolve(row["domain"], f"{row['domain']}TESTCD", row["alias"]).codes == row[
            "tests"
        ].split(";"), row


@pytest.mark.parametrize(
    ("domain", "written", "codes"),
    [
        ("VS", "supine/standing pulse", ["PULSE"]),
        ("VS", "blood pressure readings", ["SYSBP", "DIABP"]),
        ("VS", "Heart rate", ["PULSE"]),
        ("VS", "Body Temperature", ["TEMP"]),
        ("LB", "Alanine transaminase (ALT/SGPT)", ["ALT"]),
        ("LB", "SGPT", ["ALT"]),
        ("LB", "RDW", ["RDW"]),
        ("LB", "Mean cell hemoglobin (MCH)", ["MCH"]),
        ("LB", "hCG", ["HCG"]),
        ("LB", "PT/INR", ["PT", "INR"]),
        ("LB", "Free thyroxine (FT4)", ["T4FR"]),
        ("LB", "Neutrophils, juvenile (bands)", ["NEUTB"]),
        ("LB", "Neutrophils, segmented", ["NEUTSG"]),
        ("LB", "Glucose, nonfasting", ["GLUC"]),
        ("LB", "Serum creatinine", ["CREAT"]),
        ("LB", "HbA1 c", ["HBA1C"]),
        ("EG", "QTcF", ["QTCFAG"]),
    ],
)
def test_written_names_resolve_to_their_test_codes(
    resolver: TestResolver, domain: str, written: str, codes: list[str]
) -> None:
    assert resolver.resolve(domain, f"{domain}TESTCD", written).codes == codes


def test_a_name_ct_does_not_know_resolves_to_nothing(resolver: TestResolver) -> None:
    found = resolver.resolve("LB", "LBTESTCD", "Microscopic examination of sediment")
    assert found.terms == () and found.how == "no CT code"


def test_an_soa_row_that_lists_tests_names_each(resolver: TestResolver) -> None:
    assert resolver.listed_codes("LB", "LBTESTCD", "T3, FT4, and TSH") == ["T3", "T4FR", "TSH"]
    assert resolver.listed_codes("LB", "LBTESTCD", "PT/INR and aPTT") == ["PT", "INR", "APTT"]
    assert resolver.listed_codes("LB", "LBTESTCD", "Hematology") == []
