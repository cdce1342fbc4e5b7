"""One grid to a laid-out SoA table: header rows per column, label columns, visit columns, body rows."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher

from crfgen_core.ingest.soa.captions import is_merged_row
from crfgen_core.ingest.soa.grid import GridCell, SoaGrid
from crfgen_core.ingest.soa.vocabulary import SoaVocabulary, soa_vocabulary

MIN_TICKS = 3  # fewer ticks than this and the grid is not a schedule
MIN_VISIT_COLUMNS = 2
SAME_HEADER_SHARE = 0.8  # share of visit columns a repeated header row must repeat
SPARSE_ROW_SHARE = 0.5  # a body row above the first tick fills at most this share of the columns
# an underlined link often reads "Avvendix" or "Anpnendix" by OCR; a comma may read as a full stop
_REF_ITEM = (r"(?:(?:see\s+)?(?:sections?|a[a-z]{1,4}ndix|app\.|table|figure|§)\s*[A-Z0-9][\d.]*"
             r"|\d{1,2}(?:\.\d+)*)")
_REF_SEPARATOR = r"\s*(?:[,;&]|\.(?=\s))\s*"
CROSS_REFERENCE = re.compile(
    rf"\s*[(\[]\s*{_REF_ITEM}(?:{_REF_SEPARATOR}(?:and\s+)?{_REF_ITEM})*\s*[)\]]\s*$", re.IGNORECASE)
REFERENCE_ONLY = re.compile(rf"^\s*{_REF_ITEM}(?:\s*[,;&/]\s*(?:and\s+)?{_REF_ITEM})*\s*$", re.IGNORECASE)
POINTER_SHARE = 0.6  # share of a label-side column's cells that are bare references for it to be a pointer
BARE_NUMBER = re.compile(r"^[-−–]?(?:\d+(?:\.\d+)?|\.\d+)(?:\s*(?:to|-|−|–)\s*[-−–]?\d+(?:\.\d+)?)?$")
MAX_ROW_NAME_WORDS = 3
MAX_DISPLACED_ROWS = 2  # body rows printed above the visit rows of a repeated header
SIMILAR_HEADER_RATIO = 0.8  # header rows read by OCR this alike (difflib ratio) are the same rows misread
MIN_ROW_RATIO = 0.5  # ... when each of them is at least this alike
VISIT_ROW_SHARE = 0.8  # a row of visit names names (nearly) every column in a cell of its own
BRACKETED_MARKERS = re.compile(r"\s*\[\s*(?P<markers>[a-z](?:\s*,\s*[a-z])*)\s*\]")
TRAILING_MARKER = re.compile(r"^(?P<text>[xX✓✔√]|P)\s*(?P<markers>[a-z](?:\s*,\s*[a-z])*)$")


@dataclass(frozen=True)
class BodyRow:
    label: str
    label_markers: tuple[str, ...]
    outer_label: str  # text of a label column left of the label (a row group), if any
    values: list[GridCell]  # one per visit column; empty text = nothing scheduled
    activity: bool = False  # an activity even without marks (never a section row)


@dataclass(frozen=True)
class LaidOutTable:
    """A grid split into per-column headers (top to bottom) and body rows."""

    headers: list[list[str]]  # header texts as written: what parts of one table are matched by
    header_markers: list[tuple[str, ...]]
    rows: list[BodyRow]
    grid: SoaGrid
    header_rows: list[list[str]] = field(default_factory=list)  # the grid's header rows as written
    first_visit: int = 1
    visit_columns: list[int] = field(default_factory=list)
    other_columns: list[int] = field(default_factory=list)
    header_names: list[list[str]] = field(default_factory=list)  # headers with their row names kept
    repeats_header: bool = False  # the grid repeats the header rows of the table laid out before it

    @property
    def has_header(self) -> bool:
        return any(self.headers)


def lay_out(grid: SoaGrid, vocabulary: SoaVocabulary | None = None,
            previous: LaidOutTable | None = None) -> LaidOutTable | None:
    """Given a grid, return it laid out as an SoA table, or None if it does not look like one.

    `previous` is the table laid out just before: when this grid starts with the same header rows (a
    header repeated on a continuation page), its header depth and column split are reused, because a
    page with few ticks or time-list rows on top cannot show them on its own.
    """
    vocab = vocabulary or soa_vocabulary()
    rows = [[_split_marker(cell) for cell in row] for row in grid.rows]
    # a table captioned as a schedule may hold a single period's visit (a screening outline)
    min_visits = 1 if grid.title and vocab.is_title(grid.title) else MIN_VISIT_COLUMNS
    if not rows or len(rows[0]) < 1 + min_visits:
        return None
    width = len(rows[0])
    rows = _displaced_rows_below_header(rows, vocab)
    tick_rows = [i for i, row in enumerate(rows) if any(_tick(c, vocab) for c in row[1:])]
    split = _repeated_split(rows, previous, vocab, grid.ocr)
    if split is not None:  # the table goes on: its last rows may schedule only time lists
        first_body, first_visit, visit_columns, other_columns = split
    else:
        if not tick_rows:
            return None
        first_body = _first_body_row(rows, tick_rows[0], vocab)
        body = rows[first_body:]
        first_visit = next(j for j in range(1, width) if any(_tick(row[j], vocab) for row in body))
        header_rows = rows[:first_body]
        # a label column sometimes carries the header's row names (Visit, Week): those do not start visits
        other_columns = [j for j in range(first_visit, width)
                         if vocab.is_non_visit_column(" ".join(r[j].text for r in header_rows))]
        visit_columns = [j for j in range(first_visit, width) if j not in other_columns]
        if header_rows:  # a body-only split (no header cell starts there) is not a visit of its own
            visit_columns = [j for j in visit_columns
                             if j == first_visit or any(r[j].text and not r[j].span_copy for r in header_rows)
                             or not any(r[j].span_copy for r in header_rows)]
    body = rows[first_body:]
    header_rows = rows[:first_body]
    if len(visit_columns) < min_visits:
        return None
    ticks = sum(1 for row in body for j in visit_columns if _tick(row[j], vocab))
    if ticks < MIN_TICKS and split is None:
        return None
    headers: list[list[str]] = []
    header_markers: list[tuple[str, ...]] = []
    stubs = [_row_name(row, first_visit, vocab) for row in header_rows]
    names: list[list[str]] = []
    for j in visit_columns:
        texts: list[str] = []
        named: list[str] = []
        markers: list[str] = []
        last_stub = ""
        for row, stub in zip(header_rows, stubs, strict=True):
            cell = row[j]
            # a text repeated below is a merged cell's copy, unless each row names its own unit
            # ("Visit 8" over "Week 8")
            own = bool(stub) and stub != last_stub and not cell.span_copy
            if cell.text and (not texts or texts[-1] != cell.text or own):
                last_stub = stub
                texts.append(cell.text)
                # a bare number under a row name ("Week" | 2) keeps the name: "Week 2"
                named.append(f"{stub} {cell.text}" if stub and BARE_NUMBER.match(cell.text) else cell.text)
            markers.extend(cell.markers)
        headers.append(texts)
        names.append(named)
        header_markers.append(tuple(dict.fromkeys(markers)))
    body_rows: list[BodyRow] = []
    pointers = _pointer_columns(header_rows, body, first_visit, vocab)
    for row in body:
        if any(_repeats(row, header, visit_columns) for header in header_rows):
            continue  # a header row repeated inside the table (a Word table running over pages)
        label_cells = [c for j, c in enumerate(row[:first_visit])
                       if c.text and not c.span_copy and j not in pointers]
        if not label_cells:
            if _merged_note(row, visit_columns, vocab, bare=not any(c.text for c in row[:first_visit])):
                continue  # one text set across the visit columns under a row: a note on it, no marks
            if body_rows and any(row[j].text for j in visit_columns):
                body_rows[-1] = _continue_row(body_rows[-1], [GridCell() if vocab.is_empty(row[j].text)
                                                              else row[j] for j in visit_columns])
            continue
        label = label_cells[-1]
        outer = " ".join(c.text for c in label_cells[:-1])
        stops = sorted([*visit_columns, *other_columns])
        values = [_column_value(row, j, stops, width) for j in visit_columns]
        values = [GridCell() if vocab.is_empty(v.text) else v for v in values]
        if all(not v.text or (v.span_copy and v.text == label.text) for v in values):
            values = [GridCell() for _ in values]  # a section row: its label merged across (part of) the row
        body_rows.append(BodyRow(strip_cross_reference(label.text), label.markers,
                                 strip_cross_reference(outer), values, label.activity))
    return LaidOutTable(headers=headers, header_markers=header_markers, rows=body_rows, grid=grid,
                        header_rows=[[c.text for c in r] for r in header_rows], first_visit=first_visit,
                        visit_columns=visit_columns, other_columns=other_columns, header_names=names,
                        repeats_header=split is not None and bool(header_rows))


def _row_name(row: list[GridCell], first_visit: int, vocab: SoaVocabulary) -> str:
    """The unit a header row's name gives the bare numbers in it ("Study Week" -> "Week"), if any."""
    names = [c.text for c in row[:first_visit] if c.text and not c.span_copy]
    name = names[-1] if names else ""
    if not name or len(name.split()) > MAX_ROW_NAME_WORDS:
        return ""
    # a name set in spaced capitals is read with a gap inside a word ("WEE K")
    return vocab.row_unit_of(name) or vocab.row_unit_of(name.replace(" ", "")) or ""


