"""Text of a table cell from its glyphs, with superscript footnote markers taken apart.

A superscript is a glyph clearly smaller than the line it sits on and raised above its baseline;
a lowered small glyph (the 2 of PaO2) is a subscript and stays in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crfgen_core.ingest.pdf.ruled_tables import FrameChar

SMALL_GLYPH_RATIO = 0.85  # a glyph under this share of the line's font size is small
RAISED_SHARE = 0.12  # ... and raised if its baseline is this share of the size above the line's
WORD_GAP_SHARE = 0.3  # a gap wider than this share of the font size separates two words
MARKER_RUN = re.compile(r"^[A-Za-z0-9*†‡§¶#,\s]{1,8}$")


@dataclass(frozen=True)
class CellText:
    text: str
    markers: tuple[str, ...] = ()


def cell_text(chars: list[FrameChar]) -> CellText:
    """Given the glyphs inside one cell (frame coordinates), return its text and superscript markers."""
    text_lines: list[str] = []
    markers: list[str] = []
    for line in _lines(chars):
        main_size = max(c.size for c in line)
        main_baseline = max((c.baseline for c in line if c.size >= main_size * SMALL_GLYPH_RATIO),
                            default=line[0].baseline)
        parts: list[str] = []
        run: list[str] = []
        previous: FrameChar | None = None
        pending_space = False
        for char in sorted(line, key=lambda c: c.x0):
            if char.text == " ":
                pending_space = True
                continue
            raised = (char.size < main_size * SMALL_GLYPH_RATIO
                      and char.baseline < main_baseline - RAISED_SHARE * main_size)
            gap = pending_space or (previous is not None
                                    and char.x0 - previous.x1 > WORD_GAP_SHARE * max(char.size, 4.0))
            pending_space = False
            if raised:
                run.append((" " if gap and run else "") + char.text)
            else:
                if run:
                    _close_run(run, parts, markers)
                    run = []
                    gap = True
                parts.append((" " if gap and parts else "") + char.text)
            previous = char
        if run:
            _close_run(run, parts, markers)
        text_lines.append("".join(parts).strip())
    return CellText(" ".join(t for t in text_lines if t).strip(), tuple(dict.fromkeys(markers)))


def _close_run(run: list[str], parts: list[str], markers: list[str]) -> None:
    text = "".join(run).strip()
    if MARKER_RUN.match(text):
        markers.extend(m for m in re.split(r"[,\s]+", text) if m)
    else:  # a raised run that is not a marker list (e.g. an exponent) stays in the text
        parts.append(text)


def _lines(chars: list[FrameChar]) -> list[list[FrameChar]]:
    """Group glyphs into text lines by vertical overlap with the line's full-size glyphs."""
    lines: list[tuple[float, float, list[FrameChar]]] = []
    for char in sorted(chars, key=lambda c: (c.text == " ", -c.size, c.top)):
        for top, bottom, members in lines:
            overlap = min(bottom, char.bottom) - max(top, char.top)
            if overlap > 0.3 * min(bottom - top, char.bottom - char.top):
                members.append(char)
                break
        else:
            lines.append((char.top, char.bottom, [char]))
    lines.sort(key=lambda item: item[0])
    return [members for _, _, members in lines]
