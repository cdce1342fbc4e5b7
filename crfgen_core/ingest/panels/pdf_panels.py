"""Laboratory panels printed as a table or side-by-side lists on a PDF page, read from glyph positions.

Two layouts cover what protocols print: a heading above its tests ("Hematology" over a column of
analytes, often two or three such columns side by side) and a label left of its tests (a two-column
table: "Hematology | Hemoglobin, Hematocrit, ..."). Only pages whose text names two panels are read.
"""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass, field
from functools import cache

from crfgen_core.ingest.panels.pdf_glyphs import Glyph, upright_glyphs
from crfgen_core.ingest.panels.test_names import clean_tests, split_list
from crfgen_core.ingest.panels.vocabulary import Heading, heading_names, match_heading
from crfgen_core.ingest.pdf.pdf_document import OpenPdf
from crfgen_core.model.protocol import Panel

MAX_CANDIDATE_PAGES = 6
MIN_MARKS_PER_ROW = 3  # a text line with this many lone X marks is a schedule row
MAX_MARK_ROWS = 4
MAX_HEADING_ROW_WORDS = 8  # "Hematology Chemistry Urinalysis Other": a header row of side-by-side lists
_MARKS = re.compile(r"(?<!\S)[Xx✓✔](?!\S)")
MIN_PANEL_KINDS = 2  # a page is read when its lines start with headings of at least this many kinds
SUPERSCRIPT_SHRINK = 0.8  # a glyph this much smaller than its line, and raised, is a footnote marker
WORD_GAP = 0.18  # em: a wider gap between glyphs is a space
PHRASE_GAP = 1.2  # em: a wider gap separates table columns
COLUMN_SLACK = 4.0  # pt: left edges this close start the same column
STOP_GAP = 2.6  # line pitches: a wider vertical gap ends a list
MIN_COMMAS_TO_SPLIT = 2  # "Neutrophils, segmented" is one test; "A, B, C" a list
BULLETS = " •●○▪■□◦·-–—*\uf0b7\uf0a7\uf0d8\uf076\uf0fc"


@dataclass
class Phrase:
    """Glyphs of one line with no wide gap: a table cell line or a list entry."""

    text: str
    x0: float
    x1: float
    y: float  # baseline, PDF space (up)
    size: float
    bulleted: bool = False  # printed after a bullet: a list item, never a heading
    heading: Heading | None = None


@dataclass
class _Open:
    heading: Heading
    page: int
    entries: list[list[Phrase]] = field(default_factory=list)


def candidate_pages(pages: list[str], skip: frozenset[int] = frozenset()) -> list[int]:
    """Given page texts, return 0-based indexes of pages that name 2+ panel kinds as headings.

    Schedule pages (many lines of X marks) are left to the SoA reader: a panel there is a row label.
    """
    found: list[int] = []
    for index, text in enumerate(pages):
        if index + 1 in skip or len(_mentioned_kinds(text)) < MIN_PANEL_KINDS:
            continue  # the cheap test first: most pages name no panel at all
        lines = text.splitlines()
        if sum(len(_MARKS.findall(line)) >= MIN_MARKS_PER_ROW for line in lines) >= MAX_MARK_ROWS:
            continue
        kinds: set[str] = set()
        for line in lines:
            kinds |= _line_heading_kinds(line)
        if len(kinds - {"vital signs", "ecg"}) >= MIN_PANEL_KINDS:
            found.append(index)
    return found[:MAX_CANDIDATE_PAGES]


def _mentioned_kinds(text: str) -> set[str]:
    """Laboratory panel kinds whose heading words occur anywhere in the text."""
    kinds = set()
    for found in _heading_pattern().finditer(text):
        heading = match_heading(found.group(0))
        if heading and heading.kind and not heading.parent:
            kinds.add(heading.kind)
    return kinds - {"vital signs", "ecg"}


@cache
def _heading_pattern() -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, heading_names())) + r")\b", re.IGNORECASE)


def _line_heading_kinds(line: str) -> set[str]:
    """Kinds of the headings a text line starts with, or of every heading when the line is only those."""
    words = line.split()
    for cut in (line, line.split(":")[0], *(" ".join(words[:n]) for n in (4, 3, 2, 1))):
        heading = match_heading(cut)
        if heading and heading.kind and not heading.parent:
            if len(words) <= MAX_HEADING_ROW_WORDS:
                return {heading.kind} | {h.kind for h in map(match_heading, words) if h and h.kind}
            return {heading.kind}
    return set()


def pdf_table_panels(pdf: OpenPdf, skip: frozenset[int] = frozenset()) -> list[Panel]:
    """Given an open PDF and the 1-based pages to leave out (the SoA's), return the panels its
    laboratory tables list (page 1-based)."""
    panels: list[Panel] = []
    for index in candidate_pages(pdf.texts, skip):
        panels.extend(page_panels(_lines(upright_glyphs(pdf.geometry(index).chars)), index + 1))
    return panels


