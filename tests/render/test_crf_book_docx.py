"""DOCX CRF book: cover with versions, a TOC field, the visit x form schedule, one heading per form."""

from __future__ import annotations

from pathlib import Path

from design_fixture import fixture_design
from docx import Document

from crfgen_core.render.crf_book_docx import write_crf_book
from crfgen_core.render.crf_layout import build_layout


def test_crf_book_structure(tmp_path: Path) -> None:
    doc = Document(str(write_crf_book(build_layout(fixture_design()), tmp_path / "book.docx")))
    body_xml = doc.element.body.xml
    assert 'TOC \\o "1-2"' in body_xml and 'w:fldCharType="begin"' in body_xml
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[-3:] == ["Vital Signs", "Inclusion/Exclusion Criteria", "Adverse Events"]
    cover = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert cover["Controlled terminology"] == "sdtm 2025-03-25"
    assert cover["Protocol SHA-256"] == "0" * 63 + "1"
    schedule = [[cell.text for cell in row.cells] for row in doc.tables[1].rows]
    names = [heading.split("\n")[0] for heading in schedule[0]]
    assert names == [
        "Form",
        "Screening",
        "Baseline",
        "Week 4",
        "Visit 4",
        "Maintenance Cycle 2 and Beyond",
        "Early Termination (ET)",
        "Telephone contact after Week 4",
        "Log forms (any time)",
    ]
    assert schedule[0][1] == "Screening\nDay -14 to -1"
    assert "repeats: Cycle 2 and beyond, every 3 weeks" in schedule[0][5] and "arms: Drug B" in schedule[0][5]
    assert schedule[1] == ["Vital Signs", "X", "X", "X", "X", "X", "X", "X", ""]
    assert schedule[2] == ["Inclusion/Exclusion Criteria", "X", "", "", "X (Drug A)", "", "", "", ""]
    assert schedule[3] == ["Adverse Events", "", "", "", "", "", "", "", "X"]
    severity = [row.cells[2].text for row in doc.tables[4].rows if row.cells[3].text == "AESEV"]
    assert severity == ["\u2610 Mild\n\u2610 Moderate\n\u2610 Severe"]


def test_crf_book_prints_conditions_and_units(tmp_path: Path) -> None:
    doc = Document(str(write_crf_book(build_layout(fixture_design()), tmp_path / "book.docx")))
    cells = [[cell.text for cell in row.cells] for table in doc.tables for row in table.rows]
    ended = next(row for row in cells if row[-1] == "AEENDAT")
    assert ended[1].endswith("*\nOnly if Ongoing = No")
    sysbp = next(row for row in cells if row[-1] == "VSORRES_SYSBP")
    assert sysbp[2].endswith("mmHg")
    temperature = next(row for row in cells if row[-1] == "VSORRES_TEMP")
    assert temperature[2].endswith("\u2610 C   \u2610 F")
