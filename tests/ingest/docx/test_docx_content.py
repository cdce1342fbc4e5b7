from __future__ import annotations

from pathlib import Path

from crfgen_core.ingest.docx import read_docx
from crfgen_core.ingest.docx.docx_content import DocxParagraph


def test_merged_header_cell_applies_to_every_column_it_spans(soa_split_docx: Path) -> None:
    first = read_docx(soa_split_docx).tables[0]
    top = first.rows[0]
    assert [cell.text for cell in top] == ["Procedure", "Treatment", "Treatment", "Treatment", "Follow-up"]
    assert top[2].first_col == 1 and top[2].span == 3
    # the vMerged corner repeats its text in the row below and says it is a continuation
    assert first.rows[1][0].text == "Procedure" and first.rows[1][0].v_continued


def test_body_order_is_kept(soa_split_docx: Path) -> None:
    blocks = read_docx(soa_split_docx).blocks
    kinds = [
        type(block).__name__ for block in blocks if not (isinstance(block, DocxParagraph) and not block.text)
    ]
    assert kinds == ["DocxParagraph", "DocxTable", "DocxTable", "DocxParagraph"]


def test_auto_numbers_are_rebuilt_per_level(criteria_docx: Path) -> None:
    labelled = [p for p in read_docx(criteria_docx).paragraphs if p.list_label]
    labels = [(p.list_label.label, p.list_label.level) for p in labelled if p.list_label]
    assert labels == [("1.", 0), ("2.", 0), ("3.", 0), ("4.", 0), ("a)", 1), ("b)", 1), ("1.", 0), ("2.", 0)]


def test_headings_carry_their_level(criteria_docx: Path) -> None:
    headings = [(p.text, p.heading_level) for p in read_docx(criteria_docx).paragraphs if p.heading_level]
    assert headings == [("Inclusion Criteria", 2), ("Exclusion Criteria", 2), ("Study Intervention", 1)]
