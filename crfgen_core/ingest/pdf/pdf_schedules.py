"""Schedule of Activities tables in a PDF: candidate pages from the text, ruled grids from geometry,
rebuilt and stitched by crfgen_core.ingest.soa."""

from __future__ import annotations

import bisect
import itertools
from dataclasses import replace

from crfgen_core.ingest.errors import InputLimitExceededError
from crfgen_core.ingest.pdf.aligned_tables import aligned_tables
from crfgen_core.ingest.pdf.cell_text import CellText, cell_text, glyph_lines, text_lines
from crfgen_core.ingest.pdf.page_finder import MIN_TICKS_ON_PAGE, TICK_TOKEN, candidate_pages
from crfgen_core.ingest.pdf.page_geometry import PageGeometry
from crfgen_core.ingest.pdf.pdf_document import OpenPdf
from crfgen_core.ingest.pdf.pixel_rules import pixel_segments
from crfgen_core.ingest.pdf.ruled_tables import (
    Box,
    Frame,
    FrameChar,
    RuledTable,
    dominant_frame,
    find_ruled_tables,
)
from crfgen_core.ingest.pdf.scanned_pages import OcrPage, PageImageReader, ocr_scanned_pages, ocr_warning
from crfgen_core.ingest.pdf.stacked_rows import split_stacked_rows
from crfgen_core.ingest.soa.captions import caption_rows_apart, is_caption, split_caption
from crfgen_core.ingest.soa.grid import GridCell, SoaGrid, SoaReading
from crfgen_core.ingest.soa.legend import LegendLine, grid_codes, read_legend
from crfgen_core.ingest.soa.table_layout import lay_out
from crfgen_core.ingest.soa.vocabulary import soa_vocabulary
from crfgen_core.ingest.text_lines import PAGE_NUMBER, edge_key, running_line_keys
from crfgen_core.model.protocol import ExtractionWarning

GRID_TOLERANCE = 1.5  # pt: cell edges closer than this are the same grid line
MIN_TABLE_CELLS = 6  # a ruled table smaller than this (3 x 2) cannot be a schedule
MIN_TABLE_RULES = 5  # ... nor can a page with fewer ruling segments (3 rows need 4 rules, 3 columns 4)
MAX_CAPTION_LINES_AT_FOOT = 3
MAX_HEADING = 120  # characters: a longer line above a table is a sentence, not a heading
MIN_VISIT_HEADERS = 2  # visit-like column headers of a grid that may be a schedule
CAPTION_PAGES_BACK = 2  # lines at a page's foot where the next page's table caption may stand
MIN_SPLIT_TICKS = 2  # ticks in separate columns under one box: the box is a row missing column rules
SCAN_COVER = 0.5  # a picture over this share of a page without rules is a scan (a figure is smaller)
PIXEL_RULES_DPI = 100.0  # enough to see a hairline rule, cheap to render
MIN_MARK_SHARE = 0.5  # of a scanned grid's non-label cells that are not headers: marks, or no schedule
BORDER_SHARE = 0.5  # em: a letter ending this close to a column border may run on across it
MERGED_MIDDLE_SHARE = 0.2  # of a box's height: text this close to its middle is centred in it
NOTE_PHRASE_GAP = 1.0  # em: glyphs of a line closer than this are one phrase
WORD_GAP = 0.15  # em: letters closer than this are one word
ARROW = "↔"
ARROW_MARGIN = 2.0  # pt: a drawn arrow keeps this far from the cell's top and bottom borders
ARROW_COVER = 0.6  # ... and covers this share of the cell's width
MIN_SINGLE_ARROW = 30.0  # pt: inside a single-column cell it must be at least this long


