"""The PDF format reader: one pypdfium2 document shared by the SoA grids, text lines, objectives and
panels of one read."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from crfgen_core.ingest.objectives import objectives_from_pdf
from crfgen_core.ingest.panels import extract_pdf_panels
from crfgen_core.ingest.pdf.pdf_document import OpenPdf
from crfgen_core.ingest.pdf.pdf_schedules import pdf_soa_grids
from crfgen_core.ingest.pdf.scanned_pages import PageImageReader
from crfgen_core.ingest.soa.grid import SoaReading
from crfgen_core.ingest.text_lines import TextLine, pdf_lines
from crfgen_core.model.protocol import Objective, Panel, ProtocolFormat

DEFAULT_FRONT_PAGES = 3


class PdfProtocol:
    def __init__(self, path: Path, page_image_reader: PageImageReader | None = None) -> None:
        self.pdf = OpenPdf(path)
        self.page_image_reader = page_image_reader

    @property
    def page_count(self) -> int | None:
        return self.pdf.page_count

    def soa_grids(self) -> SoaReading:
        return pdf_soa_grids(self.pdf, self.page_image_reader)

    def lines(self) -> list[TextLine]:
        return self._lines

    @cached_property
    def _lines(self) -> list[TextLine]:
        return pdf_lines(self.pdf.texts)

    def front_text(self) -> str:
        return "\n".join(line.text for line in self._lines if (line.page or 0) <= DEFAULT_FRONT_PAGES)

    def objectives(self) -> list[Objective]:
        return objectives_from_pdf(self.pdf, self._lines)

    def panels(self, soa_pages: set[int]) -> list[Panel]:
        return extract_pdf_panels(self.pdf, self._lines, soa_pages)

    def close(self) -> None:
        self.pdf.close()


class PdfReader:
    """`page_image_reader` reads pages that are pictures without text (OCR); without one they are
    reported in a SOA_PAGES_NOT_READ warning."""

    def __init__(self, page_image_reader: PageImageReader | None = None) -> None:
        self.page_image_reader = page_image_reader

    def supported_formats(self) -> tuple[ProtocolFormat, ...]:
        return ("pdf",)

    def open(self, path: Path) -> PdfProtocol:
        return PdfProtocol(path, self.page_image_reader)
