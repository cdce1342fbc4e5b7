"""Where in the protocol each design record was read: provenance places for SoA rows, visit columns,
criteria and panel lists, and the schedule-to-page map (the package's soa_pages.json)."""

from __future__ import annotations

from crfgen_core.model.design import Provenance
from crfgen_core.model.lineage import (
    ScheduleCellPlace,
    ScheduleColumnPlace,
    SchedulePlace,
    ScheduleRowPlace,
    SourceCell,
    TextSpan,
)
from crfgen_core.model.protocol import Activity, Criterion, Mention, Panel, ParsedProtocol, Schedule, Visit
from crfgen_core.review.keys import activity_keys, schedule_keys, visit_keys

SPAN_CHARS = 160  # a quoted span is enough to find the passage, not a copy of it


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SPAN_CHARS else flat[: SPAN_CHARS - 1] + "…"


def column_name(visit: Visit) -> str:
    """A visit column as a reader finds it: its header cells top to bottom ('Treatment Cycles / 2'), since
    the label alone may be a spanning period cell several columns share."""
    headers = [" ".join(h.split()) for h in visit.headers if h.strip()]
    return " / ".join(dict.fromkeys(headers)) or visit.label


def at_activity(base: Provenance, schedule: Schedule, activity: Activity) -> Provenance:
    """Given provenance, return it placed at an SoA activity row: its pages (or Word table), label cell."""
    pages = activity.pages or ([activity.page] if activity.page else [])
    return base.model_copy(update={
        "page": pages[0] if pages else None,
        "pages": pages,
        "locator": activity.table,
        "cells": [
            SourceCell(
                schedule_id=schedule.id,
                activity_label=activity.label,
                page=pages[0] if pages else None,
                table=activity.table,
            )
        ],
    })


def at_visit(base: Provenance, schedule: Schedule, visit: Visit) -> Provenance:
    """Given provenance, return it placed at an SoA visit column: the pages it runs over, header cell."""
    pages = visit.pages or schedule.pages
    table = schedule.tables[0] if schedule.tables else None
    return base.model_copy(update={
        "page": pages[0] if pages else None,
        "pages": pages,
        "locator": table,
        "cells": [
            SourceCell(
                schedule_id=schedule.id,
                visit_label=column_name(visit),
                page=pages[0] if pages else None,
                table=table,
            )
        ],
    })


def _at_statement(
    base: Provenance, label: str, page: int | None, paragraph: int | None, text: str
) -> Provenance:
    """Given provenance, return it placed at one statement of the text: its PDF page or DOCX paragraph."""
    return base.model_copy(update={
        "activity_label": label,
        "page": page,
        "pages": [page] if page else [],
        "locator": f"paragraph {paragraph}" if paragraph else None,
        "span": TextSpan(text=_quote(text), page=page, paragraph=paragraph),
    })


def at_criterion(base: Provenance, criterion: Criterion) -> Provenance:
    """Given provenance, return it placed at an eligibility criterion: its page (or DOCX paragraph), text."""
    return _at_statement(base, criterion.number, criterion.page, criterion.paragraph, criterion.text)


def at_mention(base: Provenance, mention: Mention) -> Provenance:
    """Given provenance, return it placed at a body-text statement (a study drug named, a standard cited)."""
    placed = _at_statement(base, mention.key, mention.page, mention.paragraph, mention.text)
    return placed.model_copy(update={"source": "protocol_text"})


def at_panel(base: Provenance, panel: Panel) -> Provenance:
    """Given provenance, return it placed at a protocol panel list: its page (or Word table), the list."""
    listed = _quote(f"{panel.name}: {', '.join(panel.tests)}")
    locator = None
    if panel.paragraph:
        locator = f"paragraph {panel.paragraph}"
    elif panel.page is None and panel.source and "table " in panel.source:
        locator = panel.source  # DOCX: 'laboratory table (table 12)'
    return base.model_copy(
        update={
            "source": "protocol_appendix",
            "activity_label": panel.name,
            "page": panel.page,
            "pages": [panel.page] if panel.page else [],
            "locator": locator,
            "span": TextSpan(text=listed, page=panel.page, paragraph=panel.paragraph),
        }
    )


def schedule_places(parsed: ParsedProtocol) -> list[SchedulePlace]:
    """Given the parsed protocol, return the schedule-to-page map: where each table, row and column was
    read, each marked cell's page, and the stable key a correction names each table, row and column by."""
    places = []
    table_keys = schedule_keys(parsed)
    for schedule in parsed.schedules:
        row_keys, column_keys = activity_keys(schedule), visit_keys(schedule)
        labels = {visit.id: column_name(visit) for visit in schedule.visits}
        cells: dict[str, list[ScheduleCellPlace]] = {}
        for cell in schedule.cells:
            cells.setdefault(cell.activity, []).append(
                ScheduleCellPlace(
                    visit_id=cell.visit, visit_label=labels.get(cell.visit, cell.visit), text=cell.text,
                    page=cell.page,
                )
            )
        places.append(
            SchedulePlace(
                schedule_id=schedule.id,
                title=schedule.title,
                key=table_keys[schedule.id],
                pages=schedule.pages,
                tables=schedule.tables,
                ocr_pages=schedule.ocr_pages,
                columns=[
                    ScheduleColumnPlace(
                        visit_id=v.id,
                        label=column_name(v),
                        key=column_keys[v.id],
                        headers=v.headers,
                        pages=v.pages,
                    )
                    for v in schedule.visits
                ],
                rows=[
                    ScheduleRowPlace(
                        activity_id=a.id,
                        label=a.label,
                        key=row_keys[a.id],
                        row=a.row,
                        pages=a.pages or ([a.page] if a.page else []),
                        table=a.table,
                        cells=cells.get(a.id, []),
                    )
                    for a in schedule.activities
                ],
            )
        )
    return places
