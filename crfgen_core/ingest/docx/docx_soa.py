"""Word tables to SoA grids: every body table becomes a plain grid (merged cells copied, superscripts
apart), titled by the caption or heading above it, with the footnote legend from the paragraphs below.
Which grid is a schedule, and how parts are stitched, is decided by crfgen_core.ingest.soa (as for PDF).

A document without a schedule table whose SoA is pasted as pictures is read by OCR, each picture as a
scanned PDF page is (crfgen_core.ingest.ocr.image_schedules): the pictures under a heading that names the
SoA, or every picture when no such heading holds one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crfgen_core.ingest.docx.docx_content import DocxBlock, DocxContent, DocxParagraph, DocxTable
from crfgen_core.ingest.ocr.image_schedules import Picture, read_image_grids
from crfgen_core.ingest.ocr.page_layer import TesseractPageReader
from crfgen_core.ingest.pdf.scanned_pages import MAX_OCR_PAGES_ENV, max_ocr_pages
from crfgen_core.ingest.soa.captions import is_caption, split_caption
from crfgen_core.ingest.soa.grid import GridCell, SoaGrid, SoaReading
from crfgen_core.ingest.soa.legend import LegendLine, grid_codes, read_legend
from crfgen_core.ingest.soa.vocabulary import soa_vocabulary
from crfgen_core.model.protocol import ExtractionWarning

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
                                     footnotes=legend.footnotes, legend=legend.codes,
                                     table=f"table {block.index}"))
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
    """The SoA as pictures, read by OCR: the pictures under a heading that names the SoA; when no such
    heading holds any, every section's pictures (up to the OCR picture limit), because the schedule may
    sit under a heading that does not name it ("Table 4" alone). A section read only for that reason and
    found to hold no schedule is a figure: it gives no warning of its own (NO_SOA_FOUND says it all)."""
    sections = _picture_sections(content.blocks)
    named = [section for section in sections if section.names_soa]
    reading = SoaReading()
    if named:
        for section in named:
            found = read_image_grids(section.pictures, where=f"the section '{section.heading}'",
                                     title=section.heading)
            reading.grids.extend(found.grids)
            reading.warnings.extend(found.warnings)
        return reading
    why = TesseractPageReader().unavailable()
    if why is not None:
        count = sum(len(section.pictures) for section in sections)
        if count:
            reading.warnings.append(ExtractionWarning(
                code="SOA_PICTURES_NOT_READ",
                message=f"{count} picture(s) were not read by OCR because {why}: a Schedule of Activities "
                        "among them must be entered by hand"))
        return reading
    budget = limit = max_ocr_pages()
    unread = 0
    for section in sections:
        pictures = section.pictures[:budget]
        budget -= len(pictures)
        unread += len(section.pictures) - len(pictures)
        if not pictures:
            continue
        where = f"the section '{section.heading}'" if section.heading else "the pictures before any heading"
        found = read_image_grids(pictures, where=where)
        if found.grids:
            reading.grids.extend(found.grids)
            reading.warnings.extend(found.warnings)
    if unread and not reading.grids:
        reading.warnings.append(ExtractionWarning(
            code="SOA_PICTURES_NOT_READ",
            message=f"{unread} picture(s) were not read by OCR, beyond the limit of {limit} "
                    f"({MAX_OCR_PAGES_ENV}): a Schedule of Activities among them must be entered by hand"))
    return reading


@dataclass
class _PictureSection:
    heading: str | None  # None: the pictures before the first heading
    names_soa: bool
    pictures: list[Picture] = field(default_factory=list)
    has_picture: bool = False  # a picture is drawn, even one whose image cannot be had (a linked file)


def _picture_sections(blocks: list[DocxBlock]) -> list[_PictureSection]:
    """The pictures of a document by the heading they are under, in body order, sections without
    pictures left out. A heading that names the SoA holds its subsections' pictures too (a later
    heading of a lower level does not end it); any other heading holds the pictures up to the next one."""
    sections: list[_PictureSection] = []
    current = _PictureSection(None, False)
    soa_level: int | None = None  # level of the SoA heading whose section runs on
    for block in blocks:
        if not isinstance(block, DocxParagraph):
            continue
        level = block.heading_level
        if level is not None and block.text and (soa_level is None or level <= soa_level):
            names = soa_vocabulary().is_title(block.text)
            soa_level = level if names else None
            sections.append(current)
            current = _PictureSection(block.text, names)
        current.pictures.extend((picture.data, picture.size) for picture in block.pictures)
        current.has_picture = current.has_picture or block.has_picture
    sections.append(current)
    return [section for section in sections if section.has_picture]
