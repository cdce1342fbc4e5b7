"""Page tables to logical schedules: repeated headers continue a table downward, shared row labels
continue it sideways (more visit columns), a new caption or unrelated header starts a new schedule."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from crfgen_core.ingest.soa.captions import same_title
from crfgen_core.ingest.soa.grid import GridCell
from crfgen_core.ingest.soa.table_layout import LaidOutTable
from crfgen_core.ingest.soa.vocabulary import soa_vocabulary

MIN_NAMED_VISITS = 2  # a draft whose headers name fewer visits is a fragment, not a schedule yet
MAX_PAGE_GAP = 1  # a footnote-only page may sit between two parts of one table
MAX_CONTINUATION_GAP = 4  # ... and more (unreadable scans, landscape inserts) before a part that repeats
# the table's column headers
SAME_HEADER_SHARE = 0.8  # share of columns whose headers must agree for a repeated header
MIN_WITHIN_WORDS = 2  # a header of one word ("3") is inside too many others to identify a column
VISIT_NAME = re.compile(r"^\s*[A-Za-z][A-Za-z.]*\s*-?\d+[A-Za-z]?\s*$")  # V10, Week 2, Day -3, Cycle 1
SHARED_LABEL_SHARE = 0.5  # share of row labels a sideways continuation must repeat
SIMILAR_HEADER_RATIO = 0.8  # OCR'd headers this alike (difflib ratio) are one column misread differently
HYPHENATED = re.compile(r"(?<=[a-z])-(?=[a-z])")  # a word broken over two lines of a narrow cell
BAND_SHARE = 0.75  # share of a table's parts a row must open to be a band of the repeated header


@dataclass
class DraftActivity:
    label: str
    markers: tuple[str, ...]
    outer_label: str
    values: dict[int, GridCell] = field(default_factory=dict)  # visit index -> cell
    activity: bool = False  # an activity even without marks (never a section row)
    # where it was read (lineage to the page): PDF pages or Word tables of its parts, each cell's page
    pages: list[int] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    value_pages: dict[int, int] = field(default_factory=dict)  # visit index -> page


@dataclass
class DraftVisit:
    headers: list[str]  # as written: parts of a table are matched by these
    markers: tuple[str, ...]
    names: list[str] = field(default_factory=list)  # with header row names kept ("Week 2"): the output
    # per header row, how often OCR read each (header, name) on the pages that repeat the header
    readings: list[Counter[tuple[str, str]]] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)  # pages the column runs over


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
    tables: list[str] = field(default_factory=list)  # Word tables it was read from
    segment: list[int] = field(default_factory=list)
    # grid column -> visit index of the last part, and that grid's width: a part without header rows
    # drawn on the same grid continues these columns
    grid_columns: dict[int, int] = field(default_factory=dict)
    grid_width: int = 0
    part_starts: list[int] = field(default_factory=list)  # first row of each part with a header


def normalise(text: str) -> str:
    """Lower-case words only: how labels and headers are compared."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def stitch(tables: list[LaidOutTable]) -> list[ScheduleDraft]:
    """Given laid-out page tables in document order, return the logical schedules."""
    drafts: list[ScheduleDraft] = []
    for table in tables:
        # a fragment that names no visits (a legend box with marks) is passed over: the table goes on
        current = next((d for d in reversed(drafts) if _names_visits(d)), drafts[-1] if drafts else None)
        gap = _page_gap(current, table) if current is not None else 0
        headed = current is not None and _new_heading(current, table)
        if current is None or gap > MAX_CONTINUATION_GAP or _new_title(current, table) or headed:
            current = None  # a sibling table (same visits, its own caption) is a schedule of its own
        elif not table.has_header and gap <= MAX_PAGE_GAP and (
                (grid := _grid_mapping(table, current)) is not None
                or len(table.headers) == len(current.segment) or _notes_beyond(table, current)):
            _append_rows(current, table, grid if grid is not None else current.segment)
        elif (table.repeats_header and table.grid.ocr and (not table.grid.title or table.grid.continued)
              and len(table.headers) == len(current.segment)):
            _append_rows(current, table, current.segment)  # the last part's header again, however misread
        elif (mapping := _map_columns(table, current)) is not None:
            _append_rows(current, table, mapping)  # the same columns, however far: a continuation
        elif _shares_labels(table, current) and gap <= MAX_PAGE_GAP:
            _append_columns(current, table)
        else:
            current = None
        if current is None:
            if not table.has_header:
                continue  # a headerless fragment with nothing to continue is not a schedule
            current = ScheduleDraft(title=table.grid.title or (table.grid.heading if headed else None))
            drafts.append(current)
            _append_columns(current, table)
        if table.grid.page is not None and table.grid.page not in current.pages:
            current.pages.append(table.grid.page)
        _note_place(current, table)
        if table.grid.ocr and table.grid.page is not None and table.grid.page not in current.ocr_pages:
            current.ocr_pages.append(table.grid.page)
        for marker, text in table.grid.footnotes.items():
            current.footnotes.setdefault(marker, text)
        for code, meaning in table.grid.legend.items():
            current.legend.setdefault(code, meaning)
    for draft in drafts:
        _drop_header_band(draft)
    return drafts


