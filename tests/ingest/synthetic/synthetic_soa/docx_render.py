"""Draw a synthetic protocol as DOCX: real Word tables built as WordprocessingML (w:gridSpan for cells
merged across, w:vMerge for cells merged down, w:tblHeader for repeated header rows, w:textDirection for
turned headers, w:shd for shading and redaction bands), headings, captions and landscape sections."""

from __future__ import annotations

import io
import random
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from synthetic_soa.grid import (
    UNICODE_SUPERSCRIPT,
    Rect,
    Run,
    TableGrid,
    build_grid,
    take_columns,
    take_rows,
    visit_parts,
)
from synthetic_soa.model import Decoy, Schedule, Study
from synthetic_soa.params import LayoutParams
from synthetic_soa.plan import Block, plan

FONTS = {"helvetica": "Arial", "times": "Times New Roman", "dejavu": "Calibri"}
WIDTHS = {"outer": 700, "label": 2800, "ref": 900, "visit": 620, "note": 2200}  # twips
ROWS_PER_PART = {"portrait": 30, "landscape": 18}  # body rows per table when a long table is cut


def check_coverage(grid: TableGrid) -> None:
    """Every grid position must belong to exactly one merged cell, or Word cannot represent it."""
    seen: set[tuple[int, int]] = set()
    for rect in grid.rects:
        for r in range(rect.r0, rect.r1):
            for c in range(rect.c0, rect.c1):
                assert (r, c) not in seen, f"cell ({r}, {c}) drawn twice"
                seen.add((r, c))
    missing = {(r, c) for r in range(grid.n_rows) for c in range(grid.n_cols)} - seen
    assert not missing, f"cells not drawn: {sorted(missing)[:5]}"


