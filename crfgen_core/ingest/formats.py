"""The format readers behind one small interface, selected by format (docling style).

A reader opens a protocol file once and answers every question the extraction asks of it from that one
open document: SoA grids (fed to the one builder in crfgen_core.ingest.soa), body text lines, front-page
text, objectives and panels. Adding a format means adding a reader here, nothing in read_protocol.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from crfgen_core.ingest.docx.docx_reader import DocxReader
from crfgen_core.ingest.errors import UnsupportedFormatError
from crfgen_core.ingest.ocr.page_layer import TesseractPageReader
from crfgen_core.ingest.pdf.pdf_reader import PdfReader
from crfgen_core.ingest.soa.grid import SoaReading
from crfgen_core.ingest.text_lines import TextLine
from crfgen_core.model.protocol import Objective, Panel, ProtocolFormat


class OpenProtocol(Protocol):
    """One protocol file opened once; release it with close()."""

    @property
    def page_count(self) -> int | None: ...

    def soa_grids(self) -> SoaReading:
        """Candidate SoA grids in reading order (OCR'd ones marked), and what went wrong reading them."""
        ...

    def lines(self) -> list[TextLine]:
        """Body text lines (running headers and footers left out)."""
        ...

    def front_text(self) -> str:
        """The title-page text, for the metadata."""
        ...

    def objectives(self) -> list[Objective]: ...

    def panels(self, soa_pages: set[int]) -> list[Panel]:
        """Panel contents listed in the body; `soa_pages` (1-based) are left to the SoA."""
        ...

    def close(self) -> None: ...


class FormatReader(Protocol):
    def supported_formats(self) -> tuple[ProtocolFormat, ...]: ...

    def open(self, path: Path) -> OpenProtocol: ...


# scanned PDF pages are read by tesseract when it is on PATH (looked up per read; without it they are
# reported in a SOA_PAGES_NOT_READ warning)
READERS: tuple[FormatReader, ...] = (PdfReader(page_image_reader=TesseractPageReader()), DocxReader())


def supported_formats() -> list[ProtocolFormat]:
    """The formats some reader reads."""
    return [name for reader in READERS for name in reader.supported_formats()]


def reader_for(path: Path, file_format: ProtocolFormat) -> FormatReader:
    """The reader of a format; UnsupportedFormatError when none reads it."""
    for reader in READERS:
        if file_format in reader.supported_formats():
            return reader
    known = ", ".join(supported_formats())
    raise UnsupportedFormatError(path, f"no reader for {file_format} (supported: {known})")