def pdf_soa_grids(pdf: OpenPdf, page_image_reader: PageImageReader | None = None) -> SoaReading:
    """Given an open PDF, return the candidate SoA grids of its pages in reading order, and warnings.
    Pages that are pictures without text are read by `page_image_reader` (OCR) into a text layer and then
    read like the other pages, in page order; without one they are reported unread."""
    text_soa_pages = candidate_pages(pdf.texts)
    ocr = ocr_scanned_pages(pdf, page_image_reader, soa_pages=text_soa_pages)
    texts = [ocr.pages[i].text if i in ocr.pages else text for i, text in enumerate(pdf.texts)]
    # running headers and footers; a caption repeated on every page of a table is not one of them
    # (keys write numbers as "#": "Table #. Schedule of Activities" is read back with a number)
    furniture = frozenset(key for key in running_line_keys(texts) if not is_caption(key.replace("#", "1")))
    carried: list[list[float]] = []  # columns of the last aligned table, for a headerless next page
    reading = SoaReading()
    queue = candidate_pages(texts) if ocr.pages else list(text_soa_pages)  # same texts: same pages
    done: set[int] = set()
    while queue:
        index = queue.pop(0)
        done.add(index)
        try:
            found = _page_grids(pdf, index, furniture, carried, ocr.pages.get(index), bool(text_soa_pages))
        except InputLimitExceededError:
            raise  # the deadline is the whole read's, not this page's failure
        except Exception as exc:  # one damaged page must not lose the others
            reading.warnings.append(ExtractionWarning(
                code="SOA_PAGE_UNREADABLE", page=index + 1,
                message=f"page {index + 1} could not be read as a table ({type(exc).__name__}: {exc})"))
            continue
        if found and found[0].title is None and index > 0:
            # the caption may stand at the foot of the page before, or of the one before that (a page of
            # abbreviations or a landscape insert between)
            # a page whose grids never become a schedule (a risk matrix with marks) does not stop the look
            caption = _caption_before(texts, index, furniture, {
                g.page for g in reading.grids
                if g.page is not None and g.page >= index - CAPTION_PAGES_BACK and _may_be_schedule(g)})
            if caption is not None:  # the caption was printed at the foot of the page before
                title, continued = split_caption(caption)
                found[0] = replace(found[0], title=title, continued=continued)
        following = index + 1
        # a table may run on over pages with too few ticks to be candidates themselves
        if (_may_continue(found, reading.grids) and following < len(texts)
                and following not in done and following not in queue):
            queue.insert(0, following)
        reading.grids.extend(found)
    reading.warnings.extend(ocr.warnings)
    read = sorted({grid.page for grid in reading.grids if grid.ocr and grid.page})
    if read:
        reading.warnings.append(ocr_warning(read))
    return reading


def _caption_before(texts: list[str], index: int, furniture: frozenset[str], table_pages: set[int | None]
                    ) -> str | None:
    """A caption at the foot of the pages before page `index` (0-based), back to a page with a table."""
    for k in range(index - 1, max(index - 1 - CAPTION_PAGES_BACK, -1), -1):
        if k + 1 in table_pages:
            return None  # the page before holds a table: this one continues it, or has its own caption
        caption = _caption_ending(texts[k], furniture)
        if caption is not None:
            return caption
    return None


def _may_be_schedule(grid: SoaGrid) -> bool:
    """Whether a grid lays out as a schedule table with visit-like column headers (a matrix of marks
    under other headers is none)."""
    table = lay_out(caption_rows_apart(grid))
    vocab = soa_vocabulary()
    return table is not None and (not table.has_header or sum(
        1 for headers in table.headers if any(vocab.is_visit_like(h) for h in headers)) >= MIN_VISIT_HEADERS)


def _caption_ending(text: str, furniture: frozenset[str]) -> str | None:
    """An SoA caption among the last lines of a page's text (running footers left out)."""
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and edge_key(line) not in furniture and not PAGE_NUMBER.match(line.strip())]
    return next((line for line in reversed(lines[-MAX_CAPTION_LINES_AT_FOOT:]) if is_caption(line)), None)


def _may_continue(found: list[SoaGrid], earlier: list[SoaGrid]) -> bool:
    """Whether the page's last table may run on: it holds ticks, or repeats the header row of the table
    before it (a continuation page)."""
    if not found:
        return False
    vocab = soa_vocabulary()
    last = found[-1]
    if any(vocab.is_tick(cell.text) for row in last.rows for cell in row[1:]):
        return True
    before = earlier[-1] if earlier else None
    return before is not None and [c.text for c in before.rows[0]] == [c.text for c in last.rows[0]]


