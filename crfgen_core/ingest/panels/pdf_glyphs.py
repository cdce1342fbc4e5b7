"""Upright glyphs of one PDF page with their boxes, baselines and sizes, read with pypdfium2.

Panel lists need only the text geometry (no ruling lines), so this reads less than the SoA reader does.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

LINE_END_HYPHEN = 2  # pdfium reports a hyphen that ends a line as code 2


@dataclass(frozen=True)
class Glyph:
    """One upright character: box in PDF space (y up), baseline y, effective font size."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float


def page_glyphs(page: pdfium.PdfPage) -> list[Glyph]:
    """Given an open pdfium page, return its upright, visible glyphs (rotated text is left out)."""
    textpage = page.get_textpage()
    try:
        return _glyphs(textpage)
    finally:
        textpage.close()


def _glyphs(textpage: pdfium.PdfTextPage) -> list[Glyph]:
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    ox, oy = ctypes.c_double(), ctypes.c_double()
    matrix = pdfium_raw.FS_MATRIX()
    handle = textpage.raw
    glyphs: list[Glyph] = []
    for index in range(pdfium_raw.FPDFText_CountChars(handle)):
        code = pdfium_raw.FPDFText_GetUnicode(handle, index)
        if code == LINE_END_HYPHEN:
            code = ord("-")
        if code <= 32 or code in (0xFFFE, 0xFFFF):
            continue  # spaces and generated line breaks: words and lines are rebuilt from positions
        scale = 1.0
        if pdfium_raw.FPDFText_GetMatrix(handle, index, matrix):
            if abs(matrix.b) > abs(matrix.a) or matrix.a < 0:
                continue
            scale = math.hypot(matrix.c, matrix.d) or 1.0
        pdfium_raw.FPDFText_GetCharBox(handle, index, left, right, bottom, top)
        pdfium_raw.FPDFText_GetCharOrigin(handle, index, ox, oy)
        size = pdfium_raw.FPDFText_GetFontSize(handle, index) * scale
        glyphs.append(Glyph(chr(code), left.value, right.value, oy.value, size))
    return glyphs
