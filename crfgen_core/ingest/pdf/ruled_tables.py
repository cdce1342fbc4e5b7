"""Ruled tables on a page: pdfplumber's lattice algorithms run on pdfium geometry, in the text's frame.

A frame is the page seen so that the table's text reads left to right (a landscape table printed on a
portrait page is turned). Every coordinate below is a frame coordinate: x grows along the reading
direction, y grows downward.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

from crfgen_core.ingest.pdf.page_geometry import Direction, PageGeometry, PdfChar

SNAP_TOLERANCE = 3.0
JOIN_TOLERANCE = 3.0
INTERSECTION_TOLERANCE = 3.0
MIN_EDGE_LENGTH = 3.0

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in the frame


@dataclass(frozen=True)
class FrameChar:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    baseline: float
    size: float


@dataclass(frozen=True)
class RuledTable:
    """Cell boxes of one table: `columns` and `rows` are the grid lines' starts, `cells` the real boxes."""

    bbox: Box
    columns: list[float]
    rows: list[float]
    cells: list[Box]


@dataclass(frozen=True)
class Frame:
    """Reading direction of the page's dominant text and the transform into it."""

    direction: Direction

    def point(self, x: float, y: float) -> tuple[float, float]:
        rx, ry = self.direction
        down_x, down_y = ry, -rx
        return x * rx + y * ry, x * down_x + y * down_y

    def box(self, x0: float, y0: float, x1: float, y1: float) -> Box:
        ax, ay = self.point(x0, y0)
        bx, by = self.point(x1, y1)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    def char(self, char: PdfChar) -> FrameChar:
        if self.direction == (1, 0):  # upright: y only flips (the common case, kept cheap)
            return FrameChar(char.text, char.x0, -char.y1, char.x1, -char.y0, -char.origin_y, char.size)
        x0, top, x1, bottom = self.box(char.x0, char.y0, char.x1, char.y1)
        _, baseline = self.point(char.origin_x, char.origin_y)
        return FrameChar(char.text, x0, top, x1, bottom, baseline, char.size)


def dominant_frame(geometry: PageGeometry) -> Frame:
    """Given a page, return the frame in which most of its characters read left to right."""
    counts = Counter(char.direction for char in geometry.chars)
    return Frame(counts.most_common(1)[0][0] if counts else (1, 0))


def find_ruled_tables(geometry: PageGeometry, frame: Frame) -> list[RuledTable]:
    """Given a page's ruling segments, return its ruled tables (frame coordinates), top to bottom."""
    edges: list[dict[str, Any]] = []
    for seg in geometry.segments:
        x0, top, x1, bottom = frame.box(seg.x0, seg.y0, seg.x1, seg.y1)
        horizontal = (x1 - x0) >= (bottom - top)
        if max(x1 - x0, bottom - top) < MIN_EDGE_LENGTH:
            continue
        if horizontal:
            top = bottom = (top + bottom) / 2
        else:
            x0 = x1 = (x0 + x1) / 2
        edges.append({"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                      "width": x1 - x0, "height": bottom - top, "orientation": "h" if horizontal else "v",
                      "object_type": "line"})
    if not edges:
        return []
    merged = merge_edges(edges, SNAP_TOLERANCE, SNAP_TOLERANCE, JOIN_TOLERANCE, JOIN_TOLERANCE)
    intersections = edges_to_intersections(merged, INTERSECTION_TOLERANCE, INTERSECTION_TOLERANCE)
    tables: list[RuledTable] = []
    for cells in cells_to_tables(intersections_to_cells(intersections)):
        boxes = [(float(c[0]), float(c[1]), float(c[2]), float(c[3])) for c in cells]
        bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))
        tables.append(RuledTable(bbox=bbox, columns=sorted({round(b[0], 1) for b in boxes}),
                                 rows=sorted({round(b[1], 1) for b in boxes}), cells=boxes))
    tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    return tables
