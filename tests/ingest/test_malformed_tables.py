"""Every optional extractor survives malformed tables; one that fails anyway costs only itself.

Regression fixtures (built with python-docx in tmp_path): an empty table, single-cell rows, a fully
merged table and a table whose first row is empty, each under the headings the extractors look for.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from crfgen_core.ingest import reader
from crfgen_core.ingest.docx.docx_content import read_docx
from crfgen_core.ingest.docx.docx_reader import front_text
from crfgen_core.ingest.eligibility import extract_eligibility
from crfgen_core.ingest.metadata import extract_metadata
from crfgen_core.ingest.objectives import objectives_from_docx, objectives_from_rows, objectives_from_text
from crfgen_core.ingest.panels import extract_docx_panels
from crfgen_core.ingest.protocol_facts import extract_facts
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.ingest.text_lines import docx_lines

SOA_ROWS = [
    ["Procedure", "Screening", "Day 1", "Day 8", "Day 15"],
    ["Informed consent", "X", "", "", ""],
    ["Demographics", "X", "", "", ""],
    ["Medical history", "X", "", "", ""],
    ["Vital signs", "X", "X", "X", "X"],
    ["Hematology", "X", "X", "", "X"],
]


def _fill(table: docx.table.Table, rows: list[list[str]]) -> None:
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text


def _add_malformed(document: docx.document.Document, kind: str) -> None:
    if kind == "empty_table":
        document.add_table(rows=0, cols=0)
        document.add_table(rows=2, cols=3)  # cells present, all empty
    elif kind == "single_cell_rows":
        table = document.add_table(rows=4, cols=1)
        _fill(table, [["Primary objective"], [""], ["Hematology"], ["Inclusion Criteria"]])
    elif kind == "fully_merged":
        table = document.add_table(rows=3, cols=3)
        merged = table.cell(0, 0).merge(table.cell(2, 2))
        merged.text = "Objectives Endpoints Primary To assess the safety of drug X"
    elif kind == "empty_first_row":
        table = document.add_table(rows=4, cols=2)
        _fill(table, [["", ""], ["Primary", ""], ["To assess the efficacy of drug X", "HbA1c at week 26"],
                      ["Hematology", "Hemoglobin, Platelets"]])


MALFORMED = ["empty_table", "single_cell_rows", "fully_merged", "empty_first_row"]


def _protocol(path: Path, kind: str) -> Path:
    document = docx.Document()
    document.add_paragraph("Protocol Number: ABC-123")
    _add_malformed(document, kind)  # on the title page: metadata reads it
    document.add_heading("Objectives and Endpoints", level=1)
    _add_malformed(document, kind)
    document.add_heading("Inclusion Criteria", level=1)
    _add_malformed(document, kind)
    document.add_heading("Clinical Laboratory Tests", level=1)
    document.add_paragraph("Haematology includes haemoglobin and platelet count.")
    _add_malformed(document, kind)
    document.add_heading("Schedule of Activities", level=1)
    _fill(document.add_table(rows=len(SOA_ROWS), cols=len(SOA_ROWS[0])), SOA_ROWS)
    document.save(str(path))
    return path


@pytest.mark.parametrize("kind", MALFORMED)
def test_every_extractor_reads_a_malformed_table_without_a_traceback(tmp_path: Path, kind: str) -> None:
    content = read_docx(_protocol(tmp_path / f"{kind}.docx", kind))
    lines = docx_lines(content)
    extract_metadata(front_text(content))
    objectives_from_docx(content)
    objectives_from_text(lines)
    extract_docx_panels(content)
    extract_eligibility(lines)
    extract_facts(lines)
    for table in content.tables:
        objectives_from_rows(table.texts())


@pytest.mark.parametrize(
    "rows", [[], [[]], [[], ["Primary", "x"]], [[""]], [["only one cell"]], [["a"], ["b", "c", "d"]]]
)
def test_objectives_from_rows_takes_any_row_shape(rows: list[list[str]]) -> None:
    objectives_from_rows(rows)


@pytest.mark.parametrize("kind", MALFORMED)
def test_read_protocol_keeps_the_soa_and_warns_of_nothing_broken(tmp_path: Path, kind: str) -> None:
    parsed = read_protocol(_protocol(tmp_path / f"{kind}.docx", kind))
    assert len(parsed.schedules[0].activities) == len(SOA_ROWS) - 1
    assert "EXTRACTOR_FAILED" not in {w.code for w in parsed.warnings}, parsed.warnings


def _raise_index_error(*_: object) -> list[object]:
    raise IndexError("list index out of range")


@pytest.mark.parametrize(
    ("name", "patch"),
    [
        ("objectives", lambda mp: mp.setattr(
            "crfgen_core.ingest.docx.docx_reader.objectives_from_docx", _raise_index_error)),
        ("panels", lambda mp: mp.setattr(
            "crfgen_core.ingest.docx.docx_reader.extract_docx_panels", _raise_index_error)),
        ("metadata", lambda mp: mp.setattr(reader, "extract_metadata", _raise_index_error)),
        ("eligibility", lambda mp: mp.setattr(reader, "extract_eligibility", _raise_index_error)),
        ("facts", lambda mp: mp.setattr(reader, "extract_facts", _raise_index_error)),
    ],
)
def test_an_extractor_that_raises_becomes_a_warning_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, patch: Callable[[pytest.MonkeyPatch], None]
) -> None:
    patch(monkeypatch)
    parsed = read_protocol(_protocol(tmp_path / "p.docx", "empty_first_row"))
    failed = [w for w in parsed.warnings if w.code == "EXTRACTOR_FAILED"]
    assert [w.message for w in failed] == [f"{name}: IndexError list index out of range"]
    assert len(parsed.schedules[0].activities) == len(SOA_ROWS) - 1, "the SoA still comes out"
