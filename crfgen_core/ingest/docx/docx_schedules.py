"""Schedule of Activities tables in a DOCX (walking-skeleton version: tables with a mark grid)."""

from __future__ import annotations

from crfgen_core.ingest.docx.docx_content import DocxContent
from crfgen_core.model.protocol import Activity, ExtractionWarning, Schedule, ScheduleCell, Visit

MARKS = {"x", "X", "P", "p"}


def extract_docx_schedules(content: DocxContent) -> tuple[list[Schedule], list[ExtractionWarning]]:
    """Given DOCX content, return the tables whose grid looks like an SoA (first row visits, marks)."""
    schedules: list[Schedule] = []
    for table in content.tables:
        if len(table) < 2 or len(table[0]) < 3:
            continue
        marks = sum(1 for row in table[1:] for value in row[1:] if value in MARKS)
        if marks < 3:
            continue
        schedule_id = f"S{len(schedules) + 1}"
        visits = [Visit(id=f"V{i}", label=label, headers=[label]) for i, label in enumerate(table[0][1:], 1)]
        activities: list[Activity] = []
        cells: list[ScheduleCell] = []
        for row_index, row in enumerate(table[1:], 1):
            if not row[0] or not any(row[1:]):
                continue
            activity = Activity(id=f"A{len(activities) + 1}", label=row[0], row=row_index)
            activities.append(activity)
            for visit, value in zip(visits, row[1:], strict=False):
                if value:
                    cells.append(ScheduleCell(activity=activity.id, visit=visit.id, text=value))
        schedules.append(
            Schedule(id=schedule_id, title="Schedule of Activities", visits=visits, activities=activities,
                     cells=cells)
        )
    return schedules, []