def _pointer_columns(header_rows: list[list[GridCell]], body: list[list[GridCell]], first_visit: int,
                     vocab: SoaVocabulary) -> set[int]:
    """Label-side columns that point to the protocol text ("Protocol Section", "Reference": 8.1.2,
    Appendix 2) instead of naming the activity: never the row label, even when right of the activity."""
    pointers: set[int] = set()
    for j in range(1, first_visit):
        header = " ".join(row[j].text for row in header_rows if not row[j].span_copy)
        values = [row[j].text for row in body if row[j].text and not row[j].span_copy]
        references = sum(1 for value in values if REFERENCE_ONLY.match(value))
        if vocab.is_non_visit_column(header) or (values and references >= POINTER_SHARE * len(values)):
            pointers.add(j)
    return pointers


def _displaced_rows_below_header(rows: list[list[GridCell]], vocab: SoaVocabulary) -> list[list[GridCell]]:
    """The rows with body rows printed inside the header block moved below it: a continuation page may
    open with a row or two carried over from the page before between its period row and its row of
    visit names ("Follow-up | | X | X" over "Visit | V1 | V2 ..."). The header is known by its row of visit
    names, not by the first tick: when no row above the first tick names the visits and one of the next
    rows does, that row and the unticked header rows under it (timing, window) go up, the ticked rows
    down. Rows stay as they are otherwise."""
    ticked = [any(_tick(c, vocab) for c in row[1:]) for row in rows]
    first_tick = next((i for i, t in enumerate(ticked) if t), None)
    if first_tick is None or any(_names_visits(row, vocab) for row in rows[:first_tick]):
        return rows
    start = next((i for i in range(first_tick + 1, min(first_tick + 1 + MAX_DISPLACED_ROWS, len(rows)))
                  if not ticked[i] and _names_visits(rows[i], vocab)), None)
    if start is None:
        return rows
    end = start + 1
    while end < len(rows) and not ticked[end] and _continues_header(rows[end], vocab):
        end += 1
    return rows[:first_tick] + rows[start:end] + rows[first_tick:start] + rows[end:]