def _page_grids(pdf: OpenPdf, index: int, furniture: frozenset[str] = frozenset(),
                carried: list[list[float]] | None = None, ocr: OcrPage | None = None,
                scan_among_text: bool = False) -> list[SoaGrid]:
    """The grids of one page; `ocr` is the text layer OCR gave a scanned page (its glyphs and rules);
    `scan_among_text` when the protocol's text pages hold an SoA (a scan there must be mostly marks)."""
    geometry = pdf.rules(index)
    if ocr is not None:
        grids = picture_grids(ocr, geometry.width, geometry.height, index + 1, furniture, carried)
        # in a text protocol a scanned page near the SoA may be a questionnaire's answer grid (circles
        # read as O, 0, OO): it continues or starts a schedule only when its cells are mostly marks
        return [g for g in grids if _marks_outnumber_other_text(g)] if scan_among_text else grids
    scanned = len(geometry.segments) < MIN_TABLE_RULES and pdf.picture_cover(index) >= SCAN_COVER
    if scanned and pdf.texts[index].strip():
        # a scanned page with an OCR text layer: the rules are pixels, the glyphs are the layer's
        segments = pixel_segments(pdf.render(index, PIXEL_RULES_DPI), geometry.width, geometry.height)
        geometry = PageGeometry(geometry.width, geometry.height, [], segments)
    tables = _upright_tables(geometry, pdf.texts[index])
    if tables is None:
        return []
    chars_read = pdf.geometry(index).chars
    if scanned:
        chars_read = [c for c in chars_read if not c.generated]
    geometry = PageGeometry(geometry.width, geometry.height, chars_read, geometry.segments)
    return _geometry_grids(geometry, tables, index, scanned, furniture, carried)


def picture_grids(ocr: OcrPage, width: float, height: float, page: int | None,
                  furniture: frozenset[str] = frozenset(), carried: list[list[float]] | None = None
                  ) -> list[SoaGrid]:
    """Given the text layer OCR read in a scanned page or a picture (`width` x `height` points), return
    its grids marked as read by OCR; `page` is the 1-based page, None for a picture in a DOCX."""
    geometry = PageGeometry(width, height, [], ocr.segments)
    tables = _upright_tables(geometry, ocr.text)
    if tables is None:
        return []
    geometry = PageGeometry(width, height, ocr.chars, ocr.segments)
    grids = _geometry_grids(geometry, tables, (page or 1) - 1, True, furniture, carried)
    return [replace(grid, ocr=True, page=page) for grid in grids]


def _marks_outnumber_other_text(grid: SoaGrid) -> bool:
    """Whether a scanned grid's cells right of its labels that are not visit headers are mostly marks."""
    vocab = soa_vocabulary()
    marks = other = 0
    for row in grid.rows:
        for cell in row[1:]:
            text = cell.text.strip()
            if cell.span_copy or vocab.is_empty(text) or vocab.is_visit_like(text):
                continue
            if vocab.is_mark(text):
                marks += 1
            else:
                other += 1
    return marks >= MIN_MARK_SHARE * (marks + other)


def _upright_tables(geometry: PageGeometry, text: str) -> list[RuledTable] | None:
    """The ruled tables of a page seen upright, or None when the page holds no table: glyphs cost most,
    so they are read only where the rules draw a table (a turned one too: its cell count does not depend
    on the frame), or where the text has many ticks (a table without column rules)."""
    tables = find_ruled_tables(geometry, Frame((1, 0))) if len(geometry.segments) >= MIN_TABLE_RULES else []
    if not any(len(t.cells) >= MIN_TABLE_CELLS for t in tables) and \
            len(TICK_TOKEN.findall(text)) < MIN_TICKS_ON_PAGE:
        return None
    return tables