def _drop_header_band(draft: ScheduleDraft) -> None:
    """A row that opens the parts of a table, printed anew under each repeated header (a band marking the
    fasting visits), belongs to the header block: it is no activity, wherever it stands (a part whose
    header was misread holds it lower). A row matched to the same activity on every part (a table
    continued sideways repeats all its rows) is not one."""
    starts = sorted(set(draft.part_starts))
    if len(starts) < 2:
        return
    label, count = Counter(normalise(draft.activities[i].label) for i in starts).most_common(1)[0]
    if count < 2 or count < BAND_SHARE * len(starts):
        return
    draft.activities = [a for a in draft.activities if normalise(a.label) != label]


def _names_visits(draft: ScheduleDraft) -> bool:
    vocab = soa_vocabulary()
    named = sum(1 for v in draft.visits if any(vocab.is_visit_like(h) for h in v.headers))
    return named >= 1 and named >= min(MIN_NAMED_VISITS, len(draft.visits))


def _page_gap(draft: ScheduleDraft, table: LaidOutTable) -> int:
    """Pages between the draft's last page and the table's (0 for Word tables and the same page)."""
    page = table.grid.page
    return max(page - draft.pages[-1] - 1, 0) if page is not None and draft.pages else 0


def _new_title(draft: ScheduleDraft, table: LaidOutTable) -> bool:
    grid = table.grid
    # a caption not marked "continued" under an uncaptioned schedule starts a table of its own too
    return bool(grid.title and not grid.continued
                and (not draft.title or not same_title(grid.title, draft.title)))


def _new_heading(draft: ScheduleDraft, table: LaidOutTable) -> bool:
    """An uncaptioned table under a heading line of its own, whose header rows name other columns than
    the running table's last part (another count of visits): a table of its own (a second course of
    treatment after the first), not a continuation page."""
    return bool(table.grid.heading and not table.grid.title and table.has_header and draft.segment
                and len(table.headers) != len(draft.segment))


def _map_columns(table: LaidOutTable, draft: ScheduleDraft) -> list[int] | None:
    """A repeated header (possibly with some columns left out): each column to the draft's visit with the
    same headers, in order; None when too few columns match. Unmatched columns become new visits."""
    if not table.has_header:
        return None
    for same in (_same_headers, _same_loose_headers, _headers_within, _same_visit_name(draft, table)):
        mapping: list[int | None] = []
        start = 0
        for headers in table.headers:
            found = next((i for i in range(start, len(draft.visits))
                          if same(draft.visits[i].headers, headers)), None)
            mapping.append(found)
            if found is not None:
                start = found + 1
        if sum(1 for m in mapping if m is not None) >= SAME_HEADER_SHARE * len(mapping):
            break
    else:
        return _similar_ocr_columns(table, draft)
    _fill_gaps(mapping, len(draft.visits))
    resolved: list[int] = []
    for column, (headers, markers, index) in enumerate(zip(table.headers, table.header_markers, mapping,
                                                            strict=True)):
        if index is None:
            draft.visits.append(DraftVisit(headers, markers, _names(table, column)))
            index = len(draft.visits) - 1
        resolved.append(index)
    return resolved