def page_panels(lines: list[list[Phrase]], page: int) -> list[Panel]:
    """Given a page's lines of phrases (top to bottom), return the panels laid out on it."""
    for line in lines:
        for phrase in line:
            if not phrase.bulleted and phrase.text.count("(") == phrase.text.count(")"):
                phrase.heading = match_heading(phrase.text)
    pitch = _pitch(lines)
    opened: list[_Open] = []
    for row, line in enumerate(lines):
        for position, phrase in enumerate(line):
            if phrase.heading is None:
                continue
            right = line[position + 1 :]
            if _label_left(lines, row, phrase, right):
                entries = _label_entries(lines, row, phrase, right, pitch)
            else:
                entries = _column_entries(lines, row, phrase, right, pitch)
            _file(opened, phrase.heading, page, entries)
    return [panel for panel in (_panel(item) for item in opened) if panel is not None]


def _file(opened: list[_Open], heading: Heading, page: int, entries: list[list[Phrase]]) -> None:
    """A sub-panel's entries join the open panel of its parent kind; a stop label is dropped."""
    if not heading.kind:
        return
    if heading.parent:
        parent = next((item for item in reversed(opened) if item.heading.kind == heading.parent), None)
        if parent is not None:
            parent.entries.extend(entries)
            return
    opened.append(_Open(heading, page, entries))


def _panel(item: _Open) -> Panel | None:
    texts = [" ".join(p.text for p in entry).replace("- ", "-") for entry in item.entries]
    split = sum(text.count(",") >= MIN_COMMAS_TO_SPLIT for text in texts) or len(texts) <= 1
    raw = [name for text in texts for name in (split_list(text) if split else [text])]
    tests = clean_tests(raw)
    if not tests:
        return None
    return Panel(name=item.heading.name, tests=tests, page=item.page, source="laboratory table")


def _label_left(lines: list[list[Phrase]], row: int, heading: Phrase, right: list[Phrase]) -> bool:
    """Whether the heading labels the cells to its right rather than a column below it."""
    if not right or right[0].heading is not None:
        return False
    below = _next_in_column(lines, row, heading.x0, right[0].x0 - 2 * COLUMN_SLACK)
    if below is None:
        return True
    below_row, phrase = below
    if _label_like(phrase) or phrase.x1 > right[0].x0:  # a label, or a full-width line after the table
        return True
    right_below = _next_in_column(lines, row, right[0].x0 - COLUMN_SLACK, right[0].x0 + COLUMN_SLACK)
    return right_below is None or right_below[0] < below_row


def _next_in_column(
    lines: list[list[Phrase]], row: int, x_from: float, x_to: float
) -> tuple[int, Phrase] | None:
    for below in range(row + 1, len(lines)):
        for phrase in lines[below]:
            if x_from - COLUMN_SLACK <= phrase.x0 <= x_to:
                return below, phrase
    return None


def _label_entries(
    lines: list[list[Phrase]], row: int, label: Phrase, right: list[Phrase], pitch: float
) -> list[list[Phrase]]:
    """Cells right of a row label, down to the next label in its column or the end of the table."""
    cell_x = right[0].x0
    # a second label further right on the row ("Hematology: RBC   Urinalysis: pH") bounds the cells
    limit = min((p.x0 for p in right[1:] if _label_like(p)), default=float("inf"))
    taken: list[Phrase] = []
    last_y = label.y
    for below in range(row, len(lines)):
        line = lines[below]
        if below > row and any(label.x0 - COLUMN_SLACK <= p.x0 < cell_x - COLUMN_SLACK for p in line):
            break
        cells = [p for p in line if cell_x - COLUMN_SLACK <= p.x0 < limit - COLUMN_SLACK]
        if not cells:
            continue
        if last_y - cells[0].y > STOP_GAP * pitch:
            break
        taken.extend(cells)
        last_y = cells[0].y
        if any(p.text.rstrip().endswith(".") and len(p.text.split()) > 3 for p in cells):
            break  # the cell's list ended with a sentence; what follows in it is prose
    return _entries_by_column(taken, pitch)


def _label_like(phrase: Phrase) -> bool:
    return phrase.heading is not None or phrase.text.rstrip().endswith(":")


def _column_entries(
    lines: list[list[Phrase]], row: int, heading: Phrase, right: list[Phrase], pitch: float
) -> list[list[Phrase]]:
    """Entries below a heading in its column, up to the next heading, a wide gap or a full-width line."""
    limit = min([p.x0 for p in right] + [_heading_column_right(lines, row, heading)])
    taken: list[Phrase] = []
    last_y = heading.y
    for below in range(row + 1, len(lines)):
        inside = [p for p in lines[below] if heading.x0 - COLUMN_SLACK <= p.x0 < limit - COLUMN_SLACK]
        if not inside:
            if any(p.x0 < heading.x0 - COLUMN_SLACK and p.x1 > heading.x0 for p in lines[below]):
                break  # a line from further left runs through the column: the list is over
            continue
        phrase = inside[0]
        if phrase.heading is not None or last_y - phrase.y > STOP_GAP * pitch or phrase.x1 > limit + 1:
            break
        taken.append(phrase)
        last_y = phrase.y
    return _entries_by_column(taken, pitch)


