"""Schedule of Activities tables in a DOCX, found by their grid (visit-like header, marks in cells)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crfgen_core.ingest.docx.docx_content import DocxContent, DocxParagraph, DocxTable, GridCell
from crfgen_core.ingest.ocr import read_image_schedules
from crfgen_core.model.protocol import Activity, ExtractionWarning, Schedule, ScheduleCell, Visit

SOA_TITLE = re.compile(
    r"schedule of (activities|assessments|events|procedures)|time and events|study schedule|flow ?chart"
    r"|assessment schedule|study parameters",
    re.I,
)
# A column header that names a time point; confirms the grid is a schedule (not any table with X's).
VISIT_WORDS = re.compile(
    r"\b(visit|day|days|week|weeks|wk|cycle|month|screening|baseline|follow[- ]?up|end of|eot|eos"
    r"|treatment|period|randomi[sz]ation|discontinuation|completion|dose|hour|hrs|min)\b|\b[DVW]-?\d",
    re.I,
)
MARK = re.compile(r"^(?:[xX✓✔√●•]|P)(?:$|[^A-Za-z])")
NOTE_HEADERS = re.compile(r"^(notes?|comments?|remarks?)\b", re.I)
TRAILING_MARKERS = re.compile(r"^(.*?\S)\s+([a-z](?:\s*,\s*[a-z])*)$")
MARK_WITH_LETTERS = re.compile(r"^([xX])([a-z](?:\s*,\s*[a-z])*)$")
DEFAULT_MIN_MARKS = 3
DEFAULT_MAX_HEADER_ROWS = 8


@dataclass
class _Column:
    """A logical visit column: one or more grid columns merged in every header row."""

    grid: list[int]
    headers: list[str]


@dataclass
class _Row:
    label: str
    group_label: str | None
    markers: list[str]
    values: list[tuple[str, list[str]]]  # per logical column: text, footnote markers


@dataclass
class _Grid:
    """A table rebuilt as header columns and body rows, before it becomes a Schedule."""

    title: str
    columns: list[_Column]
    rows: list[_Row | str] = field(default_factory=list)  # str = section (group) row

    def signature(self) -> list[str]:
        return [_norm(column.headers[-1]) if column.headers else "" for column in self.columns]


def extract_docx_schedules(content: DocxContent) -> tuple[list[Schedule], list[ExtractionWarning]]:
    """Given DOCX content, return its SoA tables (consecutive tables with the same columns stitched)."""
    grids: list[_Grid] = []
    previous_table: int | None = None
    title = ""
    for position, block in enumerate(content.blocks):
        if isinstance(block, DocxParagraph):
            if block.heading_level is not None or SOA_TITLE.search(block.text):
                title = block.text or title
            continue
        grid = _table_to_grid(block, title or "Schedule of Activities")
        if grid is None:
            continue
        adjacent = previous_table is not None and _only_minor_text_between(content, previous_table, position)
        if grids and adjacent and _same_columns(grids[-1], grid):
            _stitch(grids[-1], grid)
        else:
            grids.append(grid)
        previous_table = position
    schedules = [_to_schedule(grid, f"S{index}") for index, grid in enumerate(grids, 1)]
    if schedules:
        return schedules, []
    return _image_schedules(content)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z+\-]+", " ", text.lower().replace("\u2212", "-")).split())


def _is_mark(text: str) -> bool:
    return bool(MARK.match(text.strip()))


def _table_to_grid(table: DocxTable, title: str) -> _Grid | None:
    rows = table.rows
    if len(rows) < 2 or table.width < 3:
        return None
    body_start = next((i for i, row in enumerate(rows) if any(_is_mark(c.text) for c in row[1:])), None)
    if body_start is None or body_start == 0 or body_start > DEFAULT_MAX_HEADER_ROWS:
        return None
    label_cols = _label_columns(rows[body_start:], table.width)
    headers = rows[:body_start]
    columns = _columns(headers, label_cols, table.width)
    if len(columns) < 2:
        return None
    if not any(VISIT_WORDS.search(h) for column in columns for h in column.headers) and not any(
        VISIT_WORDS.search(row[0].text) for row in headers
    ):
        return None
    grid = _Grid(title=title, columns=columns)
    header_keys = {_row_key(row, columns) for row in headers}
    marks = 0
    for row in rows[body_start:]:
        if _row_key(row, columns) in header_keys:
            continue  # a column-header row repeated inside the table
        parsed = _body_row(row, label_cols, columns)
        if isinstance(parsed, _Row):
            marks += sum(1 for text, _ in parsed.values if text)
        if parsed is not None:
            grid.rows.append(parsed)
    if sum(1 for row in grid.rows if isinstance(row, _Row)) < 2 or marks < DEFAULT_MIN_MARKS:
        return None
    return grid


def _label_columns(body: list[list[GridCell]], width: int) -> list[int]:
    """Leading columns that hold text rather than marks (usually one; two or three for nested labels)."""
    label_cols = [0]
    for col in range(1, min(width - 2, 4)):
        texts = [row[col].text for row in body if row[col].text]
        if not texts or any(_is_mark(text) for text in texts):
            break
        if sum(len(text) for text in texts) / len(texts) < 12:
            break
        label_cols.append(col)
    return label_cols


def _columns(headers: list[list[GridCell]], label_cols: list[int], width: int) -> list[_Column]:
    columns: list[_Column] = []
    for col in range(max(label_cols) + 1, width):
        texts = _dedupe([row[col].text for row in headers])
        if any(NOTE_HEADERS.match(text) for text in texts):
            continue
        merged = (
            columns
            and columns[-1].grid[-1] == col - 1
            and all(row[col].first_col == row[col - 1].first_col and row[col].span > 1 for row in headers)
        )
        if merged:
            columns[-1].grid.append(col)
        else:
            columns.append(_Column(grid=[col], headers=texts))
    return [column for column in columns if column.headers]


def _dedupe(texts: list[str]) -> list[str]:
    out: list[str] = []
    for text in texts:
        text = text.strip()
        if text and (not out or out[-1] != text):
            out.append(text)
    return out


def _row_key(row: list[GridCell], columns: list[_Column]) -> tuple[str, ...]:
    return tuple(_norm(row[column.grid[0]].text) for column in columns)


def _split_label(cell: GridCell) -> tuple[str, list[str]]:
    markers = list(cell.markers)
    text = cell.text
    match = TRAILING_MARKERS.match(text)
    if match and len(match.group(1)) > 2:
        text = match.group(1)
        markers.extend(m.strip() for m in match.group(2).split(","))
    return text.strip(), markers


def _split_value(cell: GridCell) -> tuple[str, list[str]]:
    markers = list(cell.markers)
    text = cell.text.strip()
    match = MARK_WITH_LETTERS.match(text)
    if match:
        text = match.group(1)
        markers.extend(m.strip() for m in match.group(2).split(","))
    return text, markers


def _body_row(row: list[GridCell], label_cols: list[int], columns: list[_Column]) -> _Row | str | None:
    labels = _dedupe([row[col].text for col in label_cols])
    if not labels:
        return None
    label, markers = _split_label(row[label_cols[-1]])
    if len(labels) > 1:
        group: str | None = labels[0]
    else:
        group = None
    values = []
    for column in columns:
        text, cell_markers = next(
            (_split_value(row[col]) for col in column.grid if row[col].text.strip()), ("", [])
        )
        values.append((text, cell_markers))
    filled = [text for text, _ in values if text]
    if not filled or all(_norm(text) == _norm(labels[-1]) for text in filled):
        return label  # a section row: no marks, or the label merged across the row
    return _Row(label=label, group_label=group, markers=markers, values=values)


def _only_minor_text_between(content: DocxContent, start: int, end: int) -> bool:
    """True when only blank or short non-heading paragraphs separate two tables (page breaks, captions)."""
    for block in content.blocks[start + 1 : end]:
        if isinstance(block, DocxTable):
            if not block.nested:
                return False
            continue
        if block.heading_level is not None and block.text:
            return False
        if len(block.text) > 200:
            return False
    return True


def _same_columns(first: _Grid, second: _Grid) -> bool:
    a, b = first.signature(), second.signature()
    if len(a) != len(b) or not a:
        return False
    return sum(x == y for x, y in zip(a, b, strict=True)) >= 0.8 * len(a)


def _stitch(first: _Grid, second: _Grid) -> None:
    for column, other in zip(first.columns, second.columns, strict=True):
        if len(other.headers) > len(column.headers):
            column.headers = other.headers
    first.rows.extend(second.rows)


def _to_schedule(grid: _Grid, schedule_id: str) -> Schedule:
    visits = [
        Visit(id=f"V{i}", label=column.headers[-1], headers=column.headers)
        for i, column in enumerate(grid.columns, 1)
    ]
    activities: list[Activity] = []
    cells: list[ScheduleCell] = []
    section: str | None = None
    for row_index, row in enumerate(grid.rows):
        if isinstance(row, str):
            section = row
            continue
        activity = Activity(
            id=f"A{len(activities) + 1}",
            label=row.label,
            group=row.group_label or section,
            footnotes=row.markers,
            row=row_index,
        )
        activities.append(activity)
        for visit, (text, markers) in zip(visits, row.values, strict=True):
            if text:
                cells.append(ScheduleCell(activity=activity.id, visit=visit.id, text=text, footnotes=markers))
    return Schedule(id=schedule_id, title=grid.title, visits=visits, activities=activities, cells=cells)


def _image_schedules(content: DocxContent) -> tuple[list[Schedule], list[ExtractionWarning]]:
    """An SoA heading followed by pictures and no schedule table: the SoA is an image, read by OCR."""
    schedules: list[Schedule] = []
    warnings: list[ExtractionWarning] = []
    blocks = content.blocks
    for index, block in enumerate(blocks):
        if not (isinstance(block, DocxParagraph) and block.heading_level and SOA_TITLE.search(block.text)):
            continue
        pictures: list[bytes] = []
        has_picture = False
        for following in blocks[index + 1 :]:
            if isinstance(following, DocxParagraph):
                if following.heading_level is not None and following.heading_level <= block.heading_level:
                    break
                has_picture = has_picture or following.has_picture
                pictures.extend(following.pictures)
        if not has_picture:
            continue
        found, notes = read_image_schedules(pictures, where=f"the section '{block.text}'", title=block.text)
        start = len(schedules)
        schedules.extend(s.model_copy(update={"id": f"S{start + n}"}) for n, s in enumerate(found, 1))
        warnings.extend(notes)
    return schedules, warnings
