"""Schedule of Activities tables in a PDF (walking-skeleton version: pdfplumber tables on titled pages)."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber

from crfgen_core.ingest.pdf.pdf_text import PdfText
from crfgen_core.model.protocol import Activity, ExtractionWarning, Schedule, ScheduleCell, Visit

SOA_TITLE = re.compile(r"schedule of (activities|assessments|events)|flow ?chart|study schedule", re.I)


def extract_pdf_schedules(path: Path, text: PdfText) -> tuple[list[Schedule], list[ExtractionWarning]]:
    """Given a PDF and its page texts, return the SoA tables found and warnings."""
    schedules: list[Schedule] = []
    candidate_pages = [i for i, page in enumerate(text.pages) if SOA_TITLE.search(page)]
    with pdfplumber.open(str(path)) as pdf:
        for index in candidate_pages:
            for table in pdf.pages[index].extract_tables():
                schedule = _table_to_schedule(table, f"S{len(schedules) + 1}", index + 1)
                if schedule is not None:
                    schedules.append(schedule)
    return schedules, []


def _table_to_schedule(table: list[list[str | None]], schedule_id: str, page: int) -> Schedule | None:
    if len(table) < 2 or len(table[0]) < 3:
        return None
    header = [(cell or "").strip() for cell in table[0]]
    visits = [Visit(id=f"V{i}", label=label, headers=[label]) for i, label in enumerate(header[1:], 1)]
    activities: list[Activity] = []
    cells: list[ScheduleCell] = []
    for row_index, row in enumerate(table[1:], 1):
        label = (row[0] or "").strip()
        marks = [(value or "").strip() for value in row[1:]]
        if not label or not any(marks):
            continue
        activity = Activity(id=f"A{len(activities) + 1}", label=label, page=page, row=row_index)
        activities.append(activity)
        for visit, mark in zip(visits, marks, strict=False):
            if mark:
                cells.append(ScheduleCell(activity=activity.id, visit=visit.id, text=mark))
    if not cells:
        return None
    return Schedule(
        id=schedule_id, title="Schedule of Activities", pages=[page], visits=visits,
        activities=activities, cells=cells,
    )
