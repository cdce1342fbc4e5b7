"""Characters and ruling lines of one PDF page, read with pypdfium2.

pdfplumber's own page parsing costs 0.3-0.5 s per dense SoA page (pdfminer in Python); a 17-page flow
chart would then blow the speed budget. pdfium reads the same geometry in a few milliseconds, and the
lattice algorithms of pdfplumber are reused on it (see ruled_tables.py).
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

Direction = tuple[int, int]  # reading direction in PDF space (y up): (1, 0) upright, (0, 1) reads upward

LINE_END_HYPHEN = 2  # pdfium reports a hyphen that ends a line as code 2
RULE_THICKNESS = 3.0  # a path thinner than this (pt) is a ruling line, not a filled area


@dataclass(frozen=True)
class PdfChar:
    """One glyph: PDF coordinates (y up), baseline origin, effective font size, reading direction."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    origin_x: float
    origin_y: float
    size: float
    direction: Direction
    generated: bool = False  # a space pdfium inferred from a gap, not one the PDF writes


@dataclass(frozen=True)
class Segment:
    """An axis-aligned ruling segment in PDF coordinates."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class PageGeometry:
    width: float
    height: float
    chars: list[PdfChar]
    segments: list[Segment]


def read_page_rules(page: pdfium.PdfPage) -> PageGeometry:
    """Given an open pdfium page, return its ruling segments only (no glyphs): the cheap first look."""
    width, height = page.get_size()
    return PageGeometry(width=width, height=height, chars=[], segments=_read_segments(page))


def with_chars(geometry: PageGeometry, page: pdfium.PdfPage,
               recover: Callable[[pdfium.PdfPage, pdfium.PdfTextPage], list[PdfChar]] | None = None
               ) -> PageGeometry:
    """Given a page's rules and the open page, return the geometry with its glyphs added; `recover` gives
    the glyphs pdfium's text page left out."""
    textpage = page.get_textpage()
    try:
        chars = _read_chars(textpage)
        if recover is not None:
            chars.extend(recover(page, textpage))
    finally:
        textpage.close()
    return PageGeometry(width=geometry.width, height=geometry.height, chars=chars, segments=geometry.segments)


def _read_chars(textpage: pdfium.PdfTextPage) -> list[PdfChar]:
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    ox, oy = ctypes.c_double(), ctypes.c_double()
    matrix = pdfium_raw.FS_MATRIX()
    chars: list[PdfChar] = []
    handle = textpage.raw
    for index in range(pdfium_raw.FPDFText_CountChars(handle)):
        code = pdfium_raw.FPDFText_GetUnicode(handle, index)
        if code == LINE_END_HYPHEN:
            code = ord("-")
        if code < 32 or code in (0xFFFE, 0xFFFF):
            continue  # line breaks pdfium generates: lines are rebuilt from positions
        pdfium_raw.FPDFText_GetCharBox(handle, index, left, right, bottom, top)
        pdfium_raw.FPDFText_GetCharOrigin(handle, index, ox, oy)
        scale = 1.0
        direction: Direction = (1, 0)
        if pdfium_raw.FPDFText_GetMatrix(handle, index, matrix):
            scale = math.hypot(matrix.c, matrix.d) or 1.0
            direction = _direction(matrix.a, matrix.b)
        size = pdfium_raw.FPDFText_GetFontSize(handle, index) * scale
        generated = code == 32 and pdfium_raw.FPDFText_IsGenerated(handle, index) == 1
        chars.append(PdfChar(chr(code), left.value, bottom.value, right.value, top.value,
                             ox.value, oy.value, size, direction, generated))
    return chars


def _direction(a: float, b: float) -> Direction:
    if abs(a) >= abs(b):
        return (1, 0) if a >= 0 else (-1, 0)
    return (0, 1) if b > 0 else (0, -1)


def _read_segments(page: pdfium.PdfPage) -> list[Segment]:
    """Thin filled rectangles and stroked lines become segments; larger rectangles give their 4 sides,
    except a shading that lies inside another shading (Word's per-line text highlight in a shaded cell)."""
    segments: list[Segment] = []
    boxes: list[tuple[float, float, float, float, bool]] = []  # larger rectangles, fill-only flag
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for obj in _path_objects(page):
        if not pdfium_raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
        w, h = x1 - x0, y1 - y0
        if w < RULE_THICKNESS and h < RULE_THICKNESS:
            continue
        if w < RULE_THICKNESS:
            xm = (x0 + x1) / 2
            segments.append(Segment(xm, y0, xm, y1))
        elif h < RULE_THICKNESS:
            ym = (y0 + y1) / 2
            segments.append(Segment(x0, ym, x1, ym))
        elif pdfium_raw.FPDFPath_CountSegments(obj) <= 6:  # a plain rectangle: its outline
            pdfium_raw.FPDFPath_GetDrawMode(obj, fill, stroke)
            boxes.append((x0, y0, x1, y1, bool(fill.value) and not stroke.value))
    shadings = [b for b in boxes if b[4]]
    for x0, y0, x1, y1, fill_only in boxes:
        if fill_only and any(_inside((x0, y0, x1, y1), other) for other in shadings):
            continue
        segments.extend([Segment(x0, y0, x1, y0), Segment(x0, y1, x1, y1),
                         Segment(x0, y0, x0, y1), Segment(x1, y0, x1, y1)])
    return segments


def picture_cover(page: pdfium.PdfPage) -> float:
    """Given an open pdfium page, return the share of its area its largest picture covers (0 without any;
    a scanned page is one picture covering it all)."""
    width, height = page.get_size()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    best = 0.0
    for obj in _objects(page, pdfium_raw.FPDF_PAGEOBJ_IMAGE):
        if pdfium_raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            area = max(right.value - left.value, 0.0) * max(top.value - bottom.value, 0.0)
            best = max(best, area / (width * height) if width * height else 0.0)
    return min(best, 1.0)


def _path_objects(page: pdfium.PdfPage) -> Iterator[Any]:
    return _objects(page, pdfium_raw.FPDF_PAGEOBJ_PATH)


def text_objects(page: pdfium.PdfPage) -> Iterator[Any]:
    """Raw text objects of the page (and of its form XObjects, one level down)."""
    return _objects(page, pdfium_raw.FPDF_PAGEOBJ_TEXT)


def _objects(page: pdfium.PdfPage, wanted: int) -> Iterator[Any]:
    """Raw path objects of the page and of the form XObjects on it (one level down), without pypdfium2's
    per-object helper wrappers (their cost dominated reading a dense page's rules)."""
    handle = page.raw
    for index in range(pdfium_raw.FPDFPage_CountObjects(handle)):
        obj = pdfium_raw.FPDFPage_GetObject(handle, index)
        kind = pdfium_raw.FPDFPageObj_GetType(obj)
        if kind == wanted:
            yield obj
        elif kind == pdfium_raw.FPDF_PAGEOBJ_FORM:
            for inner in range(pdfium_raw.FPDFFormObj_CountObjects(obj)):
                child = pdfium_raw.FPDFFormObj_GetObject(obj, inner)
                if pdfium_raw.FPDFPageObj_GetType(child) == wanted:
                    yield child


def _inside(box: tuple[float, float, float, float], other: tuple[float, float, float, float, bool]) -> bool:
    """Whether box lies within other (0.5 pt slack) and is strictly smaller."""
    slack = 0.5
    return (other[0] - slack <= box[0] and other[1] - slack <= box[1] and box[2] <= other[2] + slack
            and box[3] <= other[3] + slack
            and (box[2] - box[0]) * (box[3] - box[1]) < (other[2] - other[0]) * (other[3] - other[1]) - 1.0)
