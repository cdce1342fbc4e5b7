"""Glyphs pdfium's text page leaves out, read again with pdfplumber.

pdfium skips a text object whose box has no width. An invisible OCR text layer over a scan (a font without
glyph outlines, one text object per word) gives every one-letter word such a box: the ticks of a schedule,
the capital starting a title ("Schedule of ctivities"), a digit set apart. pdfplumber (pdfminer) reads
those objects from the content stream; it is slow, so only the page that lost glyphs is read with it, and
only the glyphs standing where pdfium found an empty text object are taken.
"""

from __future__ import annotations

import ctypes
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from pdfplumber.pdf import PDF

from crfgen_core.ingest.pdf.page_geometry import PdfChar, text_objects

Spot = tuple[float, float, float, float]  # an empty text object's box in PDF space: x0, y0, x1, y1
NO_WIDTH = 0.01  # pt: pdfium's own threshold for a text object too narrow to read
SPOT_SLACK = 1.0  # pt: a glyph's origin this close to an empty object's box is that object's glyph


def dropped_spots(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> list[Spot]:
    """Boxes of the page's invisible text objects without width that the text page holds no text for."""
    spots: list[Spot] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for obj in text_objects(page):
        if not pdfium_raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        if right.value - left.value >= NO_WIDTH or \
                pdfium_raw.FPDFTextObj_GetTextRenderMode(obj) != pdfium_raw.FPDF_TEXTRENDERMODE_INVISIBLE:
            continue  # a visible font draws outlines: an object without width holds a space, or nothing
        # the text as the text page holds it: a UTF-16 terminator alone (2 bytes) is none
        if pdfium_raw.FPDFTextObj_GetText(obj, textpage.raw, None, 0) <= 2:
            spots.append((left.value, bottom.value, right.value, top.value))
    return spots


def recovered_glyphs(document: PDF, index: int, spots: list[Spot]) -> list[PdfChar]:
    """Glyphs of page `index` (0-based) read by pdfplumber whose origin lies at one of `spots`."""
    if not spots:
        return []
    page = document.pages[index]
    try:
        if page.rotation:
            return []  # pdfminer turns a rotated page's coordinates; pdfium's stay as written
        mx, my = float(page.mediabox[0]), float(page.mediabox[1])
        return [glyph for char in page.chars
                if (glyph := _glyph(char, mx, my)) is not None and _at_spot(glyph, spots)]
    finally:
        page.close()  # its parsed objects are not needed again


def _glyph(char: dict[str, Any], mx: float, my: float) -> PdfChar | None:
    text = str(char.get("text", ""))
    if len(text) != 1 or not text.strip():
        return None
    a, b, _c, _d, e, f = (float(v) for v in char["matrix"])
    if a <= 0 or abs(b) > abs(a):
        return None  # upright glyphs only: a turned one-letter word is rare
    # pdfminer's space starts at the media box's corner, pdfium's is the PDF's own
    return PdfChar(text, float(char["x0"]) + mx, float(char["y0"]) + my, float(char["x1"]) + mx,
                   float(char["y1"]) + my, e + mx, f + my, float(char["size"]), (1, 0))


def _at_spot(glyph: PdfChar, spots: list[Spot]) -> bool:
    return any(x0 - SPOT_SLACK <= glyph.origin_x <= x1 + SPOT_SLACK
               and y0 - SPOT_SLACK <= glyph.origin_y <= y1 + SPOT_SLACK for x0, y0, x1, y1 in spots)
