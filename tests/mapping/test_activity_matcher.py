from __future__ import annotations

import pytest

from crfgen_core.mapping.activity_matcher import match_activity
from crfgen_core.mapping.rule_set import load_rule_set
from crfgen_core.standards.cosmos import load_bundled_standards


def _match(label: str):  # type: ignore[no-untyped-def]
    return match_activity(label, None, load_rule_set(), load_bundled_standards())


@pytest.mark.parametrize(
    ("label", "forms"),
    [
        ("12-lead ECG", {"EG"}),
        ("Vitals", {"VS"}),
        ("ADAS-Cog", {"ADASCOG"}),
        ("CIBIC+", {"CIBIC"}),
        ("NPI-X", {"NPI"}),
        ("Physical examination", {"PE"}),
        ("Hematology/Chemistry/Urinalysis", {"LB_HEM", "LB_CHEM", "LB_UA"}),
        ("Laboratory (Chem/Hemat):", {"LB_HEM", "LB_CHEM"}),
        ("Vital Signsl", {"VS"}),
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