def _names_visits(row: list[GridCell], vocab: SoaVocabulary) -> bool:
    """Whether a row names a visit in (nearly) every column, each in a cell of its own (V1 V2 P3, -1 0 2)."""
    named = sum(1 for c in row[1:] if c.text and not c.span_copy and vocab.is_visit_like(c.text)
                and not vocab.is_tick(c.text))
    return named >= max(MIN_VISIT_COLUMNS, VISIT_ROW_SHARE * (len(row) - 1))


def _continues_header(row: list[GridCell], vocab: SoaVocabulary) -> bool:
    """A header row under the visit names: named for a visit (Visit Window) or naming visits itself,
    filled in (nearly) every column."""
    filled = sum(1 for c in row[1:] if c.text)
    return filled >= VISIT_ROW_SHARE * (len(row) - 1) and (
        vocab.is_visit_like(row[0].text) or _names_visits(row, vocab))


def _first_body_row(rows: list[list[GridCell]], first_tick_row: int, vocab: SoaVocabulary) -> int:
    """The header ends at the first tick row, or earlier at a section row, or at a sparse labelled row
    below some header text whose cells name no visit (a row scheduling only free text, or nothing);
    a header row fills (nearly) every column. A top row merged across the whole width (no caption: those
    are apart) is a section row opening a page without header rows."""
    if is_merged_row(rows[0]):
        return 0
    for i in range(1, first_tick_row):
        label = rows[i][0]
        if not label.text or label.span_copy:
            continue
        if not any(c.text for r in rows[:i] for c in r[1:]):
            continue
        if all(c.span_copy and c.text == label.text for c in rows[i][1:]):
            return i  # a section row drawn across the table, even one named like a period ("Screening")
        cells = [c for c in rows[i][1:] if c.text and not c.span_copy]
        beside = list(itertools.takewhile(lambda c: _words_only(c.text, vocab), cells))
        # a row of dashes (past the words beside its label): scheduled nowhere, a body row all the same
        dashes = len(cells) > len(beside) and all(vocab.is_empty(c.text) for c in cells[len(beside):])
        if vocab.is_visit_like(label.text):
            if beside and dashes:
                return i  # an activity beside a group label named like a period ("Screening")
            continue
        if dashes:
            return i
        filled = sum(1 for c in rows[i][1:] if c.text)
        if (filled <= SPARSE_ROW_SHARE * (len(rows[i]) - 1)
                and not any(vocab.is_visit_like(c.text) or vocab.is_mark(c.text) for c in cells)):
            return i
    return first_tick_row