def _heading_column_right(lines: list[list[Phrase]], row: int, heading: Phrase) -> float:
    """The left edge of the nearest heading to the right printed on or above this heading's line."""
    edges = [
        p.x0
        for line in lines[: row + 1]
        for p in line
        if p.heading is not None and p.x0 > heading.x1 and p.heading.kind
    ]
    return min(edges, default=float("inf"))


def _entries_by_column(phrases: list[Phrase], pitch: float) -> list[list[Phrase]]:
    """Group phrases into columns by left edge, then join wrapped lines into one entry each."""
    columns: list[list[Phrase]] = []
    for phrase in sorted(phrases, key=lambda p: p.x0):
        if columns and phrase.x0 - columns[-1][0].x0 <= COLUMN_SLACK * 3:
            columns[-1].append(phrase)
        else:
            columns.append([phrase])
    entries: list[list[Phrase]] = []
    for column in columns:
        column.sort(key=lambda p: -p.y)
        capitalised = sum(p.text[:1].isupper() for p in column) * 2 > len(column)
        for index, phrase in enumerate(column):
            if entries and index and _continues(column[index - 1], phrase, capitalised):
                entries[-1].append(phrase)
            else:
                entries.append([phrase])
    return entries


def _continues(previous: Phrase, phrase: Phrase, capitalised: bool) -> bool:
    """Whether a line carries on the entry above (a wrapped table cell) rather than starting a new one."""
    before, text = previous.text.rstrip(), phrase.text.lstrip()
    if not text:
        return True
    if phrase.bulleted:
        return False
    if text[0] in "([" or before.endswith((",", "/", "-", "(", " of", " and", " or", " with", " to")):
        return True
    if before.count("(") > before.count(")"):
        return True
    return capitalised and text.split()[0].isalpha() and text.split()[0].islower()


def _pitch(lines: list[list[Phrase]]) -> float:
    gaps = [a[0].y - b[0].y for a, b in itertools.pairwise(lines) if a[0].y - b[0].y > 1]
    sizes = [p.size for line in lines for p in line]
    fallback = 1.2 * statistics.median(sizes) if sizes else 12.0
    return min(statistics.median(gaps), fallback * 1.5) if gaps else fallback


def _lines(glyphs: list[Glyph]) -> list[list[Phrase]]:
    """Glyphs grouped into lines (by baseline) and phrases (split at wide gaps), top to bottom."""
    upright = sorted(glyphs, key=lambda c: -c.baseline)
    rows: list[list[Glyph]] = []
    for char in upright:
        if rows and abs(rows[-1][0].baseline - char.baseline) <= max(char.size, rows[-1][0].size) * 0.45:
            rows[-1].append(char)
        else:
            rows.append([char])
    lines: list[list[Phrase]] = []
    for row in rows:
        size = statistics.median(c.size for c in row)
        base = statistics.median(c.baseline for c in row)
        glyphs = [
            c for c in sorted(row, key=lambda c: c.x0)
            if not (c.size < size * SUPERSCRIPT_SHRINK and c.baseline > base + size * 0.15)
        ]
        phrases = _phrases(glyphs, size, base)
        if phrases:
            lines.append(phrases)
    return lines


def _phrases(glyphs: list[Glyph], size: float, base: float) -> list[Phrase]:
    groups: list[list[Glyph]] = []
    for glyph in glyphs:
        if groups and glyph.x0 - groups[-1][-1].x1 <= PHRASE_GAP * size:
            groups[-1].append(glyph)
        else:
            groups.append([glyph])
    phrases: list[Phrase] = []
    for group in groups:
        for part in _split_after_heading(group, size):
            phrase = _phrase(part, size, base)
            if phrase.text.strip(BULLETS):
                phrases.append(phrase)
    return phrases


def _split_after_heading(group: list[Glyph], size: float) -> list[list[Glyph]]:
    """ "Hematology: RBC" printed with a narrow gap is a label and a cell."""
    for index, glyph in enumerate(group[:-1]):
        if glyph.text == ":":
            head = _phrase(group[: index + 1], size, 0.0)
            if match_heading(head.text) is not None:
                return [group[: index + 1], group[index + 1 :]]
            break
    return [group]


def _phrase(glyphs: list[Glyph], size: float, base: float) -> Phrase:
    text: list[str] = []
    for previous, glyph in zip([None, *glyphs], glyphs, strict=False):
        if previous is not None and glyph.x0 - previous.x1 > WORD_GAP * size:
            text.append(" ")
        text.append(glyph.text)
    joined = "".join(text)
    stripped = joined.lstrip(BULLETS)
    return Phrase(stripped, glyphs[0].x0, glyphs[-1].x1, base, size, bulleted=stripped != joined)
