"""Word tables to SoA grids: every body table becomes a plain grid (merged cells copied, superscripts
apart), titled by the caption or heading above it, with the footnote legend from the paragraphs below.
Which grid is a schedule, and how parts are stitched, is decided by crfgen_core.ingest.soa (as for PDF).

A section whose heading names the SoA and that holds pictures instead of a table is read by OCR, each
picture as a scanned PDF page is (crfgen_core.ingest.ocr.image_schedules).
"""

from __future__ import annotations

from crfgen_core.ingest.docx.docx_content import DocxContent, DocxParagraph, DocxTable
from crfgen_core.ingest.ocr.image_schedules import Picture, read_image_grids
from crfgen_core.ingest.soa.captions import is_caption, split_caption
from crfgen_core.ingest.soa.grid import GridCell, SoaGrid, SoaReading
from crfgen_core.ingest.soa.legend import LegendLine, grid_codes, read_legend
from crfgen_core.ingest.soa.vocabulary import soa_vocabulary

MAX_LEGEND_PARAGRAPHS = 40  # paragraphs read for footnotes after a table (until a heading or a table)
MAX_TITLE_LENGTH = 200  # characters: a longer paragraph is body text, not a caption


def docx_soa_grids(content: DocxContent) -> SoaReading:
    """Given DOCX content, return its tables as candidate SoA grids in body order."""
    reading = SoaReading()
    title: str | None = None
    continued = False
    for position, block in enumerate(content.blocks):
        if isinstance(block, DocxParagraph):
            if block.text and (block.heading_level is not None or _is_title(block.text)):
                title, continued = split_caption(block.text) if _is_title(block.text) else (block.text, False)
            continue
        rows = _rows(block)
        if len(rows) < 2 or len(rows[0]) < 3:
            continue
        markers = {m for row in rows for cell in row for m in cell.markers}
        legend = read_legend(_legend_lines(content, position), markers, grid_codes(rows))
        reading.grids.append(SoaGrid(rows=rows, title=title, continued=continued,
                                     footnotes=legend.footnotes, legend=legend.codes))
    if not reading.grids or not any(_has_tick(grid) for grid in reading.grids):
        pictured = _picture_grids(content)
        reading.grids.extend(pictured.grids)
        reading.warnings.extend(pictured.warnings)
    return reading


def _is_title(text: str) -> bool:
    return len(text) <= MAX_TITLE_LENGTH and is_caption(text)


def _rows(table: DocxTable) -> list[list[GridCell]]:
    """Word's grid with merged cells as the PDF reader gives them: text in the first grid column and row
    of the merge, copies (span_copy) in the others."""
    return [[GridCell(cell.text, cell.markers, span_copy=column != cell.first_col or cell.v_continued)
             for column, cell in enumerate(row)] for row in table.rows]


def _legend_lines(content: DocxContent, position: int) -> list[LegendLine]:
    """The paragraphs after a table up to the next table or heading: where its footnotes are printed."""
    lines: list[LegendLine] = []
    for block in content.blocks[position + 1: position + 1 + MAX_LEGEND_PARAGRAPHS]:
        if isinstance(block, DocxTable) or block.heading_level is not None:
            break
        if block.text:
            lines.append(LegendLine(block.text, block.lead))
    return lines


def _has_tick(grid: SoaGrid) -> bool:
    vocab = soa_vocabulary()
    return any(vocab.is_tick(cell.text) for row in grid.rows for cell in row[1:])


def _picture_grids(content: DocxContent) -> SoaReading:
    """An SoA heading followed by pictures and no schedule table: the SoA is an image, read by OCR."""
    reading = SoaReading()
    blocks = content.blocks
    for index, block in enumerate(blocks):
        if not (isinstance(block, DocxParagraph) and block.heading_level
                and soa_vocabulary().is_title(block.text)):
            continue
        pictures: list[Picture] = []
        has_picture = False
        for following in blocks[index + 1:]:
            if isinstance(following, DocxParagraph):
                if following.heading_level is not None and following.heading_level <= block.heading_level:
                    break
                has_picture = has_picture or following.has_picture
                pictures.extend((picture.data, picture.size) for picture in following.pictures)
        if has_picture:
            found = read_image_grids(pictures, where=f"the section '{block.text}'", title=block.text)
            reading.grids.extend(found.grids)
            reading.warnings.extend(found.warnings)
    return reading
