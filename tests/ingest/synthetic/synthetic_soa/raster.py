"""Scanned pages: rasterise chosen pages of a PDF (pypdfium2) and put the pictures back as pages with no
text layer (reportlab drawImage); the other pages keep their text (imported unchanged). Also the pages as
PNG pictures, for a Word document whose schedule is pasted in as pictures."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas


def rasterize(source: Path, target: Path, pages: set[int], dpi: int = 150) -> None:
    """Given a PDF, write `target` where the 1-based `pages` are pictures only (as a scan is)."""
    pdf = pdfium.PdfDocument(str(source))
    images_pdf = io.BytesIO()
    try:
        canvas = Canvas(images_pdf, invariant=1)
        order: list[int] = []
        for number in sorted(pages):
            page = pdf[number - 1]
            width, height = page.get_size()
            if page.get_rotation() in (90, 270):
                width, height = height, width
            bitmap = page.render(scale=dpi / 72, grayscale=True, may_draw_forms=False)
            image = bitmap.to_pil()
            page.close()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=False)
            buffer.seek(0)
            canvas.setPageSize((width, height))
            canvas.drawImage(ImageReader(buffer), 0, 0, width, height)
            canvas.showPage()
            order.append(number)
        canvas.save()
        scans = pdfium.PdfDocument(images_pdf.getvalue())
        out = pdfium.PdfDocument.new()
        for number in range(1, len(pdf) + 1):
            if number in pages:
                out.import_pages(scans, [order.index(number)])
            else:
                out.import_pages(pdf, [number - 1])
        out.save(str(target))
        out.close()
        scans.close()
    finally:
        pdf.close()


def page_pictures(source: Path, dpi: int = 150) -> list[bytes]:
    """Given a PDF, return each page as a PNG picture (as pasted into a Word document)."""
    pdf = pdfium.PdfDocument(str(source))
    try:
        pictures = []
        for index in range(len(pdf)):
            page = pdf[index]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            page.close()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            pictures.append(buffer.getvalue())
        return pictures
    finally:
        pdf.close()
