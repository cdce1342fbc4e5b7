from __future__ import annotations

import pytest

from crfgen_core.mapping.activity_matcher import ActivityMatch, match_activity
from crfgen_core.mapping.instrument_matcher import instrument_matcher
from crfgen_core.mapping.rule_set import load_rule_set
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct
from crfgen_core.terminology.qrs_instruments import qrs_index


def _match(label: str) -> ActivityMatch:
    instruments = instrument_matcher(qrs_index(load_bundled_ct()))
    return match_activity(label, None, load_rule_set(), load_bundled_standards(), instruments)


@pytest.mark.parametrize(
    ("label", "forms"),
    [
        ("12-lead ECG", {"EG"}),
        ("Vitals", {"VS"}),
        ("ADAS-Cog", {"FT_ADAS_COG"}),
        ("CIBIC+", {"QS_SCALE"}),
        ("NPI-X", {"QS_NPI"}),
        ("Physical examination", {"PE"}),
        ("Hematology/Chemistry/Urinalysis", {"LB_HEM", "LB_CHEM", "LB_UA"}),
        ("Laboratory (chemistry/hematology):", {"LB_HEM", "LB_CHEM"}),
        ("Vital Signsl", {"VS"}),
        ("Blood samples", {"PG"}),
        ("Body mass index", {"VS"}),
    ],
)
def test_labels_map_to_forms(label: str, forms: set[str]) -> None:
    match = _match(label)
    assert match.kind == "data" and match.confidence >= 0.5
    assert set(match.form_tests) == forms


def test_combined_vital_signs_name_their_tests() -> None:
    match = _match("Height, Weight, and Vital Signs (T,P,RR,BP)")
    assert match.form_tests == {"VS": ["HEIGHT", "WEIGHT", "TEMP", "PULSE", "RESP", "SYSBP", "DIABP"]}
    assert match.form_defaults["VS"] is False
    assert _match("Vital signs and weight").form_defaults["VS"] is True


@pytest.mark.parametrize("label", ["Informed consent", "Randomization", "Dispense study drug"])
def test_data_less_procedures(label: str) -> None:
    match = _match(label)
    assert match.kind == "procedure" and match.confidence >= 0.5 and not match.form_tests


def test_unknown_label_is_unmapped_with_reason() -> None:
    match = _match("Qwerty zxcvb")
    assert match.kind == "unmapped" and match.confidence == 0.0 and match.reason


@pytest.mark.parametrize("label", ["Index", "Score", "Sample", "Samples", "Questionnaires", "Tumor sample"])
def test_a_generic_word_never_decides_a_form_alone(label: str) -> None:
    match = _match(label)
    assert match.kind == "unmapped" and not match.form_tests


def test_generic_refusal_says_why() -> None:
    assert "generic word" in _match("Index").reason


def test_a_generic_word_beside_a_specific_one_adds_no_form() -> None:
    match = _match("PK sample")
    assert set(match.form_tests) == {"PK"}


def test_instrument_word_beside_unknown_name_words_is_a_reviewed_stub() -> None:
    match = _match("Clarke Hypoglycemia Awareness Survey")
    assert set(match.form_tests) == {"QS_SCALE"}
    assert match.reviews and "no CDISC QRS test-code codelist" in match.reviews[0][0]
    assert "Clarke Hypoglycemia Awareness Survey" in match.reviews[0][0]


@pytest.mark.parametrize("label", ["Ambulatory ECG placed", "Holter monitoring", "24-hour Holter"])
def test_ambulatory_ecg_is_not_the_12_lead_ecg_form(label: str) -> None:
    match = _match(label)
    assert set(match.form_tests) == {"EG_HOLTER"}
    assert any("Holter" in why for why, _ in match.reviews)


@pytest.mark.parametrize(("label", "form"), [("Laboratory (chem/hemat)", "LB_HEM"), ("Preg test", "PREG")])
def test_a_word_cut_short_reads_as_the_synonym_it_starts(label: str, form: str) -> None:
    match = _match(label)
    assert form in match.form_tests and "abbreviates" in match.reason


def test_a_plural_is_not_an_abbreviation() -> None:
    assert "LB_CHEM" not in _match("Evaluation of lipid-lowering treatment").form_tests


@pytest.mark.parametrize(
    ("label", "form"), [("AEs", "AE"), ("SAEs", "AE"), ("Labs", "LB_OTHER"), ("PROs", "PRO")]
)
def test_short_abbreviations_list_their_plural(label: str, form: str) -> None:
    assert form in _match(label).form_tests
