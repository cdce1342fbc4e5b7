"""Fonts for the PDF renderer: the core fonts Word-made PDFs usually name (Helvetica/Arial, Times), and
DejaVu for glyphs the core fonts lack (✓, ●, superscript letters), embedded so the text layer keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEJAVU_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
               Path("/usr/local/share/fonts/dejavu"))
CORE = {"helvetica": ("Helvetica", "Helvetica-Bold"), "times": ("Times-Roman", "Times-Bold")}


@dataclass(frozen=True)
class FontSet:
    regular: str
    bold: str
    fallback: str | None  # for characters the core fonts cannot encode
    fallback_bold: str | None

    def face(self, bold: bool) -> str:
        return self.bold if bold else self.regular

    def segments(self, text: str, bold: bool) -> list[tuple[str, str]]:
        """Given text, return (piece, font) pieces: core-font text, and fallback-font runs for the rest."""
        main = self.face(bold)
        spare = (self.fallback_bold if bold else self.fallback) or main
        if main == spare:
            return [(text, main)] if text else []
        out: list[tuple[str, str]] = []
        for ch in text:
            font = main if _encodable(ch) else spare
            if out and out[-1][1] == font:
                out[-1] = (out[-1][0] + ch, font)
            else:
                out.append((ch, font))
        return out

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return sum(pdfmetrics.stringWidth(piece, font, size) for piece, font in self.segments(text, bold))


def _encodable(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=1)
def dejavu_available() -> bool:
    """Whether DejaVu Sans is installed (Debian: fonts-dejavu-core); without it the symbol and unicode
    marker options fall back to plain X and letters."""
    return _register_dejavu() is not None


@lru_cache(maxsize=1)
def _register_dejavu() -> tuple[str, str] | None:
    for folder in DEJAVU_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            return "DejaVuSans", "DejaVuSans-Bold"
    return None


def font_set(name: str) -> FontSet:
    dejavu = _register_dejavu()
    if name == "dejavu" and dejavu:
        return FontSet(dejavu[0], dejavu[1], None, None)
    regular, bold = CORE.get(name, CORE["helvetica"])
    return FontSet(regular, bold, dejavu[0] if dejavu else None, dejavu[1] if dejavu else None)