def _words_only(text: str, vocab: SoaVocabulary) -> bool:
    """Whether a cell writes words (a label), not a value (a dash, a mark, a window "±7")."""
    return any(ch.isalpha() for ch in text) and not vocab.is_empty(text) and not vocab.is_mark(text)


def _repeated_split(rows: list[list[GridCell]], previous: LaidOutTable | None, vocab: SoaVocabulary,
                    ocr: bool = False) -> tuple[int, int, list[int], list[int]] | None:
    """The previous table's header depth and columns when this grid repeats its header rows: exactly, or
    nearly for a grid read by OCR (misread a little differently on each page: "(±3 days)" read "(£3 ys"
    on one, "(43 days)" on the next). A column an OCR grid's header merges over its left neighbour in
    every header row (a body-only split found in this page's pixels) is left out of the comparison and
    goes with that neighbour."""
    if previous is None or not previous.header_rows:
        return None
    depth = len(previous.header_rows)
    if len(rows) <= depth:
        return None
    # (OCR only: a text page's own split columns are drawn as the previous page's are)
    kept = [j for j in range(len(rows[0]))
            if j == 0 or not ocr or not all(row[j].span_copy for row in rows[:depth])]
    if len(previous.header_rows[0]) != len(kept):
        return None
    known = [[_key(t) for t in row] for row in previous.header_rows]
    read = [[_key(row[j].text) for j in kept] for row in rows[:depth]]
    if known != read and not (ocr and _nearly_repeated(known, read, rows[:depth], vocab)):
        return None
    return (depth, kept[previous.first_visit], [kept[j] for j in previous.visit_columns],
            [kept[j] for j in previous.other_columns])


