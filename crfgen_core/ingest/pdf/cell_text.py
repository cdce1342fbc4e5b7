"""Text of a table cell, or of lines under a table, from its glyphs, with superscript footnote markers
taken apart (GlyphLine: one line of glyphs; not the body-text TextLine of ingest/text_lines.py).

A superscript is a glyph clearly smaller than the line it sits on and raised above its baseline;
a lowered small glyph (the 2 of PaO2) is a subscript and stays in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crfgen_core.ingest.pdf.ruled_tables import FrameChar

SMALL_GLYPH_RATIO = 0.85  # a glyph under this share of the line's font size is small
RAISED_SHARE = 0.12  # ... and raised if its baseline is this share of the size above the line's
HIGH_RAISE_SHARE = 0.3  # raised this far, a glyph is a superscript even at full size
WORD_GAP_SHARE = 0.3  # a gap wider than this share of the font size separates two words
SAME_LINE_SHARE = 0.5  # baselines closer than this share of the font size are one line
MARKER_RUN = re.compile(r"^[A-Za-z0-9*†‡§¶#,\s]{1,8}$")


@dataclass(frozen=True)
class CellText:
    text: str
    markers: tuple[str, ...] = ()


@dataclass(frozen=True)
class GlyphLine:
    """One line of glyphs: its text without superscript markers, the markers, where it sits."""

    text: str
    markers: tuple[str, ...]
    lead: tuple[str, ...]  # markers raised before any text of the line (a legend's "ᵃ Fasting ...")
    x0: float
    baseline: float
    size: float


def cell_text(chars: list[FrameChar], written_spaces: bool = False) -> CellText:
    """Given the glyphs inside one cell (frame coordinates), return its text and superscript markers."""
    lines = text_lines(chars, written_spaces)
    markers = [m for line in lines for m in line.markers]
    return CellText(_join_lines([line.text for line in lines]), tuple(dict.fromkeys(markers)))


def text_lines(chars: list[FrameChar], written_spaces: bool = False) -> list[GlyphLine]:
    """Given glyphs (frame coordinates), return their text lines top to bottom.

    Words are split at spaces and wide gaps; with `written_spaces` (an OCR text layer over a scan, which
    spreads fixed-width glyphs over each word's box and writes one text object per word) at every change
    of text object instead.
    """
    result: list[GlyphLine] = []
    for line in glyph_lines(chars):
        main_size = max(c.size for c in line)
        main_baseline = max((c.baseline for c in line if c.size >= main_size * SMALL_GLYPH_RATIO),
                            default=line[0].baseline)
        parts: list[str] = []
        markers: list[str] = []
        lead: tuple[str, ...] = ()
        run: list[str] = []
        previous: FrameChar | None = None
        pending_space = False
        # by centre: a generated space may start past the next glyph
        for char in sorted(line, key=lambda c: c.x0 + c.x1):
            if char.text == " ":
                pending_space = True
                continue
            lift = main_baseline - char.baseline
            # small and raised, or raised high at full size (a text rise without a smaller font)
            raised = ((char.size < main_size * SMALL_GLYPH_RATIO and lift > RAISED_SHARE * main_size)
                      or lift > HIGH_RAISE_SHARE * main_size)
            if written_spaces:
                gap = pending_space
            else:
                gap = pending_space or (previous is not None
                                        and char.x0 - previous.x1 > WORD_GAP_SHARE * max(char.size, 4.0))
            pending_space = False
            if raised:
                run.append((" " if gap and run else "") + char.text)
            else:
                if run:
                    _close_run(run, parts, markers)
                    if not parts:
                        lead = tuple(markers)
                    run = []
                    gap = True
                parts.append((" " if gap and parts else "") + char.text)
            previous = char
        if run:
            _close_run(run, parts, markers)
        visible = [c for c in line if c.text != " "] or line
        result.append(GlyphLine("".join(parts).strip(), tuple(markers), lead, min(c.x0 for c in visible),
                               main_baseline, main_size))
    return result


def _join_lines(lines: list[str]) -> str:
    """Lines of a cell joined by spaces, except after a hyphen that breaks a word (Follicle-/stimulating)."""
    text = ""
    for line in (t for t in lines if t):
        glue = "" if not text or (text.endswith("-") and text[-2:-1].isalpha()) else " "
        text += glue + line
    return text.strip()


def _close_run(run: list[str], parts: list[str], markers: list[str]) -> None:
    text = "".join(run).strip()
    if MARKER_RUN.match(text):
        markers.extend(m for m in re.split(r"[,\s]+", text) if m)
    else:  # a raised run that is not a marker list (e.g. an exponent) stays in the text
        parts.append(text)


def glyph_lines(chars: list[FrameChar]) -> list[list[FrameChar]]:
    """Group glyphs into text lines by baseline: glyph boxes are tight (an x-height letter's box hardly
    overlaps a raised marker's), baselines are not; superscripts and subscripts join their line."""
    lines: list[tuple[float, float, list[FrameChar]]] = []  # baseline, size of the line's largest glyph
    for char in sorted(chars, key=lambda c: (c.text == " ", -c.size, c.baseline)):
        near = [members for baseline, size, members in lines
                if abs(char.baseline - baseline) <= SAME_LINE_SHARE * size]
        if len(near) > 1:
            # a raised marker between two lines (a label's second line, a mark centred beside it) goes
            # with the glyphs it stands beside
            near.sort(key=lambda members: _horizontal_distance(char, members))
        if near:
            near[0].append(char)
        else:
            lines.append((char.baseline, char.size, [char]))
    lines.sort(key=lambda item: item[0])
    return [members for _, _, members in lines]


def _horizontal_distance(char: FrameChar, members: list[FrameChar]) -> float:
    """How far a glyph stands from the nearest of a line's glyphs, left to right (0 when they overlap)."""
    return min(max(0.0, char.x0 - m.x1, m.x0 - char.x1) for m in members)
