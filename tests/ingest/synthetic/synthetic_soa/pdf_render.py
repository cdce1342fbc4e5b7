"""Draw a synthetic protocol as a PDF with the reportlab canvas: every table cell placed by hand, so rules,
merges, rotated text, page breaks, repeated headers and sideways splits are exactly what the layout says.

`render_pdf` returns what was really drawn (pages per schedule, the font size after fitting, whether the
table had to be split sideways) so the scorer can group results by effective layout features.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfgen.canvas import Canvas

from synthetic_soa.fonts import FontSet, font_set
from synthetic_soa.grid import (
    UNICODE_SUPERSCRIPT,
    Rect,
    Run,
    Slot,
    TableGrid,
    build_grid,
    take_columns,
    take_rows,
    visit_parts,
)
from synthetic_soa.model import Decoy, Schedule, Study
from synthetic_soa.params import LayoutParams
from synthetic_soa.plan import Block, plan

MARGIN = 50.0
TITLE_SIZE = 11.0
BODY_SIZE = 10.0
MIN_FONT = 6
MAX_VISIT_WIDTH = 90.0
GREY = 0.82


@dataclass
class Metrics:
    fonts: FontSet
    size: float

    @property
    def leading(self) -> float:
        return self.size * 1.18

    @property
    def pad(self) -> float:
        return 1.5 + self.size * 0.25


@dataclass
class Laid:
    """A table part laid out for one page width: column boundaries and row heights."""

    grid: TableGrid
    widths: list[float]
    heights: list[float]
    metrics: Metrics

    @property
    def width(self) -> float:
        return sum(self.widths)


@dataclass
class Rendered:
    """What was drawn: 1-based pages per schedule index, pages drawn as pictures, effective features."""

    pages: dict[int, list[int]] = field(default_factory=dict)
    effective: dict[str, str] = field(default_factory=dict)
    page_count: int = 0


def wrap(text: str, width: float, m: Metrics, bold: bool = False) -> list[str]:
    """Greedy word wrap; a word wider than the cell stays whole on its own line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}" if current else word
            if current and m.fonts.width(trial, m.size, bold) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return [line for line in lines if line] or []


def cell_lines(slot: Slot, width: float, m: Metrics) -> list[list[Run]]:
    """A cell's text as lines of runs; superscript markers follow the last word."""
    main = "".join(r.text for r in slot.runs if not r.sup)
    sup = [r for r in slot.runs if r.sup]
    lines: list[list[Run]] = [[Run(line)] for line in wrap(main, width, m, slot.bold)]
    if sup:
        if not lines:
            lines = [[]]
        lines[-1].extend(sup)
    return lines


def runs_width(runs: list[Run], m: Metrics, bold: bool) -> float:
    return sum(m.fonts.width(r.text, m.size * (0.62 if r.sup else 1.0), bold) for r in runs)


def longest_word(slot: Slot, m: Metrics) -> float:
    words = [w for r in slot.runs if not r.sup for w in r.text.split()]
    sup = sum(m.fonts.width(r.text, m.size * 0.62, slot.bold) for r in slot.runs if r.sup)
    return max((m.fonts.width(w, m.size, slot.bold) for w in words), default=0.0) + sup


def lay_out(grid: TableGrid, avail: float, m: Metrics) -> Laid | None:
    """Column widths and row heights for the grid on a page `avail` points wide, or None if the columns
    cannot fit (the caller then tries a smaller font, rotated headers or a sideways split)."""
    pad2 = 2 * m.pad
    need = [0.0] * grid.n_cols
    natural = [0.0] * grid.n_cols
    for rect in grid.rects:
        if rect.c1 - rect.c0 != 1:
            continue
        if rect.slot.rotate:
            need[rect.c0] = max(need[rect.c0], m.leading + pad2)
            continue
        need[rect.c0] = max(need[rect.c0], longest_word(rect.slot, m) + pad2)
        natural[rect.c0] = max(natural[rect.c0], runs_width(list(rect.slot.runs), m, rect.slot.bold) + pad2)
    roles = grid.col_roles
    visits = [c for c, r in enumerate(roles) if r == "visit"]
    widths = list(need)
    for c, role in enumerate(roles):
        if role == "label":
            widths[c] = max(need[c], min(natural[c], 0.3 * avail), 60.0)
        elif role == "note":
            widths[c] = max(need[c], 0.16 * avail)
        elif role == "outer":
            widths[c] = max(need[c], min(natural[c], 0.1 * avail))
    visit_w = max((need[c] for c in visits), default=0.0)
    visit_w = max(visit_w, m.size * 2.6)
    fixed = sum(widths[c] for c in range(grid.n_cols) if roles[c] != "visit")
    if fixed + visit_w * len(visits) > avail + 0.5:
        label = roles.index("label")
        squeeze = max(need[label], 55.0)  # a narrower activity column, its labels wrapping more
        fixed -= widths[label] - squeeze
        widths[label] = squeeze
        if fixed + visit_w * len(visits) > avail + 0.5:
            return None
    spare = avail - fixed - visit_w * len(visits)
    visit_w = min(MAX_VISIT_WIDTH, visit_w + spare / max(1, len(visits)))
    for c in visits:
        widths[c] = visit_w
    spare = avail - sum(widths)
    label = roles.index("label")
    widths[label] += min(spare, max(0.0, 0.4 * avail - widths[label]))
    return Laid(grid, widths, _heights(grid, widths, m), m)