class DocxWriter:
    def __init__(self, study: Study, params: LayoutParams) -> None:
        self.study, self.params = study, params
        self.document: Document = docx.Document()
        self.rng = random.Random(params.content_seed + 2)
        self.font = FONTS.get(params.font, "Arial")
        self.orientation = "portrait"
        self.started = False

    # -- page flow

    def page(self, orientation: str = "portrait") -> None:
        """Start the next part on a new page, in a new section when the orientation changes."""
        if not self.started:
            self.started = True
            self._orient(self.document.sections[0], orientation)
            return
        if orientation != self.orientation:
            self._orient(self.document.add_section(WD_SECTION.NEW_PAGE), orientation)
        else:
            self.document.add_page_break()

    def _orient(self, section: object, orientation: str) -> None:
        width, height = section.page_width, section.page_height  # type: ignore[attr-defined]
        landscape = orientation == "landscape"
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT  # type: ignore[attr-defined]
        if (width > height) != landscape:
            section.page_width, section.page_height = height, width  # type: ignore[attr-defined]
        self.orientation = orientation

    def paragraph(self, text: str, size: float = 10, bold: bool = False, style: str | None = None) -> None:
        paragraph = self.document.add_paragraph(style=style)
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.font.size = Pt(size)

    # -- blocks

    def title_page(self) -> None:
        self.page()
        self.paragraph("CLINICAL STUDY PROTOCOL", 16, bold=True)
        self.paragraph(self.study.study_title, 13, bold=True)
        self.paragraph(f"Protocol Number: {self.study.protocol_number}")
        self.paragraph("Sponsor: Synthetic Sponsor Ltd.")

    def toc(self) -> None:
        self.page()
        self.paragraph("TABLE OF CONTENTS", 12, bold=True)
        title = next((s.truth_title for s in self.study.schedules if s.truth_title), "Schedule of Activities")
        for number, heading in [("1", "Protocol Summary"), ("1.3", title), *self.study.toc_entries[1:]]:
            self.paragraph(f"{number}\t{heading}\t{self.rng.randint(5, 80)}", style="TOC 2"
                           if "TOC 2" in [s.name for s in self.document.styles] else None)

    def text(self, block: Block) -> None:
        self.page()
        self.document.add_heading(block.heading, level=1)
        for paragraph in self.rng.sample(self.study.paragraphs, k=4):
            self.paragraph(paragraph)
        if block.caption_for is not None:
            self._caption(self.study.schedules[block.caption_for].title)

    def decoy(self, decoy: Decoy) -> None:
        self.page()
        self._caption(decoy.title)
        table = self.document.add_table(rows=len(decoy.rows) + 1, cols=len(decoy.header))
        table.style = "Table Grid"
        for c, text in enumerate(decoy.header):
            table.rows[0].cells[c].text = text
        for r, row in enumerate(decoy.rows, 1):
            cells = table.rows[r].cells
            for c, text in enumerate(row):
                cells[c].text = text

    def _caption(self, title: str) -> None:
        if not title:
            return
        style = self.params.title_style
        if style == "section_number":
            self.document.add_heading(title, level=2)
        elif style == "table_caption":
            self.paragraph(title, 11, bold=True, style="Caption")
        else:
            self.paragraph(title, 12, bold=True)

    def schedule(self, index: int) -> None:
        params = self.params
        schedule = self.study.schedules[index]
        grid = build_grid(schedule, params)
        check_coverage(grid)
        orientation = params.orientation
        if params.orientation_switch and index % 2 == 1:
            orientation = "portrait" if orientation == "landscape" else "landscape"
        parts = [grid]
        if params.sideways_split and schedule.n_visits >= 6:
            parts = [take_columns(grid, cols) for cols in visit_parts(grid, 2)]
        for k, part in enumerate(parts):
            self.page(orientation)
            if k == 0 and not (index == 0 and params.title_position == "previous_page"):
                self._caption(schedule.title)
            elif k > 0:
                self._continued_caption(schedule)
            self._table_in_pieces(part, schedule, orientation)
        self._notes(schedule)

    def _continued_caption(self, schedule: Schedule) -> None:
        if self.params.continued_title == "repeat":
            self._caption(schedule.title)
        elif self.params.continued_title == "continued" and schedule.title:
            self._caption(f"{schedule.title} (continued)")

    def _table_in_pieces(self, grid: TableGrid, schedule: Schedule, orientation: str) -> None:
        """A long table is one Word table (Word repeats the header rows) or, as in documents converted
        from PDF, one table per page with or without the header rows repeated."""
        params = self.params
        body = list(grid.body_rows())
        per = ROWS_PER_PART[orientation]
        cut = len(body) > per and (params.continued_title != "repeat" or not params.repeat_header
                                   or params.interleaved_page != "none")
        if not cut:
            self._table(grid, mark_header=params.repeat_header)
            return
        header = list(range(grid.header_rows))
        for k in range(0, len(body), per):
            if k:
                self.page(orientation)
                self._continued_caption(schedule)
            rows = (header if k == 0 or params.repeat_header else []) + body[k:k + per]
            self._table(take_rows(grid, rows), mark_header=False)

    # -- Word tables as XML

    def _table(self, grid: TableGrid, mark_header: bool) -> None:
        params = self.params
        table = self.document.add_table(rows=0, cols=grid.n_cols)
        tbl = table._tbl
        look = tbl.tblPr.find(qn("w:tblLook"))
        if look is not None:  # schema order: tblBorders comes before tblLook
            look.addprevious(_borders(params.rules))
        else:
            tbl.tblPr.append(_borders(params.rules))
        starts = {(rect.r0, rect.c0): rect for rect in grid.rects}
        continuing = {(r, rect.c0): rect for rect in grid.rects for r in range(rect.r0 + 1, rect.r1)}
        for r in range(grid.n_rows):
            tr = OxmlElement("w:tr")
            if mark_header and r < grid.header_rows:
                tr_pr = OxmlElement("w:trPr")
                tr_pr.append(OxmlElement("w:tblHeader"))
                tr.append(tr_pr)
            c = 0
            while c < grid.n_cols:
                rect = starts.get((r, c)) or continuing.get((r, c))
                assert rect is not None, (r, c)
                tr.append(self._tc(grid, rect, first=rect.r0 == r, header_bottom=r == grid.header_rows - 1))
                c = rect.c1
            tbl.append(tr)

    def _tc(self, grid: TableGrid, rect: Rect, first: bool, header_bottom: bool) -> OxmlElement:
        slot = rect.slot
        tc = OxmlElement("w:tc")
        tc_pr = OxmlElement("w:tcPr")
        width = sum(WIDTHS[grid.col_roles[c]] for c in range(rect.c0, rect.c1))
        _child(tc_pr, "w:tcW", {"w:w": str(width), "w:type": "dxa"})
        if rect.c1 - rect.c0 > 1:
            _child(tc_pr, "w:gridSpan", {"w:val": str(rect.c1 - rect.c0)})
        if rect.r1 - rect.r0 > 1:
            _child(tc_pr, "w:vMerge", {"w:val": "restart"} if first else {})
        if self.params.rules == "booktabs" and header_bottom:
            borders = _child(tc_pr, "w:tcBorders", {})
            _child(borders, "w:bottom", {"w:val": "single", "w:sz": "6", "w:space": "0", "w:color": "000000"})
        if slot.fill:
            _child(tc_pr, "w:shd", {"w:val": "clear", "w:color": "auto",
                                    "w:fill": {"grey": "D9D9D9", "dark": "808080"}.get(slot.fill, "000000")})
        if slot.rotate:
            _child(tc_pr, "w:textDirection", {"w:val": "btLr"})
        if slot.role in ("mark", "header", "redacted"):
            _child(tc_pr, "w:vAlign", {"w:val": "center"})
        tc.append(tc_pr)
        p = OxmlElement("w:p")
        if slot.align == "center":
            p_pr = _child(p, "w:pPr", {})
            _child(p_pr, "w:jc", {"w:val": "center"})
        if first:
            for run in slot.runs:
                p.append(self._run(run, slot.bold, white=slot.fill == "black"))
        tc.append(p)
        return tc

    def _run(self, run: Run, bold: bool, white: bool = False) -> OxmlElement:
        r = OxmlElement("w:r")
        r_pr = _child(r, "w:rPr", {})
        _child(r_pr, "w:rFonts", {"w:ascii": self.font, "w:hAnsi": self.font, "w:cs": self.font})
        if bold:
            _child(r_pr, "w:b", {})
        if white:
            _child(r_pr, "w:color", {"w:val": "FFFFFF"})
        _child(r_pr, "w:sz", {"w:val": str(2 * self.params.font_size)})
        if run.sup:
            _child(r_pr, "w:vertAlign", {"w:val": "superscript"})
        t = _child(r, "w:t", {})
        t.set(qn("xml:space"), "preserve")
        t.text = run.text
        return r

    def _notes(self, schedule: Schedule) -> None:
        size = max(6, self.params.font_size - 1)
        if schedule.legend:
            self.paragraph("; ".join(meaning for _, meaning in schedule.legend), size)
        for marker, text in schedule.footnotes:
            paragraph = self.document.add_paragraph()
            style = self.params.footnotes
            if style in ("superscript", "digits"):
                lead = paragraph.add_run(marker)
                lead.font.superscript = True
                lead.font.size = Pt(size)
                body = paragraph.add_run(f" {text}")
            elif style == "unicode":
                body = paragraph.add_run(f"{UNICODE_SUPERSCRIPT.get(marker, marker)} {text}")
            else:
                body = paragraph.add_run(f"{marker}. {text}")
            body.font.size = Pt(size)


