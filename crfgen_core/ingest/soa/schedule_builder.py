"""Schedule drafts to the Schedule contract: visit labels, section rows as groups, marked cells."""

from __future__ import annotations

import re

from crfgen_core.ingest.soa.captions import caption_rows_apart
from crfgen_core.ingest.soa.grid import SoaGrid
from crfgen_core.ingest.soa.stitching import ScheduleDraft, stitch
from crfgen_core.ingest.soa.table_layout import LaidOutTable, lay_out
from crfgen_core.ingest.soa.vocabulary import soa_vocabulary
from crfgen_core.model.protocol import Activity, Footnote, Schedule, ScheduleCell, Visit

VISIT_NAME = re.compile(r"\bvisit\b|^(V|P)\s?\d+\b", re.IGNORECASE)
DEFAULT_TITLE = "Schedule of Activities"


def build_schedules(grids: list[SoaGrid], id_prefix: str = "S") -> list[Schedule]:
    """Given the candidate grids of one document in reading order, return its SoA schedules.

    Grids that do not look like a schedule (no ticks, fewer than two visit columns, no visit-like
    header) are dropped; continued tables are stitched into one schedule.
    """
    vocab = soa_vocabulary()
    tables: list[LaidOutTable] = []
    for grid in map(caption_rows_apart, grids):
        table = lay_out(grid, vocab, tables[-1] if tables else None)
        if table is not None:
            tables.append(table)
    schedules: list[Schedule] = []
    for draft in stitch(tables):
        visit_like = sum(1 for v in draft.visits if any(vocab.is_visit_like(h) for h in v.headers))
        if visit_like < min(2, len(draft.visits)) or not draft.activities:
            continue
        schedules.append(_to_schedule(draft, f"{id_prefix}{len(schedules) + 1}"))
    return schedules


def _visit_label(headers: list[str]) -> str:
    vocab = soa_vocabulary()
    for header in reversed(headers):
        if VISIT_NAME.search(header):
            return header
    for header in headers:
        if vocab.is_visit_like(header):
            return header
    return headers[-1] if headers else ""


def _to_schedule(draft: ScheduleDraft, schedule_id: str) -> Schedule:
    visits = [
        Visit(id=f"V{i + 1}", label=_visit_label(v.names or v.headers) or f"Column {i + 1}",
              headers=v.names or v.headers,
              footnotes=list(v.markers), pages=sorted(v.pages))
        for i, v in enumerate(draft.visits)
    ]
    activities: list[Activity] = []
    cells: list[ScheduleCell] = []
    group: str | None = None
    for row_index, draft_activity in enumerate(draft.activities):
        if not draft_activity.values and not draft_activity.activity:
            group = draft_activity.label  # a section row: groups the rows below
            continue
        activity = Activity(
            id=f"A{len(activities) + 1}", label=draft_activity.label,
            group=draft_activity.outer_label or group, footnotes=list(draft_activity.markers), row=row_index,
            page=draft_activity.pages[0] if draft_activity.pages else None, pages=draft_activity.pages,
            table=draft_activity.tables[0] if draft_activity.tables else None,
        )
        activities.append(activity)
        for visit_index, value in sorted(draft_activity.values.items()):
            cells.append(ScheduleCell(activity=activity.id, visit=visits[visit_index].id, text=value.text,
                                      footnotes=list(value.markers),
                                      page=draft_activity.value_pages.get(visit_index)))
    return Schedule(
        id=schedule_id, title=draft.title or DEFAULT_TITLE, pages=draft.pages, visits=visits,
        activities=activities, cells=cells,
        footnotes=[Footnote(marker=m, text=t) for m, t in draft.footnotes.items()],
        legend=[Footnote(marker=code, text=meaning) for code, meaning in draft.legend.items()],
        ocr_pages=draft.ocr_pages, tables=draft.tables,
    )
