"""PDF pages that are pictures without a text layer (scans): the reader interface an OCR page reader plugs
into, and the warning when none is plugged in (such pages are never dropped silently).

A page with an OCR text layer is no scan here: its glyphs are read like any other page's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from PIL import Image

from crfgen_core.ingest.pdf.pdf_document import OpenPdf
from crfgen_core.ingest.soa.grid import SoaGrid, SoaReading
from crfgen_core.model.protocol import ExtractionWarning

OCR_DPI = 200.0  # table print of 7-9 pt reads well from about this resolution


class PageImageReader(Protocol):
    """Reads the SoA grids of one rendered page: `page` is 1-based; the grids come back in reading order
    (their `page`, `ocr` fields are set by the caller)."""

    def __call__(self, image: Image.Image, page: int) -> list[SoaGrid]: ...


def scanned_pages(pdf: OpenPdf) -> list[int]:
    """0-based indexes of the pages that draw pictures and have no text layer."""
    return [index for index, text in enumerate(pdf.texts)
            if not text.strip() and pdf.picture_cover(index) > 0]


def read_scanned_pages(pdf: OpenPdf, pages: list[int], reader: PageImageReader | None) -> SoaReading:
    """The grids an OCR page reader finds on scanned pages, or a warning naming the pages unread."""
    if not pages:
        return SoaReading()
    numbers = ", ".join(str(index + 1) for index in pages)
    if reader is None:
        return SoaReading(warnings=[ExtractionWarning(
            code="SOA_PAGES_NOT_READ", page=pages[0] + 1,
            message=f"pages {numbers} are pictures without a text layer and were not read (no OCR page "
                    "reader is available): a Schedule of Activities there must be entered by hand")])
    reading = SoaReading()
    for index in pages:
        found = reader(pdf.render(index, OCR_DPI), index + 1)
        reading.grids.extend(replace(grid, page=index + 1, ocr=True) for grid in found)
    if reading.grids:
        read = ", ".join(str(p) for p in sorted({g.page for g in reading.grids if g.page}))
        reading.warnings.append(ExtractionWarning(
            code="SOA_FROM_OCR", page=pages[0] + 1,
            message=f"Schedule of Activities cells on pages {read} were read from pixels by OCR: labels, "
                    "headers and marks may be misread and need review against the protocol"))
    return reading