def _heights(grid: TableGrid, widths: list[float], m: Metrics) -> list[float]:
    base = m.leading + 2 * m.pad
    heights = [base] * grid.n_rows
    multi: list[tuple[Rect, float]] = []
    for rect in grid.rects:
        width = sum(widths[rect.c0:rect.c1]) - 2 * m.pad
        if rect.slot.rotate:
            need = runs_width(list(rect.slot.runs), m, rect.slot.bold) + 2 * m.pad + 2
        else:
            need = max(1, len(cell_lines(rect.slot, width, m))) * m.leading + 2 * m.pad
        if rect.r1 - rect.r0 == 1:
            heights[rect.r0] = max(heights[rect.r0], need)
        else:
            multi.append((rect, need))
    for r, weight in enumerate(grid.weights):
        heights[r] = max(heights[r], weight * base)
    for rect, need in multi:
        have = sum(heights[rect.r0:rect.r1])
        if need > have:
            heights[rect.r1 - 1] += need - have
    return heights


def draw_table(canvas: Canvas, laid: Laid, rows: list[int], x0: float, top: float, rules: str) -> float:
    """Draw the given grid rows (header and body indexes) with the top-left corner at (x0, top); return
    the y of the table's bottom edge."""
    grid = take_rows(laid.grid, rows)
    heights = [laid.heights[r] for r in rows]
    xs = [x0]
    for w in laid.widths:
        xs.append(xs[-1] + w)
    ys = [top]
    for h in heights:
        ys.append(ys[-1] - h)
    m = laid.metrics
    for rect in grid.rects:
        if rect.slot.fill:
            canvas.setFillGray({"grey": GREY, "dark": 0.5}.get(rect.slot.fill, 0.08))
            canvas.rect(xs[rect.c0], ys[rect.r1], xs[rect.c1] - xs[rect.c0], ys[rect.r0] - ys[rect.r1],
                        stroke=0, fill=1)
    canvas.setFillGray(0)
    for rect in grid.rects:
        _draw_text(canvas, rect, xs, ys, m)
    canvas.setStrokeGray(0)
    if rules == "grid":
        canvas.setLineWidth(0.5)
        for rect in grid.rects:
            canvas.rect(xs[rect.c0], ys[rect.r1], xs[rect.c1] - xs[rect.c0], ys[rect.r0] - ys[rect.r1],
                        stroke=1, fill=0)
    elif rules == "horizontal":  # rules between rows only, none through a cell merged down
        canvas.setLineWidth(0.5)
        for rect in grid.rects:
            canvas.line(xs[rect.c0], ys[rect.r0], xs[rect.c1], ys[rect.r0])
            canvas.line(xs[rect.c0], ys[rect.r1], xs[rect.c1], ys[rect.r1])
    elif rules == "booktabs":
        canvas.setLineWidth(1.0)
        canvas.line(xs[0], ys[0], xs[-1], ys[0])
        canvas.line(xs[0], ys[-1], xs[-1], ys[-1])
        canvas.setLineWidth(0.5)
        if grid.header_rows:
            canvas.line(xs[0], ys[grid.header_rows], xs[-1], ys[grid.header_rows])
        canvas.setLineWidth(0.4)
        for rect in grid.rects:  # a short rule under a group header cell (\cmidrule)
            if rect.r1 < grid.header_rows and rect.c1 - rect.c0 > 1 and rect.slot.text:
                canvas.line(xs[rect.c0] + 2, ys[rect.r1], xs[rect.c1] - 2, ys[rect.r1])
    return ys[-1]


