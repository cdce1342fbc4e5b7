"""Small DOCX files the tests build themselves with python-docx (no protocol is copied)."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml import parse_xml
from docx.table import Table
from docx.text.paragraph import Paragraph

VISITS = ["Day 1", "Day 8", "Day 15", "Day 29"]


def _soa_table(document: Document, rows: list[tuple[str, list[str]]]) -> Table:
    """Two header rows: "Treatment" spans Day 1-15 (gridSpan), "Follow-up" Day 29; a vMerged corner."""
    table = document.add_table(rows=2 + len(rows), cols=1 + len(VISITS))
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Procedure"
    table.cell(0, 1).merge(table.cell(0, 3)).text = "Treatment"
    table.cell(0, 4).text = "Follow-up"
    for col, visit in enumerate(VISITS, 1):
        table.cell(1, col).text = visit
    for index, (label, marks) in enumerate(rows, 2):
        table.cell(index, 0).text = label
        for col, mark in enumerate(marks, 1):
            table.cell(index, col).text = mark
    return table


def build_soa_split(path: Path) -> Path:
    """A schedule split over two consecutive Word tables with the same columns, plus a section row."""
    document = docx.Document()
    document.add_heading("Schedule of Activities", level=1)
    table = _soa_table(
        document,
        [
            ("Informed consent", ["X", "", "", ""]),
            ("Vital signs", ["X", "X", "X", "X"]),
            ("Laboratory", ["", "", "", ""]),
            ("Hematology", ["X", "", "X", ""]),
        ],
    )
    lab = table.rows[4].cells
    lab[0].merge(lab[-1]).text = "Laboratory"  # a section row merged across the table
    document.add_paragraph("")
    _soa_table(document, [("Adverse events", ["X", "X", "X", "X"]), ("ECG", ["X", "", "", "X"])])
    document.add_heading("Introduction", level=1)
    document.save(str(path))
    return path


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_ABSTRACT = f"""<w:abstractNum xmlns:w="{_W}" w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>
</w:abstractNum>"""


def _add_list(document: Document, num_id: int) -> int:
    """Register a two-level list (1., a)) in numbering.xml; return its numId."""
    numbering = document.part.numbering_part.element
    if not numbering.xpath('./w:abstractNum[@w:abstractNumId="90"]'):
        numbering.insert(0, parse_xml(_ABSTRACT))
    numbering.append(
        parse_xml(f'<w:num xmlns:w="{_W}" w:numId="{num_id}"><w:abstractNumId w:val="90"/></w:num>')
    )
    return num_id


def _item(document: Document, text: str, num_id: int, level: int = 0) -> Paragraph:
    paragraph = document.add_paragraph(text)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id
    return paragraph


def build_criteria(path: Path) -> Path:
    """Auto-numbered criteria: the numbers exist only as w:numPr, sub-items at the second level."""
    document = docx.Document()
    inclusion, exclusion = _add_list(document, 90), _add_list(document, 91)
    document.add_heading("Inclusion Criteria", level=2)
    document.add_paragraph("Participants are eligible only if all of the following apply:")
    for text in ["Age at least 18 years.", "Signed informed consent.", "Body mass index of 18 to 32 kg/m2."]:
        _item(document, text, inclusion)
    _item(document, "Any of the following documented:", inclusion)
    _item(document, "Type 1 diabetes", inclusion, level=1)
    _item(document, "Type 2 diabetes", inclusion, level=1)
    document.add_heading("Exclusion Criteria", level=2)
    for text in ["Pregnancy.", "Known allergy to the study drug."]:
        _item(document, text, exclusion)
    document.add_heading("Study Intervention", level=1)
    document.save(str(path))
    return path


@pytest.fixture
def soa_split_docx(tmp_path: Path) -> Path:
    return build_soa_split(tmp_path / "soa_split.docx")


@pytest.fixture
def criteria_docx(tmp_path: Path) -> Path:
    return build_criteria(tmp_path / "criteria.docx")