def _geometry_grids(geometry: PageGeometry, tables: list[RuledTable], index: int, scanned: bool,
                    furniture: frozenset[str], carried: list[list[float]] | None) -> list[SoaGrid]:
    """The grids of a page's glyphs and rules (`tables` as seen upright); `scanned`: the glyphs are a
    text layer over a scan (OCR's or the PDF's own)."""
    upright = Frame((1, 0))
    ruled = any(len(t.cells) >= MIN_TABLE_CELLS for t in tables)
    frame = dominant_frame(geometry)
    if frame != upright:
        tables = find_ruled_tables(geometry, frame)
    chars = [frame.char(c) for c in geometry.chars if c.direction == frame.direction]
    # header text turned 90 degrees: placed by its position on the page, read in its own direction
    turned = [(frame.char(c), Frame(c.direction).char(c)) for c in geometry.chars
              if c.direction != frame.direction]
    rules = [box for box in (frame.box(g.x0, g.y0, g.x1, g.y1) for g in geometry.segments)
             if box[2] - box[0] > box[3] - box[1]]
    if not ruled:
        return _aligned_grids(chars, index + 1, scanned, turned, furniture, carried, rules)
    grids: list[SoaGrid] = []
    for number, table in enumerate(tables):
        rows = _grid_rows(table, chars, rules, scanned, turned)
        if len(rows) < 2 or len(rows[0]) < 3:
            continue
        markers = {m for row in rows for cell in row for m in cell.markers}
        markers.update(_trailing_letters(rows))
        limit = tables[number + 1].bbox[1] if number + 1 < len(tables) else float("inf")
        legend = read_legend(_lines_between(chars, table.bbox[3], limit, scanned), markers, grid_codes(rows))
        above = tables[number - 1].bbox[3] if number else float("-inf")
        title, continued, heading = _caption_above(chars, above, table.bbox[1], scanned, furniture)
        grids.append(SoaGrid(rows=rows, page=index + 1, title=title, continued=continued,
                             footnotes=legend.footnotes, legend=legend.codes, heading=heading))
    if not any(_has_ticks(grid) for grid in grids):
        # rules around the header only (booktabs with a boxed header, shaded bands): the ticks below
        # stand in columns of their own
        return _aligned_grids(chars, index + 1, scanned, turned, furniture, carried, rules) or grids
    return grids


def _has_ticks(grid: SoaGrid) -> bool:
    vocab = soa_vocabulary()
    return any(vocab.is_tick(cell.text) for row in grid.rows for cell in row[1:])


def _aligned_grids(chars: list[FrameChar], page: int, written_spaces: bool,
                   turned: list[tuple[FrameChar, FrameChar]], furniture: frozenset[str],
                   carried: list[list[float]] | None, rules: list[Box]) -> list[SoaGrid]:
    """Grids of the tables on a page without column rules, their columns found by text alignment
    (`rules`: the page's horizontal rules)."""
    grids: list[SoaGrid] = []
    found = aligned_tables(chars, written_spaces, turned, furniture, carried[-1] if carried else None, rules)
    if found and carried is not None:
        carried.append(list(found[-1].centres))
    for number, table in enumerate(found):
        rows = table.rows
        markers = {m for row in rows for cell in row for m in cell.markers} | _trailing_letters(rows)
        limit = found[number + 1].bbox[1] if number + 1 < len(found) else float("inf")
        legend = read_legend(_lines_between(chars, table.bbox[3], limit, written_spaces), markers,
                             grid_codes(rows))
        above = found[number - 1].bbox[3] if number else float("-inf")
        title, continued, heading = _caption_above(chars, above, table.bbox[1], written_spaces, furniture)
        grids.append(SoaGrid(rows=rows, page=page, title=title, continued=continued,
                             footnotes=legend.footnotes, legend=legend.codes, heading=heading))
    return grids


def _lines_between(chars: list[FrameChar], bottom: float, limit: float, written_spaces: bool
                   ) -> list[LegendLine]:
    """The text lines between a table's bottom and the next table (or the page's end)."""
    return [LegendLine(line.text, line.lead, line.x0, line.baseline, line.size)
            for line in text_lines([c for c in chars if bottom < (c.top + c.bottom) / 2 < limit],
                                   written_spaces)]


def _caption_above(chars: list[FrameChar], top: float, bottom: float, written_spaces: bool,
                   furniture: frozenset[str] = frozenset()) -> tuple[str | None, bool, str | None]:
    """The SoA caption nearest above a table (between the previous table, or the page top, and this one)
    and whether it says "continued"; a cell that names a flow chart is no caption. Without a caption,
    the heading: the line just above the table, when it reads like one (not a running header, a page
    number or a sentence)."""
    lines = text_lines([c for c in chars if top < (c.top + c.bottom) / 2 < bottom], written_spaces)
    for line in reversed(lines):
        if is_caption(line.text):
            return (*split_caption(line.text), None)
    text = lines[-1].text.strip() if lines else ""
    if (not text or edge_key(text) in furniture or PAGE_NUMBER.match(text) or len(text) > MAX_HEADING
            or text.endswith((".", ",", ";", ":")) or not any(ch.isalpha() for ch in text)):
        return None, False, None
    return None, False, text


