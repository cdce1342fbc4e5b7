"""Text of Word runs as a reader sees it: symbol-font characters mapped, superscripts kept apart."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from docx.oxml.ns import qn
from lxml import etree

_SKIP_ANCESTORS = {
    qn("w:txbxContent"),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
}
_BREAKS = {
    qn("w:tab"): " ",
    qn("w:br"): " ",
    qn("w:cr"): " ",
    qn("w:noBreakHyphen"): "-",
    qn("w:softHyphen"): "",
}


@dataclass(frozen=True)
class RunText:
    text: str
    superscript: bool


@lru_cache(maxsize=1)
def symbol_font_map() -> dict[str, dict[int, str]]:
    """Font name (lower case) -> byte code -> Unicode character, from data/symbol_fonts.csv."""
    table: dict[str, dict[int, str]] = {}
    source = files("crfgen_core.ingest.docx").joinpath("data/symbol_fonts.csv")
    with source.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["font"].lower(), {})[int(row["code"], 16)] = chr(int(row["unicode"], 16))
    return table


def _map_symbol(text: str, font: str | None) -> str:
    mapping = symbol_font_map().get((font or "").lower())
    if not mapping:
        # Private-use F0xx with an unknown font: Word's Symbol font is by far the usual source.
        if not any(0xF000 <= ord(ch) <= 0xF0FF for ch in text):
            return text
        symbols = symbol_font_map()["symbol"]
        return "".join(symbols.get(ord(ch) & 0xFF, ch) if 0xF000 <= ord(ch) <= 0xF0FF else ch for ch in text)
    # Symbol fonts are addressed either as the byte itself or in the private-use range F0xx.
    return "".join(
        mapping.get(ord(ch) & 0xFF, ch) if ord(ch) < 0x100 or 0xF000 <= ord(ch) <= 0xF0FF else ch
        for ch in text
    )


def _run_font(run: etree._Element) -> str | None:
    rpr = run.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    if fonts is None:
        return None
    font = fonts.get(qn("w:ascii")) or fonts.get(qn("w:hAnsi"))
    return str(font) if font else None


def _is_superscript(run: etree._Element) -> bool:
    rpr = run.find(qn("w:rPr"))
    align = rpr.find(qn("w:vertAlign")) if rpr is not None else None
    return align is not None and align.get(qn("w:val")) == "superscript"


def _skipped(run: etree._Element, stop: etree._Element) -> bool:
    for ancestor in run.iterancestors():
        if ancestor is stop:
            return False
        if ancestor.tag in _SKIP_ANCESTORS:
            return True
    return False


def paragraph_runs(paragraph: etree._Element) -> list[RunText]:
    """Given a w:p element, return its runs' visible text in order (text boxes and fallbacks left out)."""
    out: list[RunText] = []
    for run in paragraph.iter(qn("w:r")):
        if _skipped(run, paragraph):
            continue
        font = _run_font(run)
        pieces: list[str] = []
        for child in run:
            if child.tag == qn("w:t"):
                pieces.append(_map_symbol(child.text or "", font))
            elif child.tag == qn("w:sym"):
                code = child.get(qn("w:char"), "")
                if code:
                    pieces.append(_map_symbol(chr(int(code, 16)), child.get(qn("w:font"))))
            elif child.tag in _BREAKS:
                pieces.append(_BREAKS[child.tag])
        if pieces:
            out.append(RunText("".join(pieces), _is_superscript(run)))
    return out


def paragraph_text(paragraph: etree._Element) -> str:
    """Given a w:p element, return its visible text, superscripts included."""
    return "".join(run.text for run in paragraph_runs(paragraph))