def _similar_ocr_columns(table: LaidOutTable, draft: ScheduleDraft) -> list[int] | None:
    """A part read by OCR under as many columns as the draft's last part, whose headers read nearly the
    same column by column: the repeated header of one table, misread differently on each page ("±3" as
    "43" on one, "+3" on the next). None when the part is no OCR reading or too few columns agree."""
    if not table.grid.ocr or not draft.segment or len(table.headers) != len(draft.segment):
        return None
    similar = sum(1 for index, headers in zip(draft.segment, table.headers, strict=True)
                  if _header_similarity(draft.visits[index].headers, headers) >= SIMILAR_HEADER_RATIO)
    return list(draft.segment) if similar >= SAME_HEADER_SHARE * len(table.headers) else None


def _header_similarity(known: list[str], headers: list[str]) -> float:
    a, b = normalise(" ".join(known)), normalise(" ".join(headers))
    return SequenceMatcher(None, a, b).ratio() if a and b else float(a == b)


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


def _same_headers(known: list[str], headers: list[str]) -> bool:
    return [normalise(h) for h in known] == [normalise(h) for h in headers]


def _same_loose_headers(known: list[str], headers: list[str]) -> bool:
    return [_loose_key(h) for h in known] == [_loose_key(h) for h in headers]


def _headers_within(known: list[str], headers: list[str]) -> bool:
    """One column's header words all among the other's (a header cell or word missing on one page: an OCR
    text layer that lost a glyph, a header row not repeated)."""
    a, b = Counter(normalise(" ".join(known)).split()), Counter(normalise(" ".join(headers)).split())
    return min(a.total(), b.total()) >= MIN_WITHIN_WORDS and (not a - b or not b - a)


def _same_visit_name(draft: ScheduleDraft, table: LaidOutTable) -> Callable[[list[str], list[str]], bool]:
    """Whether two columns carry the same visit name ("V10", "Week 2": letters and a number) that names
    one column only on either side, whatever their other header rows: a page whose header rows were
    read merged or split differently (a scan's rules). A group header over several columns ("Period 1")
    identifies none of them."""
    def unique(columns: list[list[str]]) -> set[str]:
        counts = Counter(name for headers in columns
                         for name in {normalise(h) for h in headers if VISIT_NAME.search(h)})
        return {name for name, count in counts.items() if count == 1}

    names = unique([v.headers for v in draft.visits]) & unique(table.headers)

    def same(known: list[str], headers: list[str]) -> bool:
        return bool({normalise(h) for h in known} & {normalise(h) for h in headers} & names)
    return same


def _loose_key(text: str) -> str:
    """A header key that ignores footnote numbers typed as plain digits after a word (Cycle12 = Cycle1 =
    Cycle): pages of one table sometimes number the same footnote differently."""
    return re.sub(r"(?<=[a-z]{3})\d+\b", "", normalise(text))


def _shares_labels(table: LaidOutTable, draft: ScheduleDraft) -> bool:
    known = {normalise(a.label) for a in draft.activities}
    labels = [normalise(r.label) for r in table.rows]
    return bool(labels) and sum(1 for label in labels if label in known) >= SHARED_LABEL_SHARE * len(labels)


def _notes_beyond(table: LaidOutTable, draft: ScheduleDraft) -> bool:
    """Whether a part without header rows has the draft's last columns and more, those more holding
    text but no mark: the notes column its header named on the page before."""
    vocab = soa_vocabulary()
    beyond = [v.text for row in table.rows for v in row.values[len(draft.segment):] if v.text]
    return (len(table.headers) > len(draft.segment) > 0 and bool(beyond)
            and not any(vocab.is_mark(text) for text in beyond))


def _append_rows(draft: ScheduleDraft, table: LaidOutTable, columns: list[int]) -> None:
    draft.segment = columns
    if table.grid.ocr and table.has_header:
        for column, index in enumerate(columns):
            _take_better_reading(draft.visits[index], table, column)
    _remember_grid(draft, table, columns)
    if table.has_header and table.rows:
        draft.part_starts.append(len(draft.activities))
    for row in table.rows:
        activity = DraftActivity(row.label, row.label_markers, row.outer_label, activity=row.activity)
        _note_row(activity, table)
        for index, value in zip(columns, row.values, strict=False):
            if value.text:
                activity.values[index] = value
                _note_cell(activity, index, table)
        draft.activities.append(activity)


def _note_place(draft: ScheduleDraft, table: LaidOutTable) -> None:
    """Record where the part just appended was read: its Word table, and its page on each visit column."""
    if table.grid.table is not None and table.grid.table not in draft.tables:
        draft.tables.append(table.grid.table)
    page = table.grid.page
    for index in draft.segment:
        if page is not None and page not in draft.visits[index].pages:
            draft.visits[index].pages.append(page)


