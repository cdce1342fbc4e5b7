from __future__ import annotations

from crfgen_core.standards.cosmos import load_bundled_standards


def test_concepts_found_by_id_name_and_synonym() -> None:
    library = load_bundled_standards()
    sysbp = library.concept("C25298")
    assert sysbp is not None and sysbp.short_name == "Systolic Blood Pressure"
    assert [c.bc_id for c in library.concepts_named("systolic blood pressure")] == ["C25298"]
    assert "C64431" in [c.bc_id for c in library.concepts_named("ALBUMIN MEASUREMENT")]
    assert sysbp.decs, "DECs are attached to the concept"


def test_crf_specialization_by_test_code_prefers_denormalized() -> None:
    library = load_bundled_standards()
    group = library.crf_group_for_test("VS", "SYSBP")
    assert group is not None and group.crf_group_id == "SYSBP_DENORMALIZED"
    result = next(item for item in group.items if item.variable_name == "VSORRES")
    assert result.mandatory and result.data_type == "integer"
    assert library.test_code_for("C64848", "LB") == "HGB"
    assert library.sdtm_domains_for("C25298") == ["VS"]


def test_loaded_once_per_process() -> None:
    assert load_bundled_standards() is load_bundled_standards()
    assert load_bundled_standards().package_date == "2025-12-31"


def test_draft_errata_correct_the_location_questions_of_blood_pressure() -> None:
    library = load_bundled_standards()
    for group_id in ("SYSBP_DENORMALIZED", "DIABP_DENORMALIZED"):
        location = next(i for i in library.crf_groups[group_id].items if i.variable_name == "VSLOC")
        assert "anatomical location" in location.question_text
        assert "subject" not in location.question_text