def _draw_text(canvas: Canvas, rect: Rect, xs: list[float], ys: list[float], m: Metrics) -> None:
    slot = rect.slot
    if not slot.runs:
        return
    left, right, top, bottom = xs[rect.c0], xs[rect.c1], ys[rect.r0], ys[rect.r1]
    if slot.fill == "black":
        canvas.setFillGray(1)
    if slot.rotate:
        canvas.saveState()
        canvas.translate((left + right) / 2 + m.size * 0.35, bottom + m.pad + 1)
        canvas.rotate(90)
        _draw_runs(canvas, list(slot.runs), 0, 0, m, slot.bold)
        canvas.restoreState()
    else:
        lines = cell_lines(slot, right - left - 2 * m.pad, m)
        block = len(lines) * m.leading
        middle = slot.role in ("mark", "header", "redacted", "ref")
        y = (top + bottom) / 2 + block / 2 - m.size if middle else top - m.pad - m.size * 0.92
        for line in lines:
            width = runs_width(line, m, slot.bold)
            x = (left + right - width) / 2 if slot.align == "center" else left + m.pad
            _draw_runs(canvas, line, x, y, m, slot.bold)
            y -= m.leading
    canvas.setFillGray(0)


def _draw_runs(canvas: Canvas, runs: list[Run], x: float, y: float, m: Metrics, bold: bool) -> None:
    for run in runs:
        size = m.size * (0.62 if run.sup else 1.0)
        rise = m.size * 0.38 if run.sup else 0.0
        for piece, font in m.fonts.segments(run.text, bold):
            canvas.setFont(font, size)
            canvas.drawString(x, y + rise, piece)
            x += canvas.stringWidth(piece, font, size)


