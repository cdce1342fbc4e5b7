"""The annotated CRF (and its blank twin) as PDF, drawn with the reportlab canvas from the CRF page model.

reportlab is pure Python (no cairo/pango/wkhtmltopdf), already a dependency, and gives direct control of
PDF bookmarks: the outline has a "Forms" tree and a "Visits" tree (visit -> its forms), as submission
aCRFs have. Rows are laid out here with `simpleSplit` rather than platypus Paragraph/Table: a 30-form
design renders in a fraction of the time (see docs/rendering.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from crfgen_core.render.crf_layout import CRFLayout, FormPage, QuestionRow, field_hint, unit_text

ANNOTATION_BLUE = colors.HexColor("#bfdcff")
ANNOTATION_BORDER = colors.HexColor("#1f4e8c")
NOT_SUBMITTED_GREY = colors.HexColor("#f2f2f2")
RULE_GREY = colors.HexColor("#bbbbbb")
PAGE_WIDTH, PAGE_HEIGHT = letter
MARGIN = 14 * mm
TOP = PAGE_HEIGHT - MARGIN - 6 * mm
BOTTOM = MARGIN + 6 * mm
BODY_FONT, BODY_SIZE, LEADING = "Helvetica", 9.0, 11.0
CODE_FONT, CODE_SIZE = "Courier", 8.0
NOTE_FONT, NOTE_SIZE = "Helvetica-Oblique", 8.0
NOTE_GREY = colors.HexColor("#444444")
REVIEW_BROWN = colors.HexColor("#8a4b00")
HEADER_GREY = colors.HexColor("#e4e4e4")
BOX_SIZE = 3.2 * mm
PAD = 4.0
COVER = "cover"
HEADER_SIZE = 7.5  # the running page header: label left, continued form name right
HEADER_GAP = 8 * mm  # the least space between the two
COVER_COLUMNS = 3  # the cover's form and visit lists take up to this many columns before they continue
COVER_COLUMN_GAP = 6 * mm
KEEP_LINES = 3  # lines of a page-tall row that stay on the page of its group heading


@dataclass(frozen=True)
class OutlineEntry:
    """One bookmark. reportlab keys an outline entry by its destination, so every entry gets its own key;
    `target` is the form OID (or COVER) whose first page the key marks."""

    title: str
    key: str
    level: int
    target: str


def outline_entries(layout: CRFLayout) -> list[OutlineEntry]:
    """Given the page model, return the outline: Cover, Forms/<form>, Visits/<visit>/<form>."""
    entries = [OutlineEntry("Cover", "cover", 0, COVER)]
    if layout.forms:
        entries.append(OutlineEntry("Forms", "forms", 0, layout.forms[0].oid))
        entries.extend(OutlineEntry(f.name, f"form:{f.oid}", 1, f.oid) for f in layout.forms)
    visits = [v for v in layout.visits if v.form_oids]
    if visits:
        entries.append(OutlineEntry("Visits", "visits", 0, visits[0].form_oids[0]))
        for visit in visits:
            entries.append(OutlineEntry(visit.name, f"visit:{visit.oid}", 1, visit.form_oids[0]))
            entries.extend(
                OutlineEntry(layout.form(oid).name, f"visit:{visit.oid}:{oid}", 2, oid)
                for oid in visit.form_oids
            )
    return entries


def running_title(form_name: str, room: float) -> str:
    """Given a form name and the width left beside the page label, return the continuation header:
    '<form> (continued)', the name shortened with an ellipsis so the header never runs into the label."""
    suffix = " (continued)"
    title = form_name + suffix
    if stringWidth(title, BODY_FONT, HEADER_SIZE) <= room:
        return title
    words = form_name.split()
    while words:
        words.pop()
        title = " ".join(words).rstrip(" -,:;(") + "\u2026" + suffix
        if stringWidth(title, BODY_FONT, HEADER_SIZE) <= room:
            return title
    return suffix.strip()


@dataclass(frozen=True)
class _Cell:
    """Wrapped lines of one table cell and how they are drawn."""

    lines: tuple[str, ...]
    font: str = BODY_FONT
    size: float = BODY_SIZE
    boxes: bool = False  # one check box before each line that starts a choice
    starts: tuple[bool, ...] = ()
    fill: colors.Color | None = None
    rules: int = 0  # write-in lines drawn under the text
    notes: tuple[str, ...] = ()  # italic lines after the text: the condition, a review note
    note_color: colors.Color = NOTE_GREY

    @property
    def height_lines(self) -> int:
        return len(self.lines) + self.rules + len(self.notes)


def _wrap(text: str, width: float, font: str = BODY_FONT, size: float = BODY_SIZE) -> tuple[str, ...]:
    """Given text and a width, return its lines; a word wider than the width (a hash, a URL, text run
    together) is broken by characters instead of running off the page."""
    lines: list[str] = []
    for line in simpleSplit(text, font, size, width):
        while stringWidth(line, font, size) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return tuple(lines) or ("",)


def _choice_lines(labels: list[str], width: float) -> tuple[list[str], list[bool]]:
    lines: list[str] = []
    starts: list[bool] = []
    for label in labels:
        wrapped = _wrap(label, width - BOX_SIZE - 2 * mm)
        lines.extend(wrapped)
        starts.extend([True] + [False] * (len(wrapped) - 1))
    return lines, starts


def _response_cell(question: QuestionRow, width: float, annotated: bool) -> _Cell:
    if question.kind == "choices" and question.printed_choices:
        lines: list[str] = []
        starts: list[bool] = []
        for choice in question.printed_choices:
            wrapped = _wrap(choice.label(annotated), width - BOX_SIZE - 2 * mm)
            lines.extend(wrapped)
            starts.extend([True] + [False] * (len(wrapped) - 1))
        return _Cell(tuple(lines), boxes=True, starts=tuple(starts))
    if question.kind == "choices":
        return _Cell(_wrap(question.choice_reference, width, size=8), size=8, rules=1)
    if question.kind == "long_text":
        return _Cell((), rules=3)
    hint = " ".join(p for p in (field_hint(question), unit_text(question)) if p)
    if len(question.units) > 1:  # a choice of units: one box each, under the field
        lines, starts = _choice_lines([u.symbol for u in question.units], width)
        return _Cell((hint or "_" * 12, *lines), boxes=True, starts=(False, *starts))
    return _Cell((hint,)) if hint else _Cell((), rules=1)


class _PdfWriter:
    """Cursor-based page writer: rows flow down the page, a row that does not fit starts a new page."""

    def __init__(self, path: Path, label: str, subject: str) -> None:
        self.canvas = Canvas(str(path), pagesize=letter, invariant=True)
        self.canvas.setTitle(label)
        self.canvas.setAuthor("protocol-to-crf-generator")
        self.canvas.setSubject(subject)
        self.label = label
        self.running = ""  # form name repeated on its continuation pages
        self.columns: tuple[tuple[str, ...], list[float]] | None = None  # repeated on continuation pages
        self.page = 1
        self.y = TOP
        self._decorate()

    def _decorate(self) -> None:
        self.canvas.setFont(BODY_FONT, HEADER_SIZE)
        self.canvas.setFillColor(colors.black)
        self.canvas.drawString(MARGIN, PAGE_HEIGHT - 9 * mm, self.label)
        if self.running:
            room = PAGE_WIDTH - 2 * MARGIN - stringWidth(self.label, BODY_FONT, HEADER_SIZE) - HEADER_GAP
            running = running_title(self.running, room)
            self.canvas.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 9 * mm, running)
        self.canvas.drawRightString(PAGE_WIDTH - MARGIN, 8 * mm, f"Page {self.page}")

    def new_page(self) -> None:
        self.canvas.showPage()
        self.page += 1
        self.y = TOP
        self._decorate()
        if self.columns is not None:
            self.column_header(*self.columns)

    def column_header(self, labels: tuple[str, ...], widths: list[float]) -> None:
        """The grey column-title band (Ref, CRF question, ...) at the top of a form's every page."""
        height = LEADING + 2
        self.canvas.setFillColor(HEADER_GREY)
        self.canvas.rect(MARGIN, self.y - height, sum(widths), height, fill=1, stroke=0)
        self.canvas.setFillColor(colors.black)
        self.canvas.setFont("Helvetica-Bold", 8)
        x = MARGIN
        for label, width in zip(labels, widths, strict=True):
            self.canvas.drawString(x + 2, self.y - height + 3.5, label)
            x += width
        self.y -= height

    def text(
        self,
        text: str,
        font: str = BODY_FONT,
        size: float = BODY_SIZE,
        x: float = MARGIN,
        width: float = PAGE_WIDTH - 2 * MARGIN,
        color: colors.Color = colors.black,
    ) -> None:
        self.canvas.setFont(font, size)
        self.canvas.setFillColor(color)
        for line in _wrap(text, width, font, size):
            if self.y - size * 1.25 < BOTTOM:
                self.new_page()
            self.y -= size * 1.25
            self.canvas.drawString(x, self.y, line)

    def box(
        self,
        text: str,
        x: float,
        width: float,
        fill: colors.Color,
        border: colors.Color,
        font: str,
        size: float,
    ) -> None:
        """A filled annotation box at the cursor (domain header style), text right-aligned."""
        height = size * 1.6
        self.canvas.setFillColor(fill)
        self.canvas.setStrokeColor(border)
        self.canvas.setLineWidth(0.8)
        self.canvas.rect(x, self.y - height, width, height, fill=1, stroke=1)
        self.canvas.setFillColor(colors.black)
        self.canvas.setFont(font, size)
        self.canvas.drawRightString(x + width - 2 * mm, self.y - height + size * 0.45, text)
        self.y -= height + 1.5

    def row(self, cells: list[_Cell], widths: list[float], group: str | None = None) -> None:
        """Draw one question row, under its group heading when one is given.

        A row that does not fit the rest of the page starts a new one; a row taller than a page continues
        on the next one, line by line. A heading is kept with its first row (with its first KEEP_LINES
        lines when the row is taller than a page): it is never the last thing on a page.
        """
        full = PAGE_WIDTH - 2 * MARGIN
        rows_needed = max(c.height_lines for c in cells)
        fits_a_page = rows_needed * LEADING + 2 * PAD < TOP - BOTTOM
        if group is not None:
            first = rows_needed if fits_a_page else min(rows_needed, KEEP_LINES)
            if self.y - (LEADING + PAD) - first * LEADING - 2 * PAD < BOTTOM:
                self.new_page()
            self.canvas.setFillColor(colors.HexColor("#eeeeee"))
            self.canvas.rect(MARGIN, self.y - LEADING - PAD, full, LEADING + PAD, fill=1, stroke=0)
            self.canvas.setFillColor(colors.black)
            self.canvas.setFont("Helvetica-Bold", BODY_SIZE)
            self.canvas.drawString(MARGIN + 2, self.y - LEADING, group)
            self.y -= LEADING + PAD
        elif self.y - rows_needed * LEADING - 2 * PAD < BOTTOM and fits_a_page:
            self.new_page()
        done = 0
        while done < rows_needed:
            capacity = max(1, int((self.y - BOTTOM - 2 * PAD) // LEADING))
            chunk = min(capacity, rows_needed - done)
            self._draw_slice(cells, widths, done, chunk)
            done += chunk
            if done < rows_needed:
                self.new_page()

    def _draw_slice(self, cells: list[_Cell], widths: list[float], start: int, count: int) -> None:
        top = self.y - PAD
        height = count * LEADING
        x = MARGIN
        for cell, width in zip(cells, widths, strict=True):
            lines = cell.lines[start : start + count]
            if cell.fill is not None and lines:
                self.canvas.setFillColor(cell.fill)
                self.canvas.setStrokeColor(ANNOTATION_BORDER if cell.fill == ANNOTATION_BLUE else colors.grey)
                self.canvas.setLineWidth(0.6)
                self.canvas.rect(
                    x,
                    top - len(lines) * LEADING - 1.5,
                    width - 4,
                    len(lines) * LEADING + 1.5,
                    fill=1,
                    stroke=1,
                )
            # One text object per cell: far fewer PDF operators than one drawString per line.
            text_x = x + 2 + (BOX_SIZE + 2 * mm if cell.boxes else 0)
            if lines:
                text = self.canvas.beginText(text_x, top - LEADING + 2.5)
                text.setFont(cell.font, cell.size, LEADING)
                text.setFillColor(colors.black)
                text.textLines(list(lines))
                self.canvas.drawText(text)
            first_note = len(cell.lines) + cell.rules
            notes = [
                (row - start, cell.notes[row - first_note])
                for row in range(max(start, first_note), min(start + count, first_note + len(cell.notes)))
            ]
            if notes:
                self.canvas.setFont(NOTE_FONT, NOTE_SIZE)
                self.canvas.setFillColor(cell.note_color)
                for offset, note in notes:
                    self.canvas.drawString(x + 2, top - (offset + 1) * LEADING + 2.5, note)
            if cell.boxes:
                self.canvas.setLineWidth(0.8)
                self.canvas.setStrokeColor(colors.black)
                for offset in range(len(lines)):
                    if cell.starts[start + offset]:
                        self.canvas.rect(
                            x + 2, top - (offset + 1) * LEADING + 2, BOX_SIZE, BOX_SIZE, fill=0, stroke=1
                        )
            self.canvas.setStrokeColor(colors.black)
            self.canvas.setLineWidth(0.6)
            for rule in range(len(cell.lines), min(len(cell.lines) + cell.rules, start + count)):
                if rule >= start:
                    y = top - (rule - start + 1) * LEADING
                    self.canvas.line(x + 2, y, x + width - 6 * mm, y)
            x += width
        self.y = top - height - PAD
        self.canvas.setStrokeColor(RULE_GREY)
        self.canvas.setLineWidth(0.4)
        self.canvas.line(MARGIN, self.y, PAGE_WIDTH - MARGIN, self.y)


def _cover(writer: _PdfWriter, layout: CRFLayout, annotated: bool, keys: list[str]) -> None:
    for key in keys:
        writer.canvas.bookmarkPage(key)
    kind = "Annotated Case Report Form (SDTM)" if annotated else "Blank Case Report Form"
    writer.text(kind, "Helvetica-Bold", 18)
    writer.y -= 4
    writer.text(layout.identity.title, "Helvetica-Bold", 13)
    writer.y -= 6
    for label, value in layout.identity.lines:  # a label and its value stay on one page
        lines = _wrap(value, PAGE_WIDTH - 2 * MARGIN - 47 * mm)
        if writer.y - len(lines) * BODY_SIZE * 1.25 < BOTTOM:
            writer.new_page()
        top = writer.y
        writer.text(label, "Helvetica-Bold", BODY_SIZE, width=45 * mm)
        writer.y = top
        writer.text(value, x=MARGIN + 47 * mm, width=PAGE_WIDTH - 2 * MARGIN - 47 * mm)
        writer.y -= 2
    writer.y -= 8
    _cover_list(writer, "Forms", [f"{number}. {form.name}" for number, form in enumerate(layout.forms, 1)])
    if layout.arms:
        writer.y -= 6
        _cover_list(writer, "Arms", [f"- {name}" for _, name in layout.arms])
    writer.y -= 6
    visits = [visit.name + (f"  ({visit.timing})" if visit.timing else "") for visit in layout.visits]
    _cover_list(writer, "Visits", visits, size=8.5)


def _cover_list(writer: _PdfWriter, title: str, entries: list[str], size: float = BODY_SIZE) -> None:
    """A titled list on the cover, in as few columns (at most COVER_COLUMNS) as fit the rest of the page,
    balanced; a list longer than that continues on the next page under '<title> (continued)'. The title
    always stays with the first entry."""
    full = PAGE_WIDTH - 2 * MARGIN
    step = size * 1.25
    title_height = BODY_SIZE * 1.25
    room = int((writer.y - title_height - BOTTOM) // step)
    columns, limit = COVER_COLUMNS, room
    for count in range(1, COVER_COLUMNS + 1):
        blocks = _wrapped_entries(entries, count, size)
        total = sum(len(block) for block in blocks)
        target = next((t for t in range(-(-total // count), room + 1) if _fills(blocks, count, t)), None)
        if target is not None:
            columns, limit = count, target
            break
    blocks = _wrapped_entries(entries, columns, size)
    if blocks and len(blocks[0]) > room:
        writer.new_page()
        limit = int((writer.y - title_height - BOTTOM) // step)
    width = (full - (columns - 1) * COVER_COLUMN_GAP) / columns
    writer.text(title, "Helvetica-Bold")
    top, column, used, lowest = writer.y, 0, 0, 0
    writer.canvas.setFont(BODY_FONT, size)
    for block in blocks:
        if used and used + len(block) > limit:
            column, used = column + 1, 0
            if column == columns:
                writer.new_page()
                writer.text(f"{title} (continued)", "Helvetica-Bold")
                writer.canvas.setFont(BODY_FONT, size)
                top, column, lowest = writer.y, 0, 0
                limit = int((top - BOTTOM) // step)
        x = MARGIN + column * (width + COVER_COLUMN_GAP)
        writer.canvas.setFillColor(colors.black)
        for line in block:
            used += 1
            writer.canvas.drawString(x, top - used * step, line)
        lowest = max(lowest, used)
    writer.y = top - lowest * step


def _wrapped_entries(entries: list[str], columns: int, size: float) -> list[tuple[str, ...]]:
    width = (PAGE_WIDTH - 2 * MARGIN - (columns - 1) * COVER_COLUMN_GAP) / columns
    return [_wrap(entry, width, BODY_FONT, size) for entry in entries]


def _fills(blocks: list[tuple[str, ...]], columns: int, limit: int) -> bool:
    """Whether the wrapped entries fill at most `columns` columns of `limit` lines, column by column."""
    column, used = 0, 0
    for block in blocks:
        if used and used + len(block) > limit:
            column, used = column + 1, 0
        if column == columns or len(block) > limit:
            return False
        used += len(block)
    return True


def _form(writer: _PdfWriter, form: FormPage, annotated: bool, keys: list[str]) -> None:
    writer.running = ""
    writer.new_page()
    writer.running = form.name
    for key in keys:
        writer.canvas.bookmarkPage(key)
    full = PAGE_WIDTH - 2 * MARGIN
    top = writer.y
    if annotated:
        for header in form.domain_headers:
            writer.box(
                header,
                MARGIN + full * 0.6,
                full * 0.4,
                ANNOTATION_BLUE,
                ANNOTATION_BORDER,
                "Helvetica-Bold",
                BODY_SIZE,
            )
    boxes_bottom = writer.y
    writer.y = top
    writer.text(form.name, "Helvetica-Bold", 13, width=full * 0.58)
    visits = "Any time (log form)" if form.is_log and not form.visit_names else ", ".join(form.visit_names)
    writer.text("Visits: " + (visits or "none"), size=8, width=full * 0.58, color=colors.HexColor("#444444"))
    writer.y = min(writer.y, boxes_bottom) - 3
    writer.canvas.setStrokeColor(colors.black)
    writer.canvas.setLineWidth(1.2)
    writer.canvas.line(MARGIN, writer.y, PAGE_WIDTH - MARGIN, writer.y)
    widths = (
        [10 * mm, full * 0.39, full * 0.30, full * 0.31 - 10 * mm]
        if annotated
        else [10 * mm, full * 0.50, full * 0.50 - 10 * mm]
    )
    labels = ("Ref", "CRF question", "Data collected", *(("SDTM annotation",) if annotated else ()))
    writer.y -= 2
    writer.column_header(labels, widths)
    writer.columns = (labels, widths)
    several_groups = len({q.group_name for q in form.questions}) > 1
    group = None
    for question in form.questions:
        heading = question.group_name if several_groups and question.group_name != group else None
        group = question.group_name
        asked = question.condition
        condition = _wrap(asked.text, widths[1] - 6, NOTE_FONT, NOTE_SIZE) if asked else ()
        text = _wrap(question.text + (" *" if question.mandatory else ""), widths[1] - 6)
        cells = [
            _Cell((question.ref or str(question.number),), size=8),
            _Cell(text, notes=condition),
            _response_cell(question, widths[2] - 6, annotated),
        ]
        if annotated:
            cells.append(_annotation_cell(question, widths[3] - 10))
        writer.row(cells, widths, heading)
    writer.columns = None


def _annotation_cell(question: QuestionRow, width: float) -> _Cell:
    """The blue annotation box: the variable (value-level 'when' clause included), then the unit variable;
    a grey italic box for NOT SUBMITTED; a review note under it in brown."""
    fill = ANNOTATION_BLUE if question.submitted else NOT_SUBMITTED_GREY
    font = CODE_FONT if question.submitted else "Courier-Oblique"
    text = question.annotation + (f"; {question.unit_annotation}" if question.unit_annotation else "")
    review = _wrap(f"Review: {question.review}", width, NOTE_FONT, NOTE_SIZE) if question.review else ()
    return _Cell(
        _wrap(text, width, font, CODE_SIZE),
        font=font,
        size=CODE_SIZE,
        fill=fill,
        notes=review,
        note_color=REVIEW_BROWN,
    )


def write_acrf_pdf(layout: CRFLayout, path: Path, *, annotated: bool = True) -> Path:
    """Given the page model, write the PDF aCRF (or blank CRF) with its bookmark outline; return the path."""
    label = ("Annotated CRF" if annotated else "Blank CRF") + f" - {layout.study_name}"
    writer = _PdfWriter(path, label, layout.identity.one_line())
    entries = outline_entries(layout)
    keys: dict[str, list[str]] = {}
    for entry in entries:
        keys.setdefault(entry.target, []).append(entry.key)
    _cover(writer, layout, annotated, keys[COVER])
    for form in layout.forms:
        _form(writer, form, annotated, keys.get(form.oid, []))
    for entry in entries:
        writer.canvas.addOutlineEntry(entry.title, entry.key, level=entry.level, closed=entry.level > 0)
    writer.canvas.showOutline()
    writer.canvas.save()
    return path
