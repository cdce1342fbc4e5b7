"""Format-independent SoA table rebuilding over plain grids (used by the PDF and DOCX readers).

Build `SoaGrid`s (rows of `GridCell`, all rows equally long, merged cells copied across with
`span_copy=True`, superscript markers already in `GridCell.markers`) and call `build_schedules`.
"""

from crfgen_core.ingest.soa.grid import GridCell, SoaGrid
from crfgen_core.ingest.soa.schedule_builder import build_schedules

__all__ = ["GridCell", "SoaGrid", "build_schedules"]
