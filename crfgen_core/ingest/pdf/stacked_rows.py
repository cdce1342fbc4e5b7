"""Several activities stacked in one ruled row: the label cell holds two or more lines, each starting a
name of its own (no lower-case or bracket start, no bracket left open), broken on purpose (the next line's
first word would have fit on it; or, in a table without padding, set at the pitch of its one-line rows
with a line stopping well short of the cell's edge), and every mark of the row stands level with one of
the lines. Such a row is one row per line, each line with the marks level with it. A label wrapped
because it is long, or marks centred between the lines, keep the row whole.
"""

from __future__ import annotations

import itertools
import statistics

from crfgen_core.ingest.pdf.cell_text import cell_text, glyph_lines
from crfgen_core.ingest.pdf.ruled_tables import FrameChar
from crfgen_core.ingest.soa.grid import GridCell
from crfgen_core.ingest.soa.vocabulary import soa_vocabulary

WORD_GAP_SHARE = 0.3  # font sizes: a wider gap between glyphs separates two words
SPACE_SHARE = 0.25  # font sizes: the width of the space a wrapped word would have needed
LEVEL_SHARE = 0.3  # font sizes: a mark whose middle is this close to a line's middle stands level with it
SHORT_SHARE = 0.75  # of the text area: a line ending before this was broken on purpose
ROW_PITCH_SLACK = 0.15  # share: a row this close to n single-line rows tall holds n rows' lines
BRACKETS = {"(": ")", "[": "]"}

Slots = dict[tuple[int, int], list[FrameChar]]


def split_stacked_rows(grid: list[list[GridCell]], buckets: Slots, columns: list[float], borders: list[float],
                       written_spaces: bool) -> list[list[GridCell]]:
    """Given a ruled table's rows, its glyphs by grid slot (row, column), the column starts and the row
    borders (top of each row, then the table's bottom), return the rows with stacked activity rows split
    one per line."""
    if len(columns) < 2:
        return grid
    vocab = soa_vocabulary()
    heights = [b - a for a, b in itertools.pairwise(borders)]
    single = [h for r, h in enumerate(heights) if len(_lines(buckets.get((r, 0), []))) == 1]
    pitch = statistics.median(single) if single else 0.0
    result: list[list[GridCell]] = []
    for r, row in enumerate(grid):
        below = grid[r + 1] if r + 1 < len(grid) else []
        merged = any(c.span_copy for c in row) or any(c.span_copy and c.text for c in below[:1])
        lines = _label_lines(buckets.get((r, 0), []))
        if lines is not None and not _deliberate(lines, columns[0], columns[1]) and not (
                pitch and abs(heights[r] / len(lines) - pitch) <= ROW_PITCH_SLACK * pitch
                and _short(lines, columns[0], columns[1])):
            lines = None  # wrapped: lines filling the cell, or set closer than separate rows would be
        ticked = any(vocab.is_tick(c.text) for c in row[1:])
        parts = None if merged or not ticked or lines is None else _level_parts(buckets, r, len(row), lines)
        if lines is None or parts is None:
            result.append(row)
            continue
        for k, line in enumerate(lines):
            label = cell_text(line, written_spaces)
            cells = [GridCell(label.text, label.markers, activity=True)]
            for column in range(1, len(row)):
                glyphs = parts.get((k, column), [])
                content = cell_text(glyphs, written_spaces) if glyphs else None
                cells.append(GridCell(content.text, content.markers) if content else GridCell())
            result.append(cells)
    return result


def _lines(glyphs: list[FrameChar]) -> list[list[FrameChar]]:
    """The glyph lines of a cell, spaces kept, left to right; lines of spaces only left out."""
    lines = [sorted(line, key=lambda g: g.x0) for line in glyph_lines(glyphs)]
    return [line for line in lines if any(g.text.strip() for g in line)]


def _label_lines(glyphs: list[FrameChar]) -> list[list[FrameChar]] | None:
    """The label's lines when they may be stacked names (two or more, each starting a name: no lower-case
    or bracket start, no bracket left open), else None."""
    lines = _lines(glyphs)
    if len(lines) < 2:
        return None
    for line in lines:
        text = "".join(g.text for g in line).strip()
        if not (text[0].isupper() or text[0].isdigit()) or _open_bracket(text):
            return None
    return lines


def _deliberate(lines: list[list[FrameChar]], cell_left: float, cell_right: float) -> bool:
    """Whether each line was broken on purpose: the next line's first word would have fit on it (the text
    area is the cell less the padding its label keeps on the left, on both sides)."""
    padding = max(0.0, min(g.x0 for line in lines for g in line if g.text.strip()) - cell_left)
    for upper, lower in itertools.pairwise(lines):
        word = _first_word(lower)
        end = max(g.x1 for g in upper if g.text.strip())
        needed = word[-1].x1 - word[0].x0 + SPACE_SHARE * upper[0].size
        if end + needed > cell_right - padding:
            return False  # the word did not fit: the label may have wrapped
    return True


def _short(lines: list[list[FrameChar]], cell_left: float, cell_right: float) -> bool:
    """Whether a line above the last stops well short of the cell's text area: a label wraps only where
    the next word does not fit, so its lines fill the cell nearly to the edge; a line ending a quarter of
    the cell earlier was broken on purpose."""
    start = min(g.x0 for line in lines for g in line if g.text.strip())
    area = cell_right - (start - cell_left) - start
    ends = [max(g.x1 for g in line if g.text.strip()) for line in lines[:-1]]
    return area > 0 and any(end - start <= SHORT_SHARE * area for end in ends)


def _first_word(line: list[FrameChar]) -> list[FrameChar]:
    visible = [g for g in line if g.text.strip()]
    word = [visible[0]]
    for glyph in line[line.index(visible[0]) + 1:]:
        if not glyph.text.strip() or glyph.x0 - word[-1].x1 > WORD_GAP_SHARE * glyph.size:
            break
        word.append(glyph)
    return word


def _open_bracket(text: str) -> bool:
    """Whether a line leaves a bracket open (its sentence goes on on the next line)."""
    return any(text.count(opening) > text.count(closing) for opening, closing in BRACKETS.items())


def _level_parts(buckets: Slots, r: int, width: int, lines: list[list[FrameChar]]
                 ) -> dict[tuple[int, int], list[FrameChar]] | None:
    """The glyphs of each other cell of row r by the label line they stand level with, or None when one
    stands level with none (a mark centred across the row)."""
    middles = [statistics.mean((g.top + g.bottom) / 2 for g in line if g.text.strip()) for line in lines]
    size = max(g.size for line in lines for g in line)
    parts: dict[tuple[int, int], list[FrameChar]] = {}
    for column in range(1, width):
        for glyph in buckets.get((r, column), []):
            if not glyph.text.strip():
                continue
            middle = (glyph.top + glyph.bottom) / 2
            k = min(range(len(lines)), key=lambda n: abs(middles[n] - middle))
            if abs(middles[k] - middle) > LEVEL_SHARE * size:
                return None
            parts.setdefault((k, column), []).append(glyph)
    return parts