def _trailing_letters(rows: list[list[GridCell]]) -> set[str]:
    return {cell.text[-1] for row in rows for cell in row[1:]
            if len(cell.text) == 2 and cell.text[0] in "xX" and cell.text[1].isalpha()}


def _lines(values: list[float]) -> list[float]:
    merged: list[float] = []
    for value in sorted(values):
        if not merged or value - merged[-1] > GRID_TOLERANCE:
            merged.append(value)
    return merged


def _index(lines: list[float], value: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - value))


def _grid_rows(table: RuledTable, chars: list[FrameChar], rules: list[Box], written_spaces: bool,
               turned: list[tuple[FrameChar, FrameChar]]) -> list[list[GridCell]]:
    """Given a ruled table, the page's glyphs and horizontal rules, return its rows of cells; merged
    cells are copied across and down, a drawn arrow inside an empty cell becomes the text "↔"."""
    columns = _lines([c[0] for c in table.cells])
    rows = _lines([c[1] for c in table.cells])
    x0, top, x1, bottom = table.bbox
    buckets: dict[tuple[int, int], list[FrameChar]] = {}  # glyphs by the grid slot of their centre
    for ch in chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
        if x0 <= cx <= x1 and top <= cy <= bottom:
            slot = (max(0, bisect.bisect_right(rows, cy) - 1), max(0, bisect.bisect_right(columns, cx) - 1))
            buckets.setdefault(slot, []).append(ch)
    # a text layer over a scan spreads each word's glyphs over its box: its words may cross any border
    # (so do its boxes, read from pixels); the repairs for dashed rules below are for drawn tables
    buckets, noted = (buckets, set()) if written_spaces else _without_notes_across_cells(
        buckets, table, rows, columns)
    borders = [*rows, bottom]
    inner_rules = [rule for rule in rules if rule[2] > x0 and rule[0] < x1 and top < rule[1] < bottom
                   and _distance(borders, (rule[1] + rule[3]) / 2) > ARROW_MARGIN]
    grid = [[GridCell() for _ in columns] for _ in rows]
    copied_down: set[tuple[int, int]] = set()  # cells holding a copy of the cell above (merged down)
    for box in sorted(table.cells, key=lambda b: (b[1], b[0])):
        r, c = _index(rows, box[1]), _index(columns, box[0])
        c_end = max(c + 1, sum(1 for x in columns if x < box[2] - GRID_TOLERANCE))
        r_end = max(r + 1, sum(1 for y in rows if y < box[3] - GRID_TOLERANCE))
        glyphs = [ch for i in range(r, r_end) for k in range(c, c_end) for ch in buckets.get((i, k), ())]
        split = None if written_spaces else _row_parts(buckets, range(r, r_end), range(c, c_end), False)
        if split is not None:  # over grid rows whose labels are ruled apart: each row's marks are its own
            for i, row_parts in split.items():
                for k, part in row_parts.items():
                    grid[i][k] = GridCell(part.text, part.markers)
            continue
        parts = _column_parts(buckets, range(r, r_end), range(c, c_end), written_spaces, box in noted)
        if parts is not None:  # a row drawn without its inner column rules: marks stand in columns
            for k, part in parts.items():
                for i in range(r, r_end):
                    grid[i][k] = GridCell(part.text, part.markers, span_copy=i > r)
                    if i > r:
                        copied_down.add((i, k))
            continue
        if not glyphs and turned:
            glyphs = [own for placed, own in turned if box[0] <= (placed.x0 + placed.x1) / 2 <= box[2]
                      and box[1] <= (placed.top + placed.bottom) / 2 <= box[3]]
        if glyphs:
            content = cell_text(glyphs, written_spaces)
        elif inner_rules and _drawn_arrow(box, inner_rules, c_end - c):
            content = CellText(ARROW)
        else:
            continue
        for i in range(r, r_end):
            for k in range(c, c_end):
                copy = i > r or k > c
                grid[i][k] = GridCell(content.text, content.markers, span_copy=copy)
                if i > r and not _centred_down(box, glyphs):
                    copied_down.add((i, k))
    if not written_spaces:
        grid = _own_marks_only(grid, copied_down)
    return split_stacked_rows(grid, buckets, columns, borders, written_spaces)