class PdfWriter:
    """Draws the planned blocks page by page, remembering which pages each schedule landed on."""

    def __init__(self, path: Path, study: Study, params: LayoutParams) -> None:
        self.study, self.params = study, params
        self.fonts = font_set(params.font)
        self.canvas = Canvas(str(path), pagesize=self._size(params.orientation), invariant=1)
        self.canvas.setTitle(study.study_title)
        self.page = 0
        self.open = False
        self.turn = "none"
        self.out = Rendered()
        self.rng = random.Random(params.content_seed + 1)
        self._notes_metrics = Metrics(self.fonts, 7)

    # -- pages

    def _size(self, orientation: str) -> tuple[float, float]:
        width, height = letter if self.params.page_size == "letter" else A4
        return (max(width, height), min(width, height)) if orientation == "landscape" else (width, height)

    def new_page(self, orientation: str = "portrait", turn: str = "none") -> tuple[float, float]:
        """Start a page; return the content area's width and height (a turned page draws landscape
        content on a portrait sheet)."""
        self.end_page()
        self.page += 1
        self.open = True
        turned = turn != "none" and orientation == "landscape"
        self.turn = turn if turned else "none"
        size = self._size("portrait" if turned else orientation)
        if self.turn == "rotate_attr":  # reportlab swaps the box of a /Rotate 90 page: give the shown size
            self.canvas.setPageSize((size[1], size[0]))
            self.canvas.setPageRotation(90)
        else:
            self.canvas.setPageSize(size)
        if self.turn != "rotate_attr":  # on a turned sheet the running text stays upright, as in print
            self._running_text(size)
        self.canvas.saveState()
        if turned:
            self.canvas.translate(size[0], 0)
            self.canvas.rotate(90)
            if self.turn == "rotate_attr":  # shown upright by the viewer: a landscape page in all but name
                self._running_text((size[1], size[0]))
            return size[1], size[0]
        return size

    def _running_text(self, size: tuple[float, float]) -> None:
        c = self.canvas
        c.setFont(self.fonts.regular, 8)
        c.drawString(MARGIN, size[1] - 28, f"Protocol {self.study.protocol_number}")
        c.drawRightString(size[0] - MARGIN, size[1] - 28, "Version 2.0")
        c.drawString(MARGIN, 24, "Confidential")
        c.drawRightString(size[0] - MARGIN, 24, f"Page {self.page}")

    def end_page(self) -> None:
        if self.open:
            self.canvas.restoreState()
            self.canvas.showPage()  # takes the page's /Rotate; the next page starts upright
            self.canvas.setPageRotation(0)
            self.open = False

    def save(self) -> Rendered:
        self.end_page()
        self.canvas.save()
        self.out.page_count = self.page
        return self.out

    # -- text blocks

    def paragraph(self, text: str, x: float, y: float, width: float, size: float = BODY_SIZE,
                  bold: bool = False) -> float:
        m = Metrics(self.fonts, size)
        for line in wrap(text, width, m, bold):
            self.canvas.setFont(self.fonts.face(bold), size)
            _draw_runs(self.canvas, [Run(line)], x, y, m, bold)
            y -= m.leading
        return y - size * 0.5

    def title_page(self) -> None:
        w, h = self.new_page()
        y = self.paragraph("CLINICAL STUDY PROTOCOL", MARGIN, h - 160, w - 2 * MARGIN, 16, bold=True)
        y = self.paragraph(self.study.study_title, MARGIN, y - 20, w - 2 * MARGIN, 13, bold=True)
        y = self.paragraph(f"Protocol Number: {self.study.protocol_number}", MARGIN, y - 20, w - 2 * MARGIN)
        self.paragraph("Sponsor: Synthetic Sponsor Ltd.", MARGIN, y, w - 2 * MARGIN)

    def toc(self) -> None:
        w, h = self.new_page()
        y = self.paragraph("TABLE OF CONTENTS", MARGIN, h - 70, w, 12, bold=True)
        title = next((s.truth_title for s in self.study.schedules if s.truth_title), "Schedule of Activities")
        entries = [("1", "Protocol Summary"), ("1.1", "Synopsis"), ("1.2", "Schema"), ("1.3", title),
                   *self.study.toc_entries[1:]]
        for number, heading in entries:
            text = f"{number}  {heading} "
            dots = "." * max(4, int((w - 2 * MARGIN - self.fonts.width(text, BODY_SIZE) - 20) / 2.8))
            y = self.paragraph(f"{text}{dots} {self.rng.randint(5, 80)}", MARGIN, y, w - MARGIN)
        y = self.paragraph("LIST OF TABLES", MARGIN, y - 10, w, 12, bold=True)
        for schedule in self.study.schedules:
            if schedule.title:
                entry = f"{schedule.title} ........................ {self.rng.randint(5, 80)}"
                self.paragraph(entry, MARGIN, y, w - MARGIN)
                y -= BODY_SIZE * 1.7

    def text(self, block: Block) -> None:
        w, h = self.new_page()
        y = self.paragraph(block.heading, MARGIN, h - 70, w, 12, bold=True)
        for paragraph in self.rng.sample(self.study.paragraphs, k=4):
            y = self.paragraph(paragraph, MARGIN, y, w - 2 * MARGIN)
        if block.caption_for is not None:  # the caption stands at the foot of the page before the table
            title = self.study.schedules[block.caption_for].title
            self.paragraph(title, MARGIN, 80, w, TITLE_SIZE, bold=True)

    def decoy(self, decoy: Decoy) -> None:
        w, h = self.new_page()
        y = self.paragraph(decoy.title, MARGIN, h - 70, w, TITLE_SIZE, bold=True)
        rects = [Rect(0, c, 1, c + 1, Slot((Run(t),), "header", bold=True))
                 for c, t in enumerate(decoy.header)]
        for r, row in enumerate(decoy.rows, 1):
            rects += [Rect(r, c, r + 1, c + 1, Slot((Run(t),) if t else (), "mark" if c else "label",
                                                     align="center" if c else "left"))
                      for c, t in enumerate(row)]
        roles = ["label"] + ["visit"] * (len(decoy.header) - 1)
        kinds = ["header"] + ["activity"] * len(decoy.rows)
        grid = TableGrid(len(decoy.header), 1, len(decoy.rows) + 1, rects, roles, kinds, [1] * len(kinds))
        laid = lay_out(grid, min(w - 2 * MARGIN, 120 + 80 * len(decoy.header)), Metrics(self.fonts, 9))
        assert laid is not None
        draw_table(self.canvas, laid, list(range(grid.n_rows)), MARGIN, y, "grid")

    # -- schedules

    def schedule(self, index: int) -> None:
        schedule = self.study.schedules[index]
        params = self.params
        grid = build_grid(schedule, params)
        flip = params.orientation_switch and index % 2 == 1
        orientation = _flip(params.orientation) if flip else params.orientation
        parts, size = self._fit(grid, orientation, schedule)
        pages: list[int] = []
        for part_index, (part, part_orientation) in enumerate(parts):
            pages += self._draw_part(schedule, part, part_orientation, size, first=part_index == 0,
                                     last=part_index == len(parts) - 1, index=index)
        self.out.pages[index] = pages
        effective = self.out.effective
        if index == 0:
            effective["font_size"] = str(size)
            effective["sideways_split"] = "yes" if len(parts) > 1 else "no"
            effective["table_pages"] = _bucket(len(pages))

    def _fit(self, grid: TableGrid, orientation: str, schedule: Schedule
             ) -> tuple[list[tuple[Laid, str]], int]:
        """Lay the grid out: the layout's font size, smaller if needed, then rotated visit headers, then a
        sideways split, as authors do when a schedule is too wide."""
        params = self.params
        avail = self._content_width(orientation)
        n_visits = schedule.n_visits
        if params.sideways_split and n_visits >= 6:
            split = self._split(grid, orientation, params.font_size, 2)
            if split:
                return split, params.font_size
        for size in range(params.font_size, MIN_FONT - 1, -1):
            laid = lay_out(grid, avail, Metrics(self.fonts, size))
            if laid:
                return [(laid, orientation)], size
        for size in (params.font_size, MIN_FONT):
            rotated = _rotate_visit_headers(grid)
            laid = lay_out(rotated, avail, Metrics(self.fonts, size))
            if laid:
                self.out.effective["rotated_headers"] = "forced"
                return [(laid, orientation)], size
        for parts in (2, 3, 4):
            for size in (params.font_size, MIN_FONT):
                split = self._split(grid, orientation, size, parts)
                if split:
                    return split, size
        raise ValueError(f"a schedule with {n_visits} visits fits no page")

    def _split(self, grid: TableGrid, orientation: str, size: int, parts: int
               ) -> list[tuple[Laid, str]] | None:
        out = []
        for k, columns in enumerate(visit_parts(grid, parts)):
            part_orientation = _flip(orientation) if self.params.orientation_switch and k % 2 else orientation
            laid = lay_out(take_columns(grid, columns), self._content_width(part_orientation),
                           Metrics(self.fonts, size))
            if laid is None:
                return None
            out.append((laid, part_orientation))
        return out

    def _content_width(self, orientation: str) -> float:
        return self._size(orientation)[0] - 2 * MARGIN

    def _draw_part(self, schedule: Schedule, laid: Laid, orientation: str, size: int, first: bool, last: bool,
                   index: int) -> list[int]:
        params = self.params
        grid = laid.grid
        header = list(range(grid.header_rows))
        body = list(grid.body_rows())
        notes = self._notes(schedule, laid.width, Metrics(self.fonts, max(6, size - 1)))
        notes_height = sum(h for _, h in notes)
        lays = {orientation: laid}
        if params.orientation_switch and first and last:  # one part: its continuation pages turn
            turned = lay_out(grid, self._content_width(_flip(orientation)), laid.metrics)
            if turned is not None:
                lays[_flip(orientation)] = turned
        pages: list[int] = []
        page_index = 0
        while body or page_index == 0:
            page_orientation = _flip(orientation) if page_index % 2 and len(lays) > 1 else orientation
            laid = lays[page_orientation]
            w, h = self.new_page(page_orientation, params.page_turn)
            pages.append(self.page)
            y = h - 48
            caption = self._caption(schedule, first and page_index == 0, index)
            if caption:
                y = self.paragraph(caption, MARGIN, y, w - 2 * MARGIN, TITLE_SIZE, bold=True) - 2
            bottom_limit = 40 + (notes_height + 6 if params.footnote_placement == "each_page" else 0)
            rows = header if (page_index == 0 or params.repeat_header) else []
            room = y - bottom_limit - sum(laid.heights[r] for r in rows)
            taken: list[int] = []
            while body and (not taken or laid.heights[body[0]] <= room):
                room -= laid.heights[body[0]]
                taken.append(body.pop(0))
            while len(taken) > 1 and grid.kinds[taken[-1]] == "section":  # keep a section with its rows
                body.insert(0, taken.pop())
            y = draw_table(self.canvas, laid, rows + taken, MARGIN, y, params.rules)
            fits_end = y - 6 - notes_height > 40
            if params.footnote_placement == "each_page" or (not body and params.footnote_placement == "end"
                                                             and fits_end and last):
                self._draw_notes(notes, y - 6)
            if page_index == 0 and first and body and params.interleaved_page != "none":
                self._interleaved(schedule, notes)
            page_index += 1
        if last and notes and (params.footnote_placement == "own_page" or
                               (params.footnote_placement == "end" and not fits_end)):
            w, h = self.new_page(orientation, params.page_turn)
            pages.append(self.page)
            self._draw_notes(notes, h - 60)
        return pages

    def _caption(self, schedule: Schedule, first_page: bool, index: int) -> str:
        params = self.params
        if not schedule.title:
            return ""
        if first_page:
            early = index == 0 and params.title_position == "previous_page"
            return "" if early else schedule.title
        if params.continued_title == "repeat":
            return schedule.title
        if params.continued_title == "continued":
            return f"{schedule.title} (continued)"
        return ""

    def _notes(self, schedule: Schedule, width: float, m: Metrics) -> list[tuple[list[Run], float]]:
        """The lines under a table: the legend of cell codes, then the footnotes, each wrapped."""
        lines: list[tuple[list[Run], float]] = []
        texts: list[tuple[tuple[Run, ...], str]] = []
        if schedule.legend:
            texts.append(((), "; ".join(meaning for _, meaning in schedule.legend)))
        if schedule.footnotes and self.rng.random() < 0.5:
            texts.append(((), "Abbreviations: AE = adverse event; ECG = electrocardiogram; EOT = end of "
                              "treatment; PK = pharmacokinetics."))
        for marker, text in schedule.footnotes:
            style = self.params.footnotes
            if style in ("superscript", "digits"):
                texts.append(((Run(marker, sup=True),), text))
            elif style == "unicode":
                texts.append(((), f"{UNICODE_SUPERSCRIPT.get(marker, marker)} {text}"))
            else:
                texts.append(((), f"{marker}. {text}"))
        for lead, text in texts:
            for k, line in enumerate(wrap(text, width - 12, m)):
                lines.append(([*lead, Run(line)] if k == 0 else [Run("   " + line)], m.leading))
        self._notes_metrics = m
        return lines

    def _draw_notes(self, notes: list[tuple[list[Run], float]], y: float) -> None:
        m = self._notes_metrics
        for runs, height in notes:
            y -= height
            x = MARGIN
            for run in runs:
                _draw_runs(self.canvas, [run], x, y, m, False)
                x += runs_width([run], m, False) + (1 if run.sup else 0)

    def _interleaved(self, schedule: Schedule, notes: list[tuple[list[Run], float]]) -> None:
        """An unrelated page between two parts of a table (a footnote page, a page of body text)."""
        w, h = self.new_page("portrait")
        if self.params.interleaved_page == "footnotes" and notes:
            self._draw_notes(notes, h - 60)
        else:
            y = self.paragraph("Notes on the study procedures", MARGIN, h - 70, w, 12, bold=True)
            for paragraph in self.rng.sample(self.study.paragraphs, k=3):
                y = self.paragraph(paragraph, MARGIN, y, w - 2 * MARGIN)
        self.out.effective["interleaved_page"] = self.params.interleaved_page