def _note_row(activity: DraftActivity, table: LaidOutTable) -> None:
    if table.grid.page is not None and table.grid.page not in activity.pages:
        activity.pages.append(table.grid.page)
    if table.grid.table is not None and table.grid.table not in activity.tables:
        activity.tables.append(table.grid.table)


def _note_cell(activity: DraftActivity, index: int, table: LaidOutTable) -> None:
    if table.grid.page is not None:
        activity.value_pages[index] = table.grid.page


def _take_better_reading(visit: DraftVisit, table: LaidOutTable, column: int) -> None:
    """A header cell OCR misreads on some of the pages that repeat it ("¢ 3 zo" or "8" for a turned
    "Screening", "D115" for "D15"): row by row, the reading that is a visit word wins, then the reading
    most pages agree on (the parts were matched as one column already)."""
    read, names = table.headers[column], _names(table, column)
    if len(read) != len(visit.headers) or len(names) != len(read):
        return
    if len(visit.names) != len(visit.headers):
        visit.names = list(visit.headers)
    if not visit.readings:
        visit.readings = [Counter({pair: 1}) for pair in zip(visit.headers, visit.names, strict=True)]
    for row, pair in enumerate(zip(read, names, strict=True)):
        counts = visit.readings[row]
        counts[pair] += 1
        # only short codes are voted on; of longer texts (noise, or words with a misread part) the first
        # page's reading stays
        visit.headers[row], visit.names[row] = max(
            counts, key=lambda p: (_reading_rank(p[0]), counts[p] if _reading_rank(p[0]) == 1 else 0))


def _reading_rank(text: str) -> int:
    """How surely a header cell was read: 2 for visit words ("Screening", "End of treatment", also
    hyphenated at a line end: "Randomisa-tion"), 1 for a visit code or number ("V2", "8": a misread
    turned word may read as a digit), 0 for anything else."""
    vocab = soa_vocabulary()
    joined = HYPHENATED.sub("", text)
    if not (vocab.is_visit_like(text) or vocab.is_visit_like(joined)):
        return 0
    return 2 if re.search(r"[A-Za-z]{3}", joined) else 1


def _names(table: LaidOutTable, column: int) -> list[str]:
    return table.header_names[column] if column < len(table.header_names) else table.headers[column]


def _remember_grid(draft: ScheduleDraft, table: LaidOutTable, columns: list[int]) -> None:
    if table.has_header:
        draft.grid_columns = dict(zip(table.visit_columns, columns, strict=False))
        draft.grid_width = len(table.grid.rows[0]) if table.grid.rows else 0


def _grid_mapping(table: LaidOutTable, draft: ScheduleDraft) -> list[int] | None:
    """The visits of a part without header rows drawn on the same grid as the draft's last part: by grid
    column; a column the last part folded into its neighbour (a body-only split) goes with it."""
    if not draft.grid_columns or not table.grid.rows or len(table.grid.rows[0]) != draft.grid_width:
        return None
    mapping: list[int] = []
    for j in table.visit_columns:
        known = [k for k in draft.grid_columns if k <= j]
        if not known:
            return None
        mapping.append(draft.grid_columns[max(known)])
    return mapping


def _append_columns(draft: ScheduleDraft, table: LaidOutTable) -> None:
    """New visit columns; rows are matched to existing activities by label, in order, else appended."""
    start = len(draft.visits)
    draft.visits.extend(DraftVisit(h, m, _names(table, k))
                        for k, (h, m) in enumerate(zip(table.headers, table.header_markers, strict=True)))
    draft.segment = list(range(start, len(draft.visits)))
    _remember_grid(draft, table, draft.segment)
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
            activity = DraftActivity(row.label, row.label_markers, row.outer_label, activity=row.activity)
            draft.activities.append(activity)
            match = len(draft.activities) - 1
        else:
            cursor = match + 1
            draft.activities[match].activity = draft.activities[match].activity or row.activity
        used.add(match)
        if row is table.rows[0] and table.has_header:
            draft.part_starts.append(match)
        _note_row(draft.activities[match], table)
        for index, value in zip(draft.segment, row.values, strict=False):
            if value.text:
                draft.activities[match].values[index] = value
                _note_cell(draft.activities[match], index, table)