def _without_notes_across_cells(buckets: dict[tuple[int, int], list[FrameChar]], table: RuledTable,
                                rows: list[float], columns: list[float]
                                ) -> tuple[dict[tuple[int, int], list[FrameChar]], set[Box]]:
    """The glyphs without a note written across cell borders: a word whose letters stand in two cells
    is no cell text but a line set across the row's visit columns (under its marks, with only a dashed
    line between), the column rules above it drawn through (or shaded cells reaching down into it).
    Also the boxes such a note was taken from: no merged cells, their marks stand in their columns."""
    # only rows with letters on both sides of a column border can hold such a word (cells have padding)
    touching = {i for (i, k), glyphs in buckets.items() if k + 1 < len(columns)
                and _letter_near(glyphs, columns[k + 1], right=True)
                and _letter_near(buckets.get((i, k + 1), []), columns[k + 1], right=False)}
    if not touching:
        return buckets, set()
    box_of: dict[tuple[int, int], int] = {}
    for n, box in enumerate(table.cells):
        r, c = _index(rows, box[1]), _index(columns, box[0])
        r_end = max(r + 1, bisect.bisect_left(rows, box[3] - GRID_TOLERANCE))
        c_end = max(c + 1, bisect.bisect_left(columns, box[2] - GRID_TOLERANCE))
        for i in range(r, r_end):
            for k in range(c, c_end):
                box_of[(i, k)] = n
    slot_of = {id(ch): slot for slot, glyphs in buckets.items() for ch in glyphs}
    dropped: set[int] = set()
    for i in sorted(touching):
        for line in glyph_lines([ch for (r, _), glyphs in buckets.items() if r == i for ch in glyphs]):
            visible = sorted((ch for ch in line if ch.text.strip()), key=lambda ch: ch.x0)
            phrases: list[list[FrameChar]] = [visible[:1]]
            for a, b in itertools.pairwise(visible):
                if b.x0 - a.x1 > NOTE_PHRASE_GAP * max(a.size, b.size):
                    phrases.append([])
                phrases[-1].append(b)
            for phrase in phrases:
                if any(box_of.get(slot_of[id(a)]) != box_of.get(slot_of[id(b)])
                       and b.x0 - a.x1 < WORD_GAP * max(a.size, b.size)
                       and a.text.isalpha() and b.text.isalpha() for a, b in itertools.pairwise(phrase)):
                    dropped.update(id(ch) for ch in phrase)
    if not dropped:
        return buckets, set()
    noted = {table.cells[box_of[slot_of[key]]] for key in dropped if slot_of[key] in box_of}
    return {slot: [ch for ch in glyphs if id(ch) not in dropped] for slot, glyphs in buckets.items()}, noted


def _letter_near(glyphs: list[FrameChar], border: float, right: bool) -> bool:
    """Whether a letter of a cell ends (`right`) or starts this close to a column border."""
    return any(ch.text.isalpha() and (ch.x1 > border - BORDER_SHARE * ch.size if right
                                      else ch.x0 < border + BORDER_SHARE * ch.size) for ch in glyphs)


def _centred_down(box: Box, glyphs: list[FrameChar]) -> bool:
    """Whether a box's glyphs stand in the middle of its height: a cell merged down over its rows, not
    the top row's text in a box a dashed rule failed to close."""
    middle = sum((ch.top + ch.bottom) / 2 for ch in glyphs) / len(glyphs) if glyphs else box[1]
    return abs(middle - (box[1] + box[3]) / 2) <= MERGED_MIDDLE_SHARE * (box[3] - box[1])


def _own_marks_only(grid: list[list[GridCell]], copied_down: set[tuple[int, int]]) -> list[list[GridCell]]:
    """Rows without marks copied down from the row above (`copied_down`: from the top of a box, not its
    middle) when they hold marks of their own under a label of their own: the rule between the two rows
    was drawn dashed (or left out) in some columns, which made those cells one box over both rows."""
    vocab = soa_vocabulary()
    for i in range(1, len(grid)):
        row = grid[i]
        if (not row[0].text or row[0].span_copy
                or not any(not c.span_copy and vocab.is_tick(c.text) for c in row[1:])):
            continue
        grid[i] = [GridCell() if (i, k) in copied_down and k and vocab.is_tick(c.text) else c
                   for k, c in enumerate(row)]
    return grid


