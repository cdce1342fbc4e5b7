"""Laboratory panels in DOCX tables: a label cell left of its tests, or a header row of panel names."""

from __future__ import annotations

from crfgen_core.ingest.docx.docx_content import DocxContent, DocxTable
from crfgen_core.ingest.panels.test_names import clean_tests, split_list
from crfgen_core.ingest.panels.vocabulary import Heading, match_heading
from crfgen_core.model.protocol import Panel

MARK_SHARE = 0.2  # a table with this share of lone marks (X) is a schedule, not a panel list
MIN_LAB_KINDS = 2  # a panel table names at least two laboratory panels (an abbreviation list does not)
MAX_UNSPLIT_WORDS = 6  # cell text keeps no paragraph breaks: a long run without commas is not one test
NON_LAB_KINDS = {"vital signs", "ecg"}
_MARKS = {"x", "✓", "✔", "●"}


def docx_table_panels(content: DocxContent) -> list[Panel]:
    """Given DOCX content, return the panels its laboratory tables list (no page numbers in DOCX)."""
    panels: list[Panel] = []
    for table in content.tables:
        if _is_schedule(table):
            continue
        panels.extend(_table_panels(table))
    return panels


def _is_schedule(table: DocxTable) -> bool:
    cells = [cell.text.strip().lower() for row in table.rows for cell in row if cell.text.strip()]
    return not cells or sum(text in _MARKS for text in cells) > MARK_SHARE * len(cells)


def _table_panels(table: DocxTable) -> list[Panel]:
    opened: list[tuple[Heading, list[str]]] = []
    columns: dict[int, tuple[Heading, list[str]]] = {}  # panels named in a header row, by grid column
    for row in table.rows:
        distinct = [cell for index, cell in enumerate(row) if index == cell.first_col]
        headings = [match_heading(cell.text) for cell in distinct]
        if sum(h is not None and bool(h.kind) for h in headings) >= 2:
            columns = {}
            for cell, heading in zip(distinct, headings, strict=True):
                if heading is not None and heading.kind:
                    columns[cell.first_col] = (heading, [])
                    opened.append(columns[cell.first_col])
            continue
        label = headings[0] if headings else None
        if label is not None and len(distinct) > 1:
            texts = list(dict.fromkeys(cell.text for cell in distinct[1:] if cell.text))
            columns = {}
            if label.kind:
                opened.append((label, texts))
            continue
        for cell in distinct:
            if cell.first_col in columns and cell.text:
                columns[cell.first_col][1].append(cell.text)
    if len({h.kind for h, _ in opened} - NON_LAB_KINDS) < MIN_LAB_KINDS:
        return []
    found = (_panel(h, texts, table.index) for h, texts in opened)
    return [panel for panel in found if panel is not None]


def _panel(heading: Heading, texts: list[str], table_index: int) -> Panel | None:
    names: list[str] = []
    for text in texts:
        first = text.split(". ")[0]  # what follows a sentence end in a cell is prose
        if "," in first:
            names.extend(split_list(first))
        elif len(first.split()) <= MAX_UNSPLIT_WORDS:
            names.append(first)
    tests = clean_tests(names)
    if not tests:
        return None
    # no pages in DOCX: the body-order table number is where a reviewer finds it
    return Panel(name=heading.name, tests=tests, source=f"laboratory table (table {table_index})")
