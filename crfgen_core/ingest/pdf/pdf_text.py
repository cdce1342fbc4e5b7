"""Full text of a PDF, page by page, with pypdfium2 (about 50x faster than pdfplumber's text)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from crfgen_core.ingest.errors import CorruptProtocolError, EncryptedProtocolError


@dataclass(frozen=True)
class PdfText:
    """Plain text of every page (index 0 = page 1)."""

    pages: list[str]

    @property
    def page_count(self) -> int:
        return len(self.pages)


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


def read_pdf_text(path: Path) -> PdfText:
    """Given a PDF path, return its page texts; raise a typed error for encrypted or damaged files."""
    pdf = open_pdf(path)
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return PdfText(pages=pages)
    finally:
        pdf.close()
