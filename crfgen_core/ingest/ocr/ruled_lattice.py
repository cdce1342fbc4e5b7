"""The ruling of a table in a raster image: long straight ink runs become rules, rules become a lattice.

Pure numpy over a grey image (0 = black). A horizontal rule is a row of ink at least a share of the image
wide; a vertical rule is a column of ink at least a share of the table's height. Where a rule is missing
between two lattice cells (a merged cell), `has_vertical_separator` / `has_horizontal_separator` say so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Ink = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class RulingSettings:
    """Tunables of rule detection; the defaults suit tables rendered at 72-300 dpi."""

    dark_level: int = 160  # grey value below which a pixel is ink (coloured rules included)
    min_horizontal_share: float = 0.25  # of the image width
    min_vertical_share: float = 0.4  # of the table height (header rows may merge cells across a rule)
    gap_tolerance: int = 2  # anti-aliasing gaps bridged inside a rule, pixels
    min_separator_share: float = 0.6  # share of a cell side a rule must cover to separate two cells
    min_rows: int = 2
    min_columns: int = 3


@dataclass(frozen=True)
class Rule:
    """A rule's position across its direction: first and last pixel of its thickness."""

    start: int
    end: int


@dataclass(frozen=True)
class Lattice:
    """Rules of one table, top to bottom and left to right; cell (r, c) lies between rules r, r + 1
    and c, c + 1."""

    horizontal: list[Rule]
    vertical: list[Rule]
    ink: Ink

    @property
    def rows(self) -> int:
        return len(self.horizontal) - 1

    @property
    def columns(self) -> int:
        return len(self.vertical) - 1

    def row_span(self, row: int) -> tuple[int, int]:
        """Pixel rows inside lattice row `row` (rules excluded)."""
        return self.horizontal[row].end + 1, self.horizontal[row + 1].start

    def column_span(self, column: int) -> tuple[int, int]:
        return self.vertical[column].end + 1, self.vertical[column + 1].start

    def has_vertical_separator(self, row: int, rule: int, settings: RulingSettings) -> bool:
        """Whether vertical rule `rule` is drawn along lattice row `row` (else the two cells are merged)."""
        top, bottom = self.row_span(row)
        band = self.ink[top:bottom, max(self.vertical[rule].start - 1, 0): self.vertical[rule].end + 2]
        return bool(band.size) and float(band.any(axis=1).mean()) >= settings.min_separator_share

    def has_horizontal_separator(self, rule: int, column: int, settings: RulingSettings) -> bool:
        left, right = self.column_span(column)
        band = self.ink[max(self.horizontal[rule].start - 1, 0): self.horizontal[rule].end + 2, left:right]
        return bool(band.size) and float(band.any(axis=0).mean()) >= settings.min_separator_share


def find_lattice(grey: npt.NDArray[np.uint8], settings: RulingSettings | None = None) -> Lattice | None:
    """Given a grey image, return the lattice of its ruled table, or None when it holds no ruled grid."""
    settings = settings or RulingSettings()
    ink = grey < settings.dark_level
    width = ink.shape[1]
    row_runs = _longest_runs(_bridge(ink, settings.gap_tolerance))
    horizontal = _group(np.flatnonzero(row_runs >= settings.min_horizontal_share * width))
    if len(horizontal) < settings.min_rows + 1:
        return None
    top, bottom = horizontal[0].start, horizontal[-1].end + 1
    column_runs = _longest_runs(_bridge(ink[top:bottom].T, settings.gap_tolerance))
    vertical = _group(np.flatnonzero(column_runs >= settings.min_vertical_share * (bottom - top)))
    if len(vertical) < settings.min_columns + 1:
        return None
    left, right = vertical[0].start, vertical[-1].end
    # a horizontal rule outside the vertical rules' reach (a title underline) is not part of the table
    horizontal = [rule for rule in horizontal if _reaches(ink, rule, left, right)]
    if len(horizontal) < settings.min_rows + 1:
        return None
    return Lattice(horizontal=horizontal, vertical=vertical, ink=ink)


def _reaches(ink: Ink, rule: Rule, left: int, right: int) -> bool:
    band = ink[rule.start: rule.end + 1, left: right + 1].any(axis=0)
    return bool(band.size) and float(band.mean()) >= 0.5


def _bridge(ink: Ink, gap: int) -> Ink:
    """Fill gaps of up to `gap` pixels along each row (ink within `gap` on both sides)."""
    if gap <= 0:
        return ink
    height, width = ink.shape
    counts = np.zeros((height, width + 2 * gap + 2), dtype=np.int32)
    counts[:, gap + 1: gap + 1 + width] = ink
    counts = np.cumsum(counts, axis=1)  # counts[:, k] = ink in padded columns <= k
    index = np.arange(width) + gap + 1  # padded position of column j
    before = counts[:, index - 1] - counts[:, index - gap - 1]
    after = counts[:, index + gap] - counts[:, index]
    bridged: Ink = ink | ((before > 0) & (after > 0))
    return bridged


def _longest_runs(ink: Ink) -> npt.NDArray[np.int64]:
    """Length of the longest run of ink in each row."""
    height, width = ink.shape
    if width == 0:
        return np.zeros(height, dtype=np.int64)
    positions = np.arange(width)
    last_gap = np.maximum.accumulate(np.where(ink, -1, positions), axis=1)
    runs = np.where(ink, positions - last_gap, 0)
    result: npt.NDArray[np.int64] = runs.max(axis=1).astype(np.int64)
    return result


def _group(indexes: npt.NDArray[np.intp]) -> list[Rule]:
    """Adjacent pixel rows (or columns) of one thick rule become one Rule."""
    rules: list[Rule] = []
    for index in indexes.tolist():
        if rules and index <= rules[-1].end + 1:
            rules[-1] = Rule(rules[-1].start, index)
        else:
            rules.append(Rule(index, index))
    return rules
