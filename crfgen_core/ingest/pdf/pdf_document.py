"""One open PDF per read: page texts, ruling segments and glyphs read once with pypdfium2 and cached, so
the SoA reader, objectives, panels and metadata share them (a protocol used to be opened 4-5 times).

Every page read through it first checks the running extraction deadline (running_deadline.py): a PDF
built to be slow (thousands of pages drawing one huge content stream) stops at the deadline, one page
late at most, instead of after the whole read. A single page inside PDFium is not interrupted."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import pdfplumber
import pypdfium2 as pdfium
from pdfplumber.pdf import PDF
from PIL import Image

from crfgen_core.ingest.errors import CorruptProtocolError, EncryptedProtocolError
from crfgen_core.ingest.pdf.dropped_glyphs import Spot, dropped_spots, recovered_glyphs
from crfgen_core.ingest.pdf.page_geometry import (
    PageGeometry,
    PdfChar,
    picture_cover,
    read_page_rules,
    with_chars,
)
from crfgen_core.ingest.running_deadline import check_running_deadline

POINTS_PER_INCH = 72.0


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Given a PDF path, return the open document; raise a typed error for encrypted or damaged files."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            reason = "the PDF is password-protected; send an unencrypted copy"
            raise EncryptedProtocolError(path, reason) from exc
        raise CorruptProtocolError(path, f"the PDF cannot be opened ({message})") from exc


class OpenPdf:
    """A PDF opened once: page texts (all, read on first use), rules and glyphs (per page, on demand).

    Use as a context manager; pages are 0-based indexes here, 1-based numbers everywhere else.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pdf = open_pdf(path)
        self._texts: list[str] | None = None
        self._rules: dict[int, PageGeometry] = {}
        self._geometry: dict[int, PageGeometry] = {}
        self._cover: dict[int, float] = {}
        self._plumber: PDF | None = None  # for glyphs pdfium leaves out; opened when needed

    def __enter__(self) -> OpenPdf:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._pdf.close()
        if self._plumber is not None:
            self._plumber.close()

    def _recover(self, index: int, spots: list[Spot]) -> list[PdfChar]:
        """The glyphs pdfium left out at `spots` of page `index`, read with pdfplumber."""
        if not spots:
            return []
        if self._plumber is None:
            self._plumber = pdfplumber.open(self.path)
        return recovered_glyphs(self._plumber, index, spots)

    @property
    def page_count(self) -> int:
        return len(self._pdf)

    @property
    def texts(self) -> list[str]:
        """Plain text of every page (index 0 = page 1), newlines normalised."""
        if self._texts is None:
            texts = []
            for index in range(len(self._pdf)):
                check_running_deadline(f"reading the text of {index} PDF pages")
                page = self._pdf[index]
                textpage = page.get_textpage()
                texts.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
                textpage.close()
                page.close()
            self._texts = texts
        return self._texts

    def rules(self, index: int) -> PageGeometry:
        """The page's size and ruling segments, without glyphs (the cheap first look)."""
        if index not in self._rules:
            check_running_deadline(f"reading the rules of PDF page {index + 1}")
            page = self._pdf[index]
            try:
                self._rules[index] = read_page_rules(page)
                self._cover[index] = picture_cover(page)
            finally:
                page.close()
        return self._rules[index]

    def geometry(self, index: int) -> PageGeometry:
        """The page's size, ruling segments and glyphs."""
        if index not in self._geometry:
            rules = self.rules(index)
            check_running_deadline(f"reading the glyphs of PDF page {index + 1}")
            page = self._pdf[index]
            try:
                self._geometry[index] = with_chars(rules, page, lambda page, textpage: self._recover(
                    index, dropped_spots(page, textpage)))
            finally:
                page.close()
        return self._geometry[index]

    def picture_cover(self, index: int) -> float:
        """The share of the page its largest picture covers (a scanned page: all of it)."""
        self.rules(index)
        return self._cover[index]

    def render(self, index: int, dpi: float) -> Image.Image:
        """The page rendered as a greyscale picture at `dpi`."""
        check_running_deadline(f"rendering PDF page {index + 1}")
        page = self._pdf[index]
        try:
            bitmap = page.render(scale=dpi / POINTS_PER_INCH, grayscale=True)
            try:
                picture: Image.Image = bitmap.to_pil().convert("L")
                return picture
            finally:
                bitmap.close()
        finally:
            page.close()
