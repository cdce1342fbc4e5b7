"""Panel contents (lab tables, vital signs, ECG parameters) read from the example and real protocols."""

from __future__ import annotations

from pathlib import Path

import pytest

from crfgen_core.examples import example_study as study
from crfgen_core.ingest.panels.panel_sentences import Passage, sentence_panels
from crfgen_core.ingest.panels.test_names import split_list
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping.design_builder import design_crf
from crfgen_core.model.protocol import Panel
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

EXAMPLES = Path(__file__).resolve().parents[2] / "crfgen_core" / "examples" / "data"


def _expected() -> dict[str, list[str]]:
    listed = {name: split_list(tests) for name, tests in study.LAB_PANELS}
    return {**listed, "Vital signs": split_list(study.VITAL_SIGNS.rstrip("."))}


def _by_name(panels: list[Panel]) -> dict[str, list[str]]:
    return {panel.name: panel.tests for panel in panels}


@pytest.mark.parametrize("suffix", ["pdf", "docx"])
def test_example_panels_are_the_listed_tests(suffix: str) -> None:
    parsed = read_protocol(EXAMPLES / f"example_protocol.{suffix}")
    assert _by_name(parsed.panels) == _expected()
    if suffix == "pdf":
        assert {panel.page for panel in parsed.panels} == {4}


def test_vital_signs_sentence_splits_shared_nouns() -> None:
    text = "Vital signs will include measurements of respiratory rate, pulse rate, and systolic and "
    text += "diastolic blood pressure (mmHg), and body temperature. SpO2 is also measured."
    panels = sentence_panels([Passage(text, 38)])
    assert panels == [
        Panel(
            name="Vital signs",
            tests=["respiratory rate", "pulse rate", "systolic blood pressure", "diastolic blood pressure",
                   "body temperature"],
            page=38,
            source="sentence",
        )
    ]


def test_ecg_parameters_sentence() -> None:
    panels = sentence_panels([Passage("ECG parameters: heart rate, PR, QRS, QT and QTcF.")])
    assert _by_name(panels) == {"ECG parameters": ["heart rate", "PR", "QRS", "QT", "QTcF"]}


def test_schedule_row_is_not_a_panel_sentence() -> None:
    assert sentence_panels([Passage("Vital signs: see Section 8.2. Hematology X X X X")]) == []


@pytest.mark.shared
def test_cdisc_pilot_two_column_lab_table(corpus_dir: Path) -> None:
    parsed = read_protocol(corpus_dir / "cdisc_pilot_lzzt" / "CDISC_Pilot_Study.pdf")
    panels = _by_name(parsed.panels)
    assert {"Hemoglobin", "Platelet", "Leukocytes (WBC)"} <= set(panels["Hematology"])
    assert {"Sodium", "Total protein", "Creatine kinase (CK)"} <= set(panels["Clinical Chemistry"])
    assert {"Specific gravity", "pH", "Ketones"} <= set(panels["Urinalysis"])
    # the two columns stay apart: no analyte of one panel leaks into the other
    assert "Sodium" not in panels["Hematology"] and "Color" not in panels["Clinical Chemistry"]
    assert all(panel.page == 32 for panel in parsed.panels if panel.source == "laboratory table")


@pytest.mark.shared
def test_label_left_table_with_two_label_columns(corpus_dir: Path) -> None:
    pdf = next((corpus_dir / "kalvista_nct05259917_angioedema").glob("*.pdf"))
    panels = _by_name(read_protocol(pdf).panels)
    assert {"Hemoglobin", "Platelets", "WBC"} <= set(panels["Hematology"])
    assert "pH" not in panels["Hematology"] and "pH" in panels["Urinalysis"]
    # "Liver enzymes:" and "Electrolytes:" are sub-panels of the chemistry panel
    assert {"ALT", "AST", "Sodium", "Creatinine"} <= set(panels["Clinical chemistry"])
    assert {"pulse rate", "systolic blood pressure"} <= set(panels["Vital signs"])


def test_example_design_has_one_lb_item_group_per_listed_test() -> None:
    parsed = read_protocol(EXAMPLES / "example_protocol.docx")
    design = design_crf(parsed, load_bundled_ct(), load_bundled_standards())
    forms = {form.name: form for form in design.forms}
    for form_name, panel in (
        ("Laboratory - Hematology", "Hematology"),
        ("Laboratory - Chemistry", "Chemistry"),
        ("Laboratory - Urinalysis", "Urinalysis"),
    ):
        codes = {item.test_code for group in forms[form_name].item_groups for item in group.items}
        codes.discard(None)
        assert len(codes) == len(_expected()[panel]), (form_name, sorted(codes))
    vs_codes = {item.test_code for group in forms["Vital Signs"].item_groups for item in group.items}
    assert {"SYSBP", "DIABP", "PULSE", "TEMP", "WEIGHT", "HEIGHT"} <= vs_codes
