"""Page tables to logical schedules: repeated headers continue a table downward, shared row labels
continue it sideways (more visit columns), a new caption or unrelated header starts a new schedule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crfgen_core.ingest.soa.grid import GridCell
from crfgen_core.ingest.soa.table_layout import LaidOutTable

MAX_PAGE_GAP = 2  # footnote-only pages may sit between two parts of one table
SAME_HEADER_SHARE = 0.8  # share of columns whose headers must agree for a repeated header
SHARED_LABEL_SHARE = 0.5  # share of row labels a sideways continuation must repeat


@dataclass
class DraftActivity:
    label: str
    markers: tuple[str, ...]
    outer_label: str
    values: dict[int, GridCell] = field(default_factory=dict)  # visit index -> cell


@dataclass
class DraftVisit:
    headers: list[str]
    markers: tuple[str, ...]


@dataclass
class ScheduleDraft:
    """A schedule being assembled from page tables; `segment` holds the visit indexes of the last part."""

    title: str | None
    pages: list[int] = field(default_factory=list)
    visits: list[DraftVisit] = field(default_factory=list)
    activities: list[DraftActivity] = field(default_factory=list)
    footnotes: dict[str, str] = field(default_factory=dict)
    legend: dict[str, str] = field(default_factory=dict)
    ocr_pages: list[int] = field(default_factory=list)
    segment: list[int] = field(default_factory=list)


def normalise(text: str) -> str:
    """Lower-case words only: how labels and headers are compared."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def stitch(tables: list[LaidOutTable]) -> list[ScheduleDraft]:
    """Given laid-out page tables in document order, return the logical schedules."""
    drafts: list[ScheduleDraft] = []
    for table in tables:
        current = drafts[-1] if drafts else None
        if current is not None and not _too_far(current, table):
            mapping = _map_columns(table, current)
            if not table.has_header and len(table.headers) == len(current.segment):
                _append_rows(current, table, current.segment)
            elif mapping is not None:
                _append_rows(current, table, mapping)
            elif _new_title(current, table):
                current = None
            elif _shares_labels(table, current):
                _append_columns(current, table)
            else:
                current = None
        else:
            current = None
        if current is None:
            if not table.has_header:
                continue  # a headerless fragment with nothing to continue is not a schedule
            current = ScheduleDraft(title=table.grid.title)
            drafts.append(current)
            _append_columns(current, table)
        if table.grid.page is not None and table.grid.page not in current.pages:
            current.pages.append(table.grid.page)
        if table.grid.ocr and table.grid.page is not None and table.grid.page not in current.ocr_pages:
            current.ocr_pages.append(table.grid.page)
        for marker, text in table.grid.footnotes.items():
            current.footnotes.setdefault(marker, text)
        for code, meaning in table.grid.legend.items():
            current.legend.setdefault(code, meaning)
    return drafts


def _too_far(draft: ScheduleDraft, table: LaidOutTable) -> bool:
    page = table.grid.page
    return page is not None and bool(draft.pages) and page - draft.pages[-1] > MAX_PAGE_GAP


def _new_title(draft: ScheduleDraft, table: LaidOutTable) -> bool:
    grid = table.grid
    return bool(grid.title and not grid.continued and draft.title
                and normalise(grid.title) != normalise(draft.title))


def _map_columns(table: LaidOutTable, draft: ScheduleDraft) -> list[int] | None:
    """A repeated header (possibly with some columns left out): each column to the draft's visit with the
    same headers, in order; None when too few columns match. Unmatched columns become new visits."""
    if not table.has_header:
        return None
    for key_of in (normalise, _loose_key):
        keys = [[key_of(h) for h in v.headers] for v in draft.visits]
        mapping: list[int | None] = []
        start = 0
        for headers in table.headers:
            key = [key_of(h) for h in headers]
            found = next((i for i in range(start, len(keys)) if keys[i] == key), None)
            mapping.append(found)
            if found is not None:
                start = found + 1
        if sum(1 for m in mapping if m is not None) >= SAME_HEADER_SHARE * len(mapping):
            break
    else:
        return None
    _fill_gaps(mapping, len(draft.visits))
    resolved: list[int] = []
    for headers, markers, index in zip(table.headers, table.header_markers, mapping, strict=True):
        if index is None:
            draft.visits.append(DraftVisit(headers, markers))
            index = len(draft.visits) - 1
        resolved.append(index)
    return resolved


def _fill_gaps(mapping: list[int | None], known: int) -> None:
    """An unmatched column between two matched ones takes the draft column between them when the gap is
    the same width on both sides: the same column structure, its header worded differently on this part
    (a header cell merged over it on one page and not on the other)."""
    for start, index in enumerate(mapping):
        if index is not None:
            continue
        end = next((k for k in range(start, len(mapping)) if mapping[k] is not None), len(mapping))
        before = next((mapping[k] for k in range(start - 1, -1, -1) if mapping[k] is not None), -1)
        after = mapping[end] if end < len(mapping) else known
        assert before is not None and after is not None
        if after - before - 1 == end - start:
            for offset, k in enumerate(range(start, end)):
                mapping[k] = before + 1 + offset


def _loose_key(text: str) -> str:
    """A header key that ignores footnote numbers typed as plain digits after a word (Cycle12 = Cycle1 =
    Cycle): pages of one table sometimes number the same footnote differently."""
    return re.sub(r"(?<=[a-z]{3})\d+\b", "", normalise(text))


def _shares_labels(table: LaidOutTable, draft: ScheduleDraft) -> bool:
    known = {normalise(a.label) for a in draft.activities}
    labels = [normalise(r.label) for r in table.rows]
    return bool(labels) and sum(1 for label in labels if label in known) >= SHARED_LABEL_SHARE * len(labels)


def _append_rows(draft: ScheduleDraft, table: LaidOutTable, columns: list[int]) -> None:
    draft.segment = columns
    for row in table.rows:
        activity = DraftActivity(row.label, row.label_markers, row.outer_label)
        for index, value in zip(columns, row.values, strict=False):
            if value.text:
                activity.values[index] = value
        draft.activities.append(activity)


def _append_columns(draft: ScheduleDraft, table: LaidOutTable) -> None:
    """New visit columns; rows are matched to existing activities by label, in order, else appended."""
    start = len(draft.visits)
    draft.visits.extend(DraftVisit(h, m) for h, m in zip(table.headers, table.header_markers, strict=True))
    draft.segment = list(range(start, len(draft.visits)))
    used: set[int] = set()
    cursor = 0
    for row in table.rows:
        key = normalise(row.label)
        match = next((i for i in range(cursor, len(draft.activities))
                      if i not in used and normalise(draft.activities[i].label) == key), None)
        if match is None:
            match = next((i for i in range(len(draft.activities))
                          if i not in used and normalise(draft.activities[i].label) == key), None)
        if match is None:
            activity = DraftActivity(row.label, row.label_markers, row.outer_label)
            draft.activities.append(activity)
            match = len(draft.activities) - 1
        else:
            cursor = match + 1
        used.add(match)
        for index, value in zip(draft.segment, row.values, strict=False):
            if value.text:
                draft.activities[match].values[index] = value
