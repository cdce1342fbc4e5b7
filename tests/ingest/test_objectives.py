from __future__ import annotations

from pathlib import Path

import pytest

from crfgen_core.ingest.objectives import objectives_from_pdf, objectives_from_rows, objectives_from_text
from crfgen_core.ingest.pdf import OpenPdf
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.ingest.text_lines import TextLine, pdf_lines


def test_objectives_section_text_with_endpoints() -> None:
    lines = [
        TextLine(t)
        for t in [
            "3 OBJECTIVES AND ENDPOINTS",
            "Primary objective",
            "To compare drug X with placebo on weight.",
            "Primary endpoint",
            "Change in body weight from baseline to week 48",
            "Secondary objectives",
            "To assess the safety of drug X.",
            "4 STUDY DESIGN",
            "To be ignored.",
        ]
    ]
    objectives = objectives_from_text(lines)
    assert [(o.level, o.text) for o in objectives] == [
        ("primary", "To compare drug X with placebo on weight."),
        ("secondary", "To assess the safety of drug X."),
    ]
    assert objectives[0].endpoints == ["Change in body weight from baseline to week 48"]


@pytest.mark.shared
def test_docx_objectives_tables_give_levels_and_endpoints(corpus_dir: Path) -> None:
    objectives = read_protocol(corpus_dir / "roche_nct04320615_covid" / "WA42380_ICH_M11.docx").objectives
    levels = [o.level for o in objectives]
    assert levels[:2] == ["primary", "secondary"] and "exploratory" in levels
    assert len({o.text for o in objectives}) == len(objectives)
    assert objectives[0].endpoints and "Clinical status" in objectives[0].endpoints[0]


def test_headed_paragraphs_take_the_bullets_after_a_colon_as_endpoints() -> None:
    lines = [
        TextLine(t, page=1)
        for t in [
            "2. OBJECTIVES AND ENDPOINTS",
            "2.1.1 Primary Efficacy Objective",
            "The primary efficacy objective for this study is to evaluate drug X",
            "on the basis of the following endpoint:",
            "• Clinical status at Day 28",
            "2.2 SAFETY OBJECTIVE",
            "The safety objective for this study is to evaluate the safety of drug X on the basis of:",
            "• Incidence of adverse events",
            "3. STUDY DESIGN",
            "• Not an endpoint",
        ]
    ]
    objectives = objectives_from_text(lines)
    assert [(o.level, o.endpoints) for o in objectives] == [
        ("primary", ["Clinical status at Day 28"]),
        ("other", ["Incidence of adverse events"]),  # a safety objective has no stated level
    ]
    assert objectives[0].text.endswith("drug X on the basis of the following endpoint:")


def test_endpoint_subsections_attach_to_the_objectives_of_their_level() -> None:
    lines = [
        TextLine(t, page=1)
        for t in [
            "7. OBJECTIVES AND ENDPOINTS",
            "7.1.1 Primary",
            "The primary objective of this trial is to show efficacy.",
            "7.1.2 Secondary",
            "The secondary objective of this trial is to investigate safety.",
            "7.2 Endpoints",
            "7.2.1 Primary Endpoint",
            "The primary endpoint of this trial is:",
            "• Time to symptom relief within",
            "12 hours.",
            "7.2.2 Key Secondary Endpoints",
            "• Time to resolution.",
            "• Proportion of responders.",
            "8. TRIAL DESIGN",
        ]
    ]
    objectives = objectives_from_text(lines)
    assert [(o.level, o.endpoints) for o in objectives] == [
        ("primary", ["Time to symptom relief within 12 hours."]),
        ("secondary", ["Time to resolution.", "Proportion of responders."]),
    ]


def test_table_rows_with_merged_cells_and_bullet_columns() -> None:
    rows = [
        ["Objectives", "Endpoints", "Endpoints"],
        ["Primary", "Primary", "Primary"],
        ["To compare A with B", "To compare A with B", "Change in weight"],
        ["Secondary • To assess safety • To assess PK", "•", "• Adverse events • Cmax and AUC"],
        ["Tertiary/exploratory • To explore markers which are • related to response", "•", "Marker levels"],
    ]
    objectives = objectives_from_rows(rows)
    assert [(o.level, o.text, o.endpoints) for o in objectives] == [
        ("primary", "To compare A with B", ["Change in weight"]),
        ("secondary", "To assess safety", ["Adverse events"]),
        ("secondary", "To assess PK", ["Cmax and AUC"]),
        ("exploratory", "To explore markers which are related to response", ["Marker levels"]),
    ]


def test_flattened_table_text_splits_objective_and_endpoint_cells() -> None:
    lines = [
        TextLine(t, page=1)
        for t in [
            "3. Objectives and Endpoints",
            "Objectives Endpoints",
            "Primary",
            "To assess the effect of food on the PK of",
            "drug X in healthy participants",
            "AUC and Cmax of",
            "drug X",
            "4. Study Design",
        ]
    ]
    objectives = objectives_from_text(lines)
    assert [(o.level, o.text, o.endpoints) for o in objectives] == [
        (
            "primary",
            "To assess the effect of food on the PK of drug X in healthy participants",
            ["AUC and Cmax of drug X"],
        )
    ]


@pytest.mark.shared
def test_pdf_headed_paragraphs_give_objectives_with_endpoints(corpus_dir: Path) -> None:
    objectives = read_protocol(
        corpus_dir / "roche_nct04320615_covid" / "Roche_NCT04320615_COVID.pdf"
    ).objectives
    assert [o.level for o in objectives[:3]] == ["primary", "secondary", "exploratory"]
    assert objectives[0].endpoints == ["Clinical status assessed using a 7-category ordinal scale at Day 28"]
    assert len(objectives[1].endpoints) >= 10 and all(o.endpoints for o in objectives)


@pytest.mark.shared
def test_pdf_ruled_objectives_table_is_read_by_cell(corpus_dir: Path) -> None:
    path = corpus_dir / "lilly_nct03421379_diabetes" / "EliLilly_NCT03421379_Diabetes.pdf"
    with OpenPdf(path) as pdf:
        objectives = objectives_from_pdf(pdf, pdf_lines(pdf.texts))
    assert [o.level for o in objectives] == ["primary"] + ["secondary"] * 3 + ["exploratory"] * 2
    assert objectives[1].text == "To compare the safety and tolerability of 3 mg LY900018 with 1 mg IMG"
    assert objectives[2].endpoints == ["PK parameters include AUC, Cmax, Tmax"]
    assert all(o.endpoints for o in objectives)


@pytest.mark.shared
def test_docx_table_continued_without_objective_headers(corpus_dir: Path) -> None:
    path = corpus_dir / "sanofi_nct03637764_oncology" / "Sanofi_NCT03637764_Oncology_protocol.docx"
    objectives = read_protocol(path).objectives
    levels = [o.level for o in objectives]
    assert levels.count("primary") == 3 and levels.count("exploratory") >= 3
    assert all(o.endpoints for o in objectives)
    assert len({o.text for o in objectives}) == len(objectives)
