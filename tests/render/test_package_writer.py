"""render_package writes the complete package; mapping.csv and review.md say what was decided and what not."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from design_fixture import fixture_design

from crfgen_core.pipeline import generate
from crfgen_core.quality.odm_xsd import odm_xsd_errors
from crfgen_core.quality.redcap_rules import check_redcap_dictionary
from crfgen_core.render import render_package
from crfgen_core.render.package_writer import MAPPING_COLUMNS

PACKAGE_FILES = [
    "odm.xml",
    "acrf.html",
    "acrf.pdf",
    "acrf_blank.html",
    "acrf_blank.pdf",
    "crf_book.docx",
    "redcap_data_dictionary.csv",
    "redcap_arms.csv",
    "redcap_events.csv",
    "redcap_instrument_event_mapping.csv",
    "redcap_repeating_instruments.csv",
    "mapping.csv",
    "review.md",
    "soa_pages.json",
]


def test_render_package_writes_every_named_file(tmp_path: Path) -> None:
    paths = render_package(fixture_design(), tmp_path)
    assert [p.name for p in paths] == PACKAGE_FILES
    assert all(p.stat().st_size > 0 for p in paths)


def test_mapping_csv_columns_are_exact(tmp_path: Path) -> None:
    render_package(fixture_design(), tmp_path)
    with (tmp_path / "mapping.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert (
        rows[0]
        == MAPPING_COLUMNS
        == ["activity", "schedule", "concept_id", "domain", "form", "confidence", "reason", "kind"]
    )
    assert rows[3][0] == 'Dispense study drug, "kit"' and rows[3][5] == "0.30"
    assert rows[3][7] == "unmapped"


def test_review_lists_undecided_activities_with_candidates(tmp_path: Path) -> None:
    render_package(fixture_design(), tmp_path)
    review = (tmp_path / "review.md").read_text(encoding="utf-8")
    assert "Candidates: EX (Exposure), DA (Product Accountability)." in review
    assert "Protocol SHA-256: " + "0" * 63 + "1" in review and "sdtm 2025-03-25" in review


@pytest.mark.shared
@pytest.mark.slow
def test_generate_for_the_cdisc_pilot_writes_valid_outputs(corpus_dir: Path, tmp_path: Path) -> None:
    generate(corpus_dir / "cdisc_pilot_lzzt" / "CDISC_Pilot_Study.pdf", tmp_path / "out")
    out = tmp_path / "out"
    assert all((out / name).is_file() for name in PACKAGE_FILES)
    assert odm_xsd_errors(out / "odm.xml") == []
    assert [
        i for i in check_redcap_dictionary(out / "redcap_data_dictionary.csv") if i.severity == "error"
    ] == []


def test_control_characters_from_pdf_text_reach_no_writer(tmp_path: Path) -> None:
    """Regression: a form feed or stray C0 control in a title made python-docx raise ValueError."""
    design = fixture_design()
    dirty = design.model_copy(
        update={
            "study_name": "STUDY\x0c1",
            "metadata": design.metadata.model_copy(update={"title": "A trial\x01 of \x0bsomething\x0c"}),
            "forms": [
                design.forms[0].model_copy(update={"name": "Vital\x02 Signs"}),
                *design.forms[1:],
            ],
        }
    )
    render_package(dirty, tmp_path)
    for path in tmp_path.iterdir():
        if path.suffix in {".xml", ".html", ".csv", ".md"}:
            text = path.read_text(encoding="utf-8")
            assert not any(ch in text for ch in "\x01\x02\x0b\x0c"), path.name
    assert "A trial  of  something" in (tmp_path / "odm.xml").read_text(encoding="utf-8")
    assert not odm_xsd_errors(tmp_path / "odm.xml")