def _nearly_repeated(known: list[list[str]], read: list[list[str]], rows: list[list[GridCell]],
                     vocab: SoaVocabulary) -> bool:
    """Whether header rows read by OCR are the known ones misread: alike as a block, each row more alike
    than not, and no mark in them (a body row under a header whose last row the page does not repeat)."""
    if any(_tick(cell, vocab) for row in rows for cell in row[1:]):
        return False
    if any(SequenceMatcher(None, " | ".join(a), " | ".join(b)).ratio() < MIN_ROW_RATIO
           for a, b in zip(known, read, strict=True)):
        return False
    return SequenceMatcher(None, _joined(known), _joined(read)).ratio() >= SIMILAR_HEADER_RATIO


def _joined(rows: list[list[str]]) -> str:
    return " || ".join(" | ".join(row) for row in rows)


def _repeats(row: list[GridCell], header: list[GridCell], columns: list[int]) -> bool:
    """Whether a body row is a copy of a header row: the same first cell and the same visit-column texts
    (columns right of the visits, such as a notes column, may be split differently)."""
    if not _key(row[0].text) or _key(row[0].text) != _key(header[0].text):
        return False
    same = sum(1 for j in columns if _key(row[j].text) == _key(header[j].text) and _key(row[j].text))
    return same >= SAME_HEADER_SHARE * len(columns)


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def strip_cross_reference(label: str) -> str:
    """A row label without a trailing pointer to the protocol text ("ECG (9.4.4)", "Lipids (Appendix 2)"):
    the pointer says where the activity is described, it is not part of its name."""
    stripped = CROSS_REFERENCE.sub("", label).strip()
    return stripped or label


def _column_value(row: list[GridCell], j: int, stops: list[int], width: int) -> GridCell:
    """The cell of visit column j, taking body-only splits up to the next column start into account."""
    following = [k for k in stops if k > j]
    end = following[0] if following else width
    for k in range(j, end):
        if row[k].text and (k == j or not row[k].span_copy):
            return row[k]
    return GridCell()


def _tick(cell: GridCell, vocab: SoaVocabulary) -> bool:
    return not cell.span_copy and vocab.is_tick(cell.text)


def _split_marker(cell: GridCell) -> GridCell:
    """Footnote letters written as text become markers: in square brackets after a label or header
    ("Vital signs [g]", "Induction phase [a]"), or plain after a tick (Xa, x b,c)."""
    text, markers = cell.text, cell.markers
    bare = BRACKETED_MARKERS.sub("", text).strip()
    if bare != text.strip() and bare:
        markers += tuple(m.strip() for found in BRACKETED_MARKERS.finditer(text)
                         for m in found.group("markers").split(","))
        text = bare
    match = TRAILING_MARKER.match(text)
    if match:
        text = match.group("text")
        markers += tuple(m.strip() for m in match.group("markers").split(","))
    if text == cell.text:
        return cell
    return replace(cell, text=text, markers=tuple(dict.fromkeys(markers)))


def _merged_note(row: list[GridCell], columns: list[int], vocab: SoaVocabulary, bare: bool = False) -> bool:
    """Whether a row's visit cells are one text merged across two or more of them that is no mark, or,
    in a `bare` row (no label, nor a merged label's copy), one word that schedules nothing written alone
    or in each of them (a redaction band: "CCI")."""
    texts = [row[j] for j in columns if row[j].text]
    if not texts or len({c.text for c in texts}) != 1 or vocab.is_tick(texts[0].text):
        return False
    merged = len(texts) >= MIN_VISIT_COLUMNS and sum(1 for c in texts if not c.span_copy) <= 1
    return merged or (bare and len(texts[0].text.split()) == 1 and not vocab.is_mark(texts[0].text))


def _continue_row(row: BodyRow, values: list[GridCell]) -> BodyRow:
    """A body row without a label continues the row above (a cell split by a page-internal rule)."""
    merged = [old if old.text else new for old, new in zip(row.values, values, strict=True)]
    return BodyRow(row.label, row.label_markers, row.outer_label, merged, row.activity)
