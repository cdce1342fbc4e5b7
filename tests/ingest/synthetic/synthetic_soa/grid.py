"""A schedule as a drawable grid of merged cells (rectangles), shared by the PDF and DOCX renderers:
label, reference, visit and notes columns; header rows with group cells spanning columns; section rows,
redacted bands and continuous marks spanning columns. Cut sideways (visit columns over two parts) or
down (page by page) by taking columns or rows; a cut merged cell keeps its text in every part sideways
and only in its first part downwards, as word processors do."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from synthetic_soa.model import Mark, Schedule, Text
from synthetic_soa.params import LayoutParams

UNICODE_SUPERSCRIPT = dict(zip("abcdefghijklmnoprstuvwxyz0123456789,",
                               "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ⁰¹²³⁴⁵⁶⁷⁸⁹˒", strict=True))


@dataclass(frozen=True)
class Run:
    text: str
    sup: bool = False


@dataclass(frozen=True)
class Slot:
    """What one merged cell shows and how."""

    runs: tuple[Run, ...] = ()
    role: str = "empty"  # corner rowname header label outer ref note mark section redacted empty
    bold: bool = False
    fill: str | None = None  # "grey" (shading) | "black" | "dark" (redaction)
    rotate: bool = False
    align: str = "left"

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Rect:
    r0: int
    c0: int
    r1: int  # exclusive
    c1: int  # exclusive
    slot: Slot


@dataclass
class TableGrid:
    """Rows 0..header_rows-1 are the header, the rest the body. `weights` is each row's height in
    ordinary rows (a redacted block is taller); `kinds` says what each body row is."""

    n_cols: int
    header_rows: int
    n_rows: int
    rects: list[Rect]
    col_roles: list[str]
    kinds: list[str] = field(default_factory=list)  # per row: header activity section redacted
    weights: list[int] = field(default_factory=list)

    def body_rows(self) -> range:
        return range(self.header_rows, self.n_rows)


def styled(text: Text, style: str) -> tuple[Run, ...]:
    """Given text with footnote markers and the layout's marker style, return the runs to draw."""
    if not text.markers or style == "none":
        return (Run(text.text),) if text.text else ()
    markers = ",".join(text.markers)
    if style == "plain":
        return (Run(f"{text.text} {markers}"),)
    if style == "unicode":
        return (Run(text.text + "".join(UNICODE_SUPERSCRIPT.get(ch, ch) for ch in markers)),)
    return (Run(text.text), Run(markers, sup=True))


def build_grid(schedule: Schedule, params: LayoutParams) -> TableGrid:
    """Given a schedule and the layout, return its grid with every column the layout asks for."""
    style = params.footnotes
    roles = (["outer"] if params.sections == "outer_column" else []) + ["label"]
    if params.ref_column not in ("none", "inline"):
        roles.append("ref")
    first_visit = len(roles)
    roles += ["visit"] * schedule.n_visits
    if params.notes_column != "none":
        roles.append("note")
    n_cols, depth = len(roles), schedule.header_rows
    label_cols = 2 if params.sections == "outer_column" else 1
    header_fill = "grey" if params.shading in ("header", "header+sections") else None
    rects: list[Rect] = []

    def head(text: str, role: str, bold: bool = True) -> Slot:
        return Slot((Run(text),) if text else (), role, bold=bold, fill=header_fill,
                    align="left" if role in ("corner", "rowname") else "center")

    def side_column(c0: int, c1: int, role: str, text: str, per_row: list[str] | None = None) -> None:
        if per_row is not None:
            for r, name in enumerate(per_row):
                rects.append(Rect(r, c0, r + 1, c1, head(name, role)))
        elif params.header_vmerge:
            rects.append(Rect(0, c0, depth, c1, head(text, role)))
        else:
            for r in range(depth):
                rects.append(Rect(r, c0, r + 1, c1, head(text if r == depth - 1 else "", role)))

    if params.row_names == "row_names":
        side_column(0, label_cols, "rowname", "", schedule.row_names)
    else:
        side_column(0, label_cols, "corner", schedule.corner if params.row_names == "corner" else "")
    if "ref" in roles:
        side_column(roles.index("ref"), roles.index("ref") + 1, "header", params.ref_column)
    if "note" in roles:
        side_column(n_cols - 1, n_cols, "header", params.notes_column)
    rotate_row = _longest_row(schedule)
    for cell in schedule.header:
        on_row = cell.row <= rotate_row < cell.row + cell.rowspan
        rotate = params.rotated_headers and cell.colspan == 1 and on_row
        slot = Slot(styled(cell.text, style), "header", bold=cell.row == 0 and depth > 1, fill=header_fill,
                    rotate=rotate and bool(cell.text.text), align="center")
        rects.append(Rect(cell.row, first_visit + cell.col, cell.row + cell.rowspan,
                          first_visit + cell.col + cell.colspan, slot))
    kinds = ["header"] * depth
    weights = [1] * depth
    section_fill = "grey" if params.shading == "header+sections" else None
    outer_start: tuple[int, str] | None = None
    r = depth
    for row in schedule.rows:
        if row.kind == "section":
            if params.sections == "spanning":
                rects.append(Rect(r, 0, r + 1, n_cols, Slot((Run(row.label.text),), "section", bold=True,
                                                             fill=section_fill)))
            else:
                rects.append(Rect(r, label_cols - 1, r + 1, label_cols,
                                  Slot((Run(row.label.text),), "section", bold=True, fill=section_fill)))
                for c in range(label_cols, n_cols):
                    rects.append(Rect(r, c, r + 1, c + 1, Slot(fill=section_fill)))
        elif row.kind == "redacted":
            start = label_cols - 1
            rects.append(Rect(r, start, r + 1, n_cols, Slot((Run("CCI"),), "redacted", bold=True,
                                                            fill=schedule.redaction_fill, align="center")))
        else:
            text = row.label
            if params.ref_column == "inline" and row.reference:  # a pointer to the text: "ECG (8.2.1)"
                text = Text(f"{text.text} ({row.reference})", text.markers)
            label = styled(text, style)
            rects.append(Rect(r, label_cols - 1, r + 1, label_cols, Slot(label, "label")))
            if "ref" in roles:
                rects.append(Rect(r, roles.index("ref"), r + 1, roles.index("ref") + 1,
                                  Slot(_runs(row.reference), "ref", align="center")))
            covered: set[int] = set()
            for start, mark in sorted(row.marks.items()):
                covered.update(range(start, start + mark.span))
                rects.append(Rect(r, first_visit + start, r + 1, first_visit + start + mark.span,
                                  _mark_slot(mark, style)))
            for c in range(schedule.n_visits):
                if c not in covered:
                    rects.append(Rect(r, first_visit + c, r + 1, first_visit + c + 1, Slot(align="center")))
            if "note" in roles:
                rects.append(Rect(r, n_cols - 1, r + 1, n_cols, Slot(_runs(row.note), "note")))
        if params.sections == "outer_column":
            group = row.group or ""
            if outer_start is None or outer_start[1] != group:
                if outer_start is not None:
                    rects.append(_outer(outer_start, r))
                outer_start = (r, group)
        kinds.append(row.kind)
        weights.append(row.redact_span)
        r += 1
    if outer_start is not None:
        rects.append(_outer(outer_start, r))
    return TableGrid(n_cols, depth, r, rects, roles, kinds, weights)


