"""Ruling lines of a page drawn in pixels (a scanned page, often with an invisible text layer on top), as
the same segments the vector reader gives: the table finder then needs no second algorithm.

A rule is a long thin run of dark pixels; a run as thick as a filled band (a redaction box, a black
header bar) is no rule and is left out, so it cannot cut a row in two.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image

from crfgen_core.ingest.pdf.page_geometry import Segment

DARK_LEVEL = 160  # grey value below which a pixel is ink (coloured rules included)
MIN_RULE_POINTS = 12.0  # a run shorter than this (pt) is a glyph stroke or a dash, not a rule
MAX_RULE_POINTS = 3.0  # a run thicker than this (pt) is a filled band, not a rule
BAND_LEVEL = 110  # grey below which ground is a dark band (a header bar printed light on dark)
BAND_INCHES = 1 / 8  # a band is dark on average this far around a pixel (print on paper is not)
BAND_RULE_CONTRAST = 12  # grey levels a rule on such a band differs from it (black on navy: 29 to 0)
ALIGN_PIXELS = 2  # runs on adjacent pixel rows whose ends lie this close are one rule's thickness

Ink = npt.NDArray[np.bool_]


def pixel_segments(picture: Image.Image, width: float, height: float) -> list[Segment]:
    """Given a page rendered upright (no page rotation) and its size in points, return its ruling
    segments in PDF coordinates (y up)."""
    ink: Ink = np.asarray(picture.convert("L")) < DARK_LEVEL
    return _segments(ink, ink, width / ink.shape[1], height)


def band_rule_segments(picture: Image.Image, width: float, height: float) -> list[Segment]:
    """Given a page rendered upright (before its dark bands are whitened) and its size in points, return
    the rules drawn on a dark header bar as segments in PDF coordinates (y up): thin long runs darker
    (or lighter) than the bar on both sides. Whitening turns the bar into paper and such rules with it,
    which would merge the header cells they divide ("<= 28 days | <= 7 days")."""
    grey = np.asarray(picture.convert("L")).astype(np.int16)
    scale = width / grey.shape[1]
    max_thick = max(int(MAX_RULE_POINTS / scale), 2)
    band = _dark_around(grey, max(int(BAND_INCHES * 72 / scale), 2))
    if not band.any():
        return []  # no dark band on the page
    across, along = _rule_on_band(grey, max_thick, 0) & band, _rule_on_band(grey, max_thick, 1) & band
    if not across.any() and not along.any():
        return []  # no dark band on the page
    return _segments(across, along, scale, height)


def _segments(across: Ink, along: Ink, scale: float, height: float) -> list[Segment]:
    """Return the horizontal rules of `across` and the vertical rules of `along` (pixel masks, `scale`
    points per pixel) as segments in PDF coordinates (y up)."""
    min_run = max(int(MIN_RULE_POINTS / scale), 3)
    max_thick = max(int(MAX_RULE_POINTS / scale), 2)
    segments: list[Segment] = []
    for y, x0, x1 in _rules(across, min_run, max_thick):
        top = height - (y + 0.5) * scale
        segments.append(Segment(x0 * scale, top, (x1 + 1) * scale, top))
    for x, y0, y1 in _rules(along.T, min_run, max_thick):
        left = (x + 0.5) * scale
        segments.append(Segment(left, height - (y1 + 1) * scale, left, height - y0 * scale))
    return segments


def _dark_around(grey: npt.NDArray[np.int16], reach: int) -> Ink:
    """Pixels whose surroundings (a square `reach` pixels each way) are dark on average: a filled band,
    not print on paper (turned header text has dark strokes on both sides of its gaps too)."""
    padded = np.pad(grey.astype(np.float64), reach + 1, mode="edge")
    total = padded.cumsum(0).cumsum(1)
    side = 2 * reach + 1
    window = total[side:, side:] - total[:-side, side:] - total[side:, :-side] + total[:-side, :-side]
    result: Ink = window[: grey.shape[0], : grey.shape[1]] / (side * side) < BAND_LEVEL
    return result


def _rule_on_band(grey: npt.NDArray[np.int16], reach: int, axis: int) -> Ink:
    """Pixels of a dark band that differ by BAND_RULE_CONTRAST, the same way, from the band `reach`
    pixels before and after them along `axis` (0: above and below, for a horizontal rule): a rule no
    thicker than `reach` has band on both sides."""
    before, after = np.full_like(grey, 255), np.full_like(grey, 255)
    if axis == 0:
        before[reach:], after[:-reach] = grey[:-reach], grey[reach:]
    else:
        before[:, reach:], after[:, :-reach] = grey[:, :-reach], grey[:, reach:]
    on_band = (before < BAND_LEVEL) & (after < BAND_LEVEL)
    darker = (np.minimum(before, after) - grey) >= BAND_RULE_CONTRAST
    lighter = (grey - np.maximum(before, after)) >= BAND_RULE_CONTRAST
    result: Ink = on_band & (darker | lighter)
    return result


def _rules(ink: Ink, min_run: int, max_thick: int) -> list[tuple[float, int, int]]:
    """Horizontal rules of an ink mask: (centre row, first column, last column) of each stack of long
    runs on adjacent rows no thicker than max_thick."""
    open_stacks: list[list[int]] = []  # first row, last row, x0, x1
    done: list[tuple[float, int, int]] = []
    for y, runs in enumerate(_long_runs(ink, min_run)):
        still_open: list[list[int]] = []
        for x0, x1 in runs:
            stack = next((s for s in open_stacks if s[1] == y - 1 and abs(s[2] - x0) <= ALIGN_PIXELS
                          and abs(s[3] - x1) <= ALIGN_PIXELS), None)
            if stack is None:
                still_open.append([y, y, x0, x1])
            else:
                open_stacks.remove(stack)
                stack[1], stack[2], stack[3] = y, min(stack[2], x0), max(stack[3], x1)
                still_open.append(stack)
        for stack in open_stacks:
            _close(stack, max_thick, done)
        open_stacks = still_open
    for stack in open_stacks:
        _close(stack, max_thick, done)
    return done


def _close(stack: list[int], max_thick: int, done: list[tuple[float, int, int]]) -> None:
    if stack[1] - stack[0] + 1 <= max_thick:
        done.append(((stack[0] + stack[1]) / 2, stack[2], stack[3]))


def _long_runs(ink: Ink, min_run: int) -> list[list[tuple[int, int]]]:
    """Per pixel row, the runs of ink at least min_run long as (first, last) columns."""
    padded = np.zeros((ink.shape[0], ink.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    edges = np.diff(padded, axis=1)
    result: list[list[tuple[int, int]]] = []
    for row in edges:
        starts = np.flatnonzero(row == 1)
        ends = np.flatnonzero(row == -1) - 1
        long = (ends - starts + 1) >= min_run
        result.append(list(zip(starts[long].tolist(), ends[long].tolist(), strict=True)))
    return result
