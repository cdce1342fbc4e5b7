"""Schedule of Activities tables in a PDF: candidate pages from the text, ruled grids from geometry,
rebuilt and stitched by crfgen_core.ingest.soa."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from crfgen_core.ingest.errors import CorruptProtocolError, EncryptedProtocolError
from crfgen_core.ingest.pdf.cell_text import cell_text
from crfgen_core.ingest.pdf.page_finder import candidate_pages, footnote_texts, page_title
from crfgen_core.ingest.pdf.page_geometry import read_page_geometry
from crfgen_core.ingest.pdf.pdf_text import PdfText
from crfgen_core.ingest.pdf.ruled_tables import FrameChar, RuledTable, dominant_frame, find_ruled_tables
from crfgen_core.ingest.soa import GridCell, SoaGrid, build_schedules
from crfgen_core.model.protocol import ExtractionWarning, Schedule

GRID_TOLERANCE = 1.5  # pt: cell edges closer than this are the same grid line


def extract_pdf_schedules(path: Path, text: PdfText) -> tuple[list[Schedule], list[ExtractionWarning]]:
    """Given a PDF and its page texts, return the SoA tables found and warnings."""
    pages = candidate_pages(text.pages)
    if not pages:
        return [], []
    warnings: list[ExtractionWarning] = []
    grids: list[SoaGrid] = []
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            reason = "the PDF is password-protected; send an unencrypted copy"
            raise EncryptedProtocolError(path, reason) from exc
        raise CorruptProtocolError(path, f"the PDF cannot be opened ({exc})") from exc
    try:
        for index in pages:
            try:
                grids.extend(_page_grids(pdf, index, text.pages[index]))
            except Exception as exc:  # one damaged page must not lose the others
                warnings.append(ExtractionWarning(
                    code="SOA_PAGE_UNREADABLE", page=index + 1,
                    message=f"page {index + 1} could not be read as a table ({type(exc).__name__}: {exc})"))
    finally:
        pdf.close()
    return build_schedules(grids), warnings


def _page_grids(pdf: pdfium.PdfDocument, index: int, page_text: str) -> list[SoaGrid]:
    page = pdf[index]
    try:
        geometry = read_page_geometry(page)
    finally:
        page.close()
    frame = dominant_frame(geometry)
    tables = find_ruled_tables(geometry, frame)
    if not tables:
        return []
    chars = [frame.char(c) for c in geometry.chars if c.direction == frame.direction]
    title, continued = page_title(page_text)
    grids: list[SoaGrid] = []
    for table in tables:
        rows = _grid_rows(table, chars)
        if len(rows) < 2 or len(rows[0]) < 3:
            continue
        markers = {m for row in rows for cell in row for m in cell.markers}
        markers.update(_trailing_letters(rows))
        grids.append(SoaGrid(rows=rows, page=index + 1, title=title, continued=continued,
                             footnotes=footnote_texts(page_text, markers)))
    return grids


def _trailing_letters(rows: list[list[GridCell]]) -> set[str]:
    return {cell.text[-1] for row in rows for cell in row[1:]
            if len(cell.text) == 2 and cell.text[0] in "xX" and cell.text[1].isalpha()}


def _lines(values: list[float]) -> list[float]:
    merged: list[float] = []
    for value in sorted(values):
        if not merged or value - merged[-1] > GRID_TOLERANCE:
            merged.append(value)
    return merged


def _index(lines: list[float], value: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - value))


def _grid_rows(table: RuledTable, chars: list[FrameChar]) -> list[list[GridCell]]:
    """Given a ruled table and the page's glyphs, return its rows of cells, merged cells copied across."""
    columns = _lines([c[0] for c in table.cells])
    rows = _lines([c[1] for c in table.cells])
    x0, top, x1, bottom = table.bbox
    inside = [c for c in chars if x0 <= (c.x0 + c.x1) / 2 <= x1 and top <= (c.top + c.bottom) / 2 <= bottom]
    grid = [[GridCell() for _ in columns] for _ in rows]
    for box in sorted(table.cells, key=lambda b: (b[1], b[0])):
        r, c = _index(rows, box[1]), _index(columns, box[0])
        c_end = max(c + 1, sum(1 for x in columns if x < box[2] - GRID_TOLERANCE))
        glyphs = [ch for ch in inside if box[0] <= (ch.x0 + ch.x1) / 2 <= box[2]
                  and box[1] <= (ch.top + ch.bottom) / 2 <= box[3]]
        content = cell_text(glyphs) if glyphs else None
        if content is None:
            continue
        grid[r][c] = GridCell(content.text, content.markers)
        for k in range(c + 1, c_end):
            grid[r][k] = GridCell(content.text, content.markers, span_copy=True)
    return grid