def _runs(text: str) -> tuple[Run, ...]:
    return (Run(text),) if text else ()


def _longest_row(schedule: Schedule) -> int:
    """The header row authors turn sideways: the one with the longest texts in single-column cells."""
    lengths: dict[int, list[int]] = {}
    for cell in schedule.header:
        if cell.colspan == 1 and cell.text.text:
            lengths.setdefault(cell.row, []).append(len(cell.text.text))
    if not lengths:
        return schedule.header_rows - 1
    return max(lengths, key=lambda r: (sum(lengths[r]) / len(lengths[r]), r))


def _outer(start: tuple[int, str], end: int) -> Rect:
    return Rect(start[0], 0, end, 1, Slot((Run(start[1]),) if start[1] else (), "outer", bold=True,
                                           rotate=end - start[0] >= 4))


def _mark_slot(mark: Mark, style: str) -> Slot:
    return Slot(styled(Text(mark.text, mark.markers), style), "mark", align="center")


def take_columns(grid: TableGrid, keep: list[int]) -> TableGrid:
    """The grid with only the given columns (in order); a merged cell cut by the split keeps its text."""
    index = {c: i for i, c in enumerate(keep)}
    rects: list[Rect] = []
    for rect in grid.rects:
        inside = [index[c] for c in range(rect.c0, rect.c1) if c in index]
        if inside:
            rects.append(replace(rect, c0=min(inside), c1=max(inside) + 1))
    return replace(grid, n_cols=len(keep), rects=rects, col_roles=[grid.col_roles[c] for c in keep])


def take_rows(grid: TableGrid, rows: list[int]) -> TableGrid:
    """The grid with only the given rows (in order, e.g. the header and one page of body rows); a merged
    cell cut by a page break shows its text in its first part only."""
    index = {r: i for i, r in enumerate(rows)}
    rects: list[Rect] = []
    for rect in grid.rects:
        inside = [index[r] for r in range(rect.r0, rect.r1) if r in index]
        if not inside:
            continue
        slot = rect.slot if rect.r0 in index else replace(rect.slot, runs=())
        rects.append(Rect(min(inside), rect.c0, max(inside) + 1, rect.c1, slot))
    header = sum(1 for r in rows if r < grid.header_rows)
    return replace(grid, header_rows=header, n_rows=len(rows), rects=rects,
                   kinds=[grid.kinds[r] for r in rows], weights=[grid.weights[r] for r in rows])


def visit_parts(grid: TableGrid, parts: int) -> list[list[int]]:
    """Column lists for a sideways split: the label and reference columns in every part, the visit
    columns divided, the notes column in the last part."""
    left = [c for c, role in enumerate(grid.col_roles) if role in ("outer", "label", "ref")]
    visits = [c for c, role in enumerate(grid.col_roles) if role == "visit"]
    notes = [c for c, role in enumerate(grid.col_roles) if role == "note"]
    size = -(-len(visits) // parts)
    chunks = [visits[i:i + size] for i in range(0, len(visits), size)]
    return [left + chunk + (notes if k == len(chunks) - 1 else []) for k, chunk in enumerate(chunks)]
