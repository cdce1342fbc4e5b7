"""Lineage to the page on real corpus protocols: every event, form and item names the page(s) and table
cell(s) or text span it was read from (a DOCX: its Word table or paragraph), or the standard it follows."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign, Item
from crfgen_core.model.protocol import ParsedProtocol
from crfgen_core.review.keys import activity_keys, schedule_keys, visit_keys
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

pytestmark = pytest.mark.shared

KEYNOTE = Path("merck_nct02564263_keynote181") / "NCT02564263_KEYNOTE-181_Protocol.pdf"
SANOFI_DOCX = Path("sanofi_nct03637764_oncology") / "Sanofi_NCT03637764_Oncology_protocol.docx"
MIN_LOCATED_SHARE = 0.95


def _design(path: Path) -> CRFDesign:
    return design_crf(read_protocol(path), load_bundled_ct(), load_bundled_standards())


def _items(design: CRFDesign) -> list[Item]:
    return [i for f in design.forms for g in f.item_groups for i in g.items]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]{3,}", text.lower())


@pytest.fixture(scope="module")
def keynote_parsed(corpus_dir: Path) -> ParsedProtocol:
    return read_protocol(corpus_dir / KEYNOTE)


@pytest.fixture(scope="module")
def keynote(keynote_parsed: ParsedProtocol) -> CRFDesign:
    return design_crf(keynote_parsed, load_bundled_ct(), load_bundled_standards())


@pytest.fixture(scope="module")
def sanofi_docx(corpus_dir: Path) -> CRFDesign:
    return _design(corpus_dir / SANOFI_DOCX)


def test_protocol_items_name_their_page_and_cell_standard_items_their_standard(keynote: CRFDesign) -> None:
    items = _items(keynote)
    from_protocol = [i for i in items if i.provenance and i.provenance.source != "standard_form"]
    located = [i for i in from_protocol if i.provenance and i.provenance.pages]
    assert len(from_protocol) > 300
    assert len(located) >= MIN_LOCATED_SHARE * len(from_protocol)
    for item in located:
        provenance = item.provenance
        assert provenance is not None and provenance.page == provenance.pages[0]
        assert provenance.cells or provenance.span is not None, item.oid
    standard = [i for i in items if i.provenance and i.provenance.source == "standard_form"]
    assert all(i.provenance and i.provenance.standard for i in standard)
    assert all(i.provenance is not None for i in items)


def test_soa_rows_and_cells_are_on_the_pages_they_name(keynote: CRFDesign, corpus_dir: Path) -> None:
    """Independent check: the words of each activity label are in the text pdfplumber (not the project's
    pdfium reader) finds on the page the row names."""
    pages = sorted({p for place in keynote.schedule_places for p in place.pages})
    with pdfplumber.open(corpus_dir / KEYNOTE) as pdf:
        texts = {p: set(_words(pdf.pages[p - 1].extract_text() or "")) for p in pages}
    rows = [row for place in keynote.schedule_places for row in place.rows]
    assert len(rows) > 100
    found = 0
    for place in keynote.schedule_places:
        assert place.pages and set(place.pages) >= {p for row in place.rows for p in row.pages}
        for row in place.rows:
            assert row.pages, row.label
            words = set(_words(row.label))
            printed = set().union(*(texts[p] for p in row.pages))
            # a footnote marker runs into the word it marks ('Differentialh'): a label word begins a page word
            found += bool(words) and all(any(w.startswith(word) for w in printed) for word in words)
            assert all(cell.page in place.pages for cell in row.cells), row.label
    assert found >= 0.97 * len(rows)


def test_events_name_their_column_and_items_of_a_lab_row_their_row(keynote: CRFDesign) -> None:
    soa_events = [e for e in keynote.events if e.type != "Common"]
    for event in soa_events:
        for provenance in event.provenance:
            assert provenance.pages and provenance.cells[0].visit_label, event.oid
    hgb = next(i for i in _items(keynote) if i.name == "LBORRES" and i.test_code == "HGB")
    assert hgb.provenance is not None and hgb.provenance.source == "soa"
    place = next(s for s in keynote.schedule_places if s.schedule_id == hgb.provenance.schedule_id)
    row = next(r for r in place.rows if r.activity_id == hgb.provenance.activity_id)
    assert row.label == hgb.provenance.activity_label and row.pages == hgb.provenance.pages


def test_criteria_quote_their_text_on_their_page(keynote: CRFDesign) -> None:
    criteria = [i for i in _items(keynote) if i.provenance and i.provenance.source == "eligibility"]
    assert len(criteria) > 10
    for item in criteria:
        assert item.provenance is not None and item.provenance.span is not None
        assert item.provenance.pages and item.provenance.span.page == item.provenance.page
        assert _words(item.question)[:3] == _words(item.provenance.span.text)[:3]


def test_docx_records_name_their_word_table_or_paragraph(sanofi_docx: CRFDesign) -> None:
    items = _items(sanofi_docx)
    from_protocol = [i for i in items if i.provenance and i.provenance.source != "standard_form"]
    located = [i for i in from_protocol if i.provenance and i.provenance.locator]
    assert len(located) >= MIN_LOCATED_SHARE * len(from_protocol)
    assert not [i for i in items if i.provenance and i.provenance.pages]  # a DOCX has no pages
    soa = [i.provenance for i in located if i.provenance and i.provenance.source == "soa"]
    assert soa and all(re.fullmatch(r"table \d+", p.locator or "") for p in soa)
    places = sanofi_docx.schedule_places
    assert places and all(place.tables and not place.pages for place in places)
    criteria = [i.provenance for i in located if i.provenance and i.provenance.source == "eligibility"]
    assert criteria and all(p.span and p.span.paragraph for p in criteria)


def test_the_schedule_map_holds_each_table_row_and_column_correction_key(
    keynote: CRFDesign, keynote_parsed: ParsedProtocol
) -> None:
    """The review page reads correction keys from the package alone: the map must hold the keys
    review/keys.py gives the parsed tables, one distinct key per row and per column."""
    schedules = {s.id: s for s in keynote_parsed.schedules}
    tables = schedule_keys(keynote_parsed)
    assert len(keynote.schedule_places) == len(schedules) > 1
    for place in keynote.schedule_places:
        schedule = schedules[place.schedule_id]
        assert place.key == tables[place.schedule_id]
        rows = {row.activity_id: row.key for row in place.rows}
        columns = {column.visit_id: column.key for column in place.columns}
        assert rows == activity_keys(schedule) and len(set(rows.values())) == len(rows)
        assert columns == visit_keys(schedule) and len(set(columns.values())) == len(columns)
    assert len(set(tables.values())) == len(tables)
