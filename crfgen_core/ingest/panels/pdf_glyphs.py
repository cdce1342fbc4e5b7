"""Upright glyphs of one PDF page with their boxes, baselines and sizes, taken from the page geometry the
open PDF reads once (crfgen_core.ingest.pdf.page_geometry): panel lists need only the text geometry."""

from __future__ import annotations

from dataclasses import dataclass

from crfgen_core.ingest.pdf.page_geometry import PdfChar


@dataclass(frozen=True)
class Glyph:
    """One upright character: box in PDF space (y up), baseline y, effective font size."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float


def upright_glyphs(chars: list[PdfChar]) -> list[Glyph]:
    """Given a page's glyphs, return its upright, visible ones (rotated text and spaces left out)."""
    return [Glyph(c.text, c.x0, c.x1, c.origin_y, c.size) for c in chars
            if c.direction == (1, 0) and c.text.strip()]
