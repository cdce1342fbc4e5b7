"""REDCap data dictionary: our output passes the rule checker; the checker also runs on real dictionaries."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from design_fixture import fixture_design

from crfgen_core.model.design import Form, Item, ItemGroup
from crfgen_core.quality.redcap_rules import check_redcap_dictionary, check_redcap_rows, redcap_header
from crfgen_core.render.crf_layout import Choice, build_layout
from crfgen_core.render.redcap_dictionary import redcap_choices, redcap_rows, write_redcap_dictionary


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_fixture_dictionary_passes_every_rule(tmp_path: Path) -> None:
    path = write_redcap_dictionary(build_layout(fixture_design()), tmp_path / "dd.csv")
    assert check_redcap_dictionary(path) == []
    rows = _rows(path)
    assert len(rows[0]) == 18 and rows[0]["Variable / Field Name"] == "record_id"
    by_name = {r["Variable / Field Name"]: r for r in rows}
    assert [r["Form Name"] for r in rows if r["Field Type"] == "descriptive"] == [
        "vital_signs",
        "inclusion_exclusion_criteria",
        "adverse_events",
    ]
    assert by_name["vsdat"]["Text Validation Type OR Show Slider Number"] == "date_ymd"
    assert by_name["vsorres_temp"]["Text Validation Type OR Show Slider Number"] == "number"
    assert "up to 1 decimal place" in by_name["vsorres_temp"]["Field Note"]
    assert by_name["aesev"]["Field Type"] == "radio"
    assert (
        by_name["aesev"]["Choices, Calculations, OR Slider Labels"]
        == "MILD, Mild | MODERATE, Moderate | SEVERE, Severe"
    )
    assert by_name["aecomm"]["Field Type"] == "notes"
    assert by_name["ieyn"]["Required Field?"] == "y"


def test_names_are_legal_unique_and_deterministic() -> None:
    long_name = "A VERY LONG CDASH-LIKE NAME THAT EXCEEDS TWENTY SIX"
    items = [
        Item(oid=f"IT.X{n}", name=name, question="q")
        for n, name in enumerate([long_name, long_name, "1START", "record_id", "vital_signs_complete"])
    ]
    design = fixture_design()
    design = design.model_copy(
        update={
            "forms": [
                *design.forms,
                Form(
                    oid="F.X", name="Vital signs!", item_groups=[ItemGroup(oid="IG.X", name="X", items=items)]
                ),
            ]
        }
    )
    rows = redcap_rows(build_layout(design))
    assert check_redcap_rows(rows) == []
    names = [row[0] for row in rows[1:]]
    assert len(names) == len(set(names))
    extra = [row[0] for row in rows[1:] if row[1] == "vital_signs_2"]
    assert extra == [
        "vital_signs_2_hdr",
        "a_very_long_cdash_like_nam",
        "a_very_long_cdash_like_n_2",
        "v_1start",
        "record_id_2",
        "vital_signs_complete_2",
    ]
    assert redcap_rows(build_layout(design)) == rows


def _set(name: str, column: int, value: str) -> Callable[[list[list[str]]], None]:
    def mutate(rows: list[list[str]]) -> None:
        next(row for row in rows if row[0] == name)[column] = value

    return mutate


def _move_first(name: str) -> Callable[[list[list[str]]], None]:
    def mutate(rows: list[list[str]]) -> None:
        rows.insert(1, rows.pop(next(n for n, row in enumerate(rows) if row[0] == name)))

    return mutate


def _split_form(rows: list[list[str]]) -> None:
    rows.append(["late_vs_field", "vital_signs", *next(r for r in rows if r[0] == "vsdat")[2:]])


@pytest.mark.parametrize(
    ("mutate", "rule"),
    [
        (_set("Variable / Field Name", 0, "Variable Name"), "RC001"),
        (_set("vsdat", 0, "record_id"), "RC003"),
        (_set("vsdat", 0, "Bad-Name"), "RC002"),
        (_set("vsdat", 0, "redcap_event_name"), "RC002"),
        (_set("vsdat", 3, "checkboxes"), "RC004"),
        (_set("vspos", 5, "SITTING Sitting | STANDING, Standing"), "RC005"),
        (_set("vspos", 5, "NOT DONE, Not done | Y, Yes"), "RC005"),
        (_set("vspos", 5, "Y, Yes | Y, Yes again"), "RC005"),
        (_set("vsdat", 7, "date_iso"), "RC006"),
        (_move_first("vspos"), "RC007"),
        (_set("vsdat", 1, "Vital Signs"), "RC008"),
        (_split_form, "RC009"),
        (_set("vsdat", 12, "yes"), "RC010"),
    ],
)
def test_checker_catches_each_rule(mutate: Callable[[list[list[str]]], None], rule: str) -> None:
    rows = redcap_rows(build_layout(fixture_design()))
    assert check_redcap_rows(rows) == []
    mutate(rows)
    assert rule in {issue.rule for issue in check_redcap_rows(rows)}


def test_header_is_the_real_18_column_header() -> None:
    assert len(redcap_header()) == 18 and redcap_header()[0] == "Variable / Field Name"


@pytest.mark.shared
@pytest.mark.parametrize(
    ("dictionary", "expected"),
    [
        ("redcapr_clinical-trial-1/dictionary.csv", set()),
        ("redcapr_validation-types-1/dictionary.csv", set()),  # every field type and validation REDCap has
        # one name (next_of_kin_contact_address) is longer than the recommended 26 characters: a warning only
        ("redcapr_longitudinal/dictionary.csv", {("RC011", "warning")}),
        # instrument-library files (API header) carry one instrument and no record id: RC007 is expected
        ("ctsit_ae_and_conmeds/adverse_events.csv", {("RC007", "error")}),
        ("ctsit_ae_and_conmeds/medications.csv", {("RC007", "error")}),
    ],
)
def test_checker_on_real_dictionaries(
    shared_dir: Path, dictionary: str, expected: set[tuple[str, str]]
) -> None:
    issues = check_redcap_dictionary(shared_dir / "interop" / "redcap" / dictionary)
    assert {(issue.rule, issue.severity) for issue in issues} == expected


def test_choice_codes_stay_cdisc_where_redcap_allows_else_safe_with_the_original_shown() -> None:
    units = (
        Choice("kg", "Kilogram"),
        Choice("/kg", "Per Kilogram"),
        Choice("g", "Gram"),
        Choice("%", "Percent"),
    )
    assert redcap_choices(units) == [
        ("kg", "kg", "Kilogram"),
        ("/kg", "per_kg", "Per Kilogram (/kg)"),
        ("g", "g", "Gram"),
        ("%", "pct", "Percent (%)"),
    ]
    clash = (Choice("per_kg", "Spelled out"), Choice("/kg", "Per Kilogram"))
    assert [code for _, code, _ in redcap_choices(clash)] == ["per_kg", "per_kg_2"]


@pytest.mark.parametrize(
    ("data_type", "digits", "validation"),
    [
        ("integer", None, "integer"),
        ("float", None, "number"),
        ("float", 0, "integer"),
        ("float", 3, "number"),
        ("float", 2, "number"),
    ],
)
def test_numeric_validation_never_demands_a_fixed_number_of_decimals(
    data_type: str, digits: int | None, validation: str
) -> None:
    design = fixture_design()
    item = Item(
        oid="IT.X.N", name="LBORRES", question="Result", data_type=data_type, significant_digits=digits
    )  # type: ignore[arg-type]
    form = Form(oid="F.X", name="Numbers", item_groups=[ItemGroup(oid="IG.X", name="X", items=[item])])
    rows = redcap_rows(build_layout(design.model_copy(update={"forms": [*design.forms, form]})))
    assert next(r for r in rows if r[1] == "numbers" and r[3] == "text")[7] == validation


def test_units_are_a_note_or_a_unit_field_and_conditions_become_branching_logic(tmp_path: Path) -> None:
    rows = {
        r["Variable / Field Name"]: r
        for r in _rows(write_redcap_dictionary(build_layout(fixture_design()), tmp_path / "d.csv"))
    }
    assert rows["vsorres_sysbp"]["Field Note"].startswith("Unit: mmHg")
    unit = rows["vsorres_temp_u"]
    assert (unit["Field Type"], unit["Choices, Calculations, OR Slider Labels"]) == ("radio", "C, C | F, F")
    assert unit["Branching Logic (Show field only if...)"] == "[vsorres_temp] <> ''"
    assert "VSORRESU" in unit["Field Annotation"]
    ended = rows["aeendat"]
    assert ended["Branching Logic (Show field only if...)"] == "[aeongo] = 'N'"
    assert ended["Required Field?"] == "y"  # required only while shown: REDCap's own rule
    assert "review: no SDTM target" in rows["aecomm"]["Field Annotation"]