def _child(parent: OxmlElement, tag: str, attrs: dict[str, str]) -> OxmlElement:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(key), value)
    parent.append(element)
    return element


def _borders(rules: str) -> OxmlElement:
    borders = OxmlElement("w:tblBorders")
    on = {"grid": {"top", "left", "bottom", "right", "insideH", "insideV"},
          "horizontal": {"top", "bottom", "insideH"}, "booktabs": {"top", "bottom"}, "none": set()}[rules]
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        size = "12" if rules == "booktabs" else "4"
        drawn = {"w:val": "single", "w:sz": size, "w:space": "0", "w:color": "000000"}
        _child(borders, f"w:{side}", drawn if side in on else {"w:val": "nil"})
    return borders


def render_docx_pictures(study: Study, params: LayoutParams, path: Path, pictures: list[bytes]) -> None:
    """Given a study and its schedule pages as PNG pictures, write a DOCX whose SoA section holds the
    pictures and no Word table (as some templates paste a drawn schedule)."""
    writer = DocxWriter(study, params)
    writer.title_page()
    if params.body_text:
        writer.text(Block("text", heading="1 Protocol Summary"))
    writer.page(params.orientation)
    title = next((s.truth_title for s in study.schedules if s.truth_title), "Schedule of Activities")
    writer.document.add_heading(f"1.3 {title}", level=2)
    section = writer.document.sections[-1]
    width = section.page_width - section.left_margin - section.right_margin
    for picture in pictures:
        writer.document.add_picture(io.BytesIO(picture), width=width)
    writer.page("portrait")
    writer.document.add_heading("2 Introduction", level=1)
    writer.paragraph(study.paragraphs[0])
    writer.document.save(str(path))


def render_docx(study: Study, params: LayoutParams, path: Path) -> None:
    """Given a study and its layout, write the DOCX."""
    writer = DocxWriter(study, params)
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
    writer.document.save(str(path))