def _flip(orientation: str) -> str:
    return "portrait" if orientation == "landscape" else "landscape"


def _bucket(pages: int) -> str:
    return "1" if pages == 1 else "2-3" if pages <= 3 else "4-6" if pages <= 6 else "7+"


def _rotate_visit_headers(grid: TableGrid) -> TableGrid:
    """Turn single-column visit header cells of the lowest named header row by 90°."""
    rects = []
    for rect in grid.rects:
        visit = grid.col_roles[rect.c0] == "visit" and rect.c1 - rect.c0 == 1
        if visit and rect.r0 < grid.header_rows and rect.slot.text and rect.r1 == grid.header_rows:
            rect = replace(rect, slot=replace(rect.slot, rotate=True))
        rects.append(rect)
    return replace(grid, rects=rects)


def render_pdf(study: Study, params: LayoutParams, path: Path) -> Rendered:
    """Given a study and its layout, write the PDF and return what was drawn."""
    writer = PdfWriter(path, study, params)
    writer.out.effective["interleaved_page"] = "none"
    for block in plan(study, params):
        if block.kind == "title_page":
            writer.title_page()
        elif block.kind == "toc":
            writer.toc()
        elif block.kind == "text":
            writer.text(block)
        elif block.kind == "decoy" and study.decoy is not None:
            writer.decoy(study.decoy)
        elif block.kind == "schedule" and block.schedule is not None:
            writer.schedule(block.schedule)
    return writer.save()