def _row_parts(buckets: dict[tuple[int, int], list[FrameChar]], rows: range, columns: range,
               written_spaces: bool) -> dict[int, dict[int, CellText]] | None:
    """The text of each grid row and column under a box spanning several grid rows, when its glyphs
    stand in two or more of them as marks of their own: a rule between two rows drawn dashed (or left
    out) in some columns, not a cell merged over the rows (its text is no mark per row)."""
    inked = [i for i in rows if any(buckets.get((i, k)) for k in columns)]
    if len(inked) < 2:
        return None
    if len(columns) > 1:
        split = {i: _column_parts(buckets, range(i, i + 1), columns, written_spaces) for i in inked}
        if all(parts is None for parts in split.values()):
            return None
        return {i: parts or {} for i, parts in split.items()}
    k = columns[0]
    texts = {i: cell_text(buckets[(i, k)], written_spaces) for i in inked}
    if not all(soa_vocabulary().is_tick(text.text) for text in texts.values()):
        return None
    return {i: {k: text} for i, text in texts.items()}


def _column_parts(buckets: dict[tuple[int, int], list[FrameChar]], rows: range, columns: range,
                  written_spaces: bool, noted: bool = False) -> dict[int, CellText] | None:
    """The text of each grid column under a box spanning several, when two or more of them hold a tick
    of their own (one, in a box a note across cells was taken from): the row's column rules were left
    out (or drawn as pictures), its marks are not one merged cell (a merged cell's text is one phrase,
    not ticks standing in separate columns). A line of text set across the columns under (or over) a
    line of such marks, with only a dashed line between, is a note on the row: the marks are its cells."""
    if len(columns) < 2:
        return None
    slots = {k: [ch for i in rows for ch in buckets.get((i, k), ())] for k in columns}
    lines = [] if written_spaces else glyph_lines([ch for glyphs in slots.values() for ch in glyphs])
    if len(lines) > 1:
        marks = [line for line in lines if _mark_line(line, slots, written_spaces)]
        if marks:
            kept = {id(ch) for line in marks for ch in line}
            slots = {k: [ch for ch in glyphs if id(ch) in kept] for k, glyphs in slots.items()}
    parts = {k: cell_text(glyphs, written_spaces) for k, glyphs in slots.items() if glyphs}
    vocab = soa_vocabulary()
    if sum(1 for part in parts.values() if vocab.is_tick(part.text)) < (1 if noted else MIN_SPLIT_TICKS):
        return None
    return parts


def _mark_line(line: list[FrameChar], slots: dict[int, list[FrameChar]], written_spaces: bool) -> bool:
    """Whether a line of glyphs under a box spanning columns writes marks only, in two or more columns."""
    vocab = soa_vocabulary()
    on_line = {id(ch) for ch in line}
    texts = [cell_text([ch for ch in glyphs if id(ch) in on_line], written_spaces).text
             for glyphs in slots.values()]
    texts = [text for text in texts if text]
    return sum(1 for text in texts if vocab.is_tick(text)) >= MIN_SPLIT_TICKS and all(
        vocab.is_tick(text) or vocab.is_empty(text) for text in texts)


def _distance(values: list[float], value: float) -> float:
    """Distance from value to the nearest of the sorted values."""
    at = bisect.bisect_left(values, value)
    return min(abs(values[k] - value) for k in (at - 1, at) if 0 <= k < len(values))


def _drawn_arrow(box: Box, rules: list[Box], columns: int) -> bool:
    """A horizontal line drawn inside an empty cell, away from its borders, across most of it: an arrow
    (or a bar) meaning "throughout these visits". A short dash in a single cell is not one."""
    x0, top, x1, bottom = box
    for rx0, rtop, rx1, rbottom in rules:
        if not (top + ARROW_MARGIN < (rtop + rbottom) / 2 < bottom - ARROW_MARGIN):
            continue
        length = min(rx1, x1) - max(rx0, x0)
        if length >= ARROW_COVER * (x1 - x0) and (columns > 1 or length >= MIN_SINGLE_ARROW):
            return True
    return False
