"""What a synthetic study holds, independent of how it is drawn: schedules with header cells, rows and
marks, each knowing whether the truth counts it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    """Text as the reader should report it, plus the footnote markers written next to it."""

    text: str
    markers: tuple[str, ...] = ()


@dataclass
class HeaderCell:
    """One header cell over visit columns [col, col + colspan) and header rows [row, row + rowspan)."""

    row: int
    col: int
    text: Text
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Mark:
    """A body cell's content. `scheduled` is False for a dash or N/A (written, but nothing happens);
    `span` > 1 is one merged cell over several visits (every one of them is scheduled)."""

    text: str
    markers: tuple[str, ...] = ()
    scheduled: bool = True
    span: int = 1


@dataclass
class Row:
    """A body row: an activity, a section row grouping the rows below, or a redacted ("CCI") band."""

    kind: str  # "activity" | "section" | "redacted"
    label: Text
    group: str | None = None
    reference: str = ""
    note: str = ""
    marks: dict[int, Mark] = field(default_factory=dict)  # visit index -> mark (the origin of a span)
    redact_span: int = 1  # a redacted band covering this many consecutive rows


@dataclass
class Schedule:
    """One logical SoA table. `row_names` label the header rows in the activity column (or are empty)."""

    kind: str  # "main" | "later" | "lab" | "pk"
    title: str  # the caption as drawn ("" = no caption)
    truth_title: str
    n_visits: int
    header_rows: int
    header: list[HeaderCell]
    row_names: list[str]
    corner: str  # the activity column's header ("Procedure")
    rows: list[Row]
    footnotes: list[tuple[str, str]] = field(default_factory=list)  # (marker, text) under the table
    legend: list[tuple[str, str]] = field(default_factory=list)  # (code, meaning)
    visit_name_row: int | None = None  # the header row holding visit names, if any
    redaction_fill: str = "black"  # "black" (white CCI) or "dark" (a grey box, black CCI)

    def column_headers(self) -> list[list[str]]:
        """The header texts above each visit column, top to bottom, consecutive repeats dropped."""
        grid: list[list[str]] = [["" for _ in range(self.header_rows)] for _ in range(self.n_visits)]
        for cell in self.header:
            for c in range(cell.col, cell.col + cell.colspan):
                for r in range(cell.row, cell.row + cell.rowspan):
                    grid[c][r] = cell.text.text
        out: list[list[str]] = []
        for column in grid:
            texts: list[str] = []
            for text in column:
                if text and (not texts or texts[-1] != text):
                    texts.append(text)
            out.append(texts)
        return out

    def visit_label(self, col: int) -> str:
        headers = self.column_headers()[col]
        if self.visit_name_row is not None:
            for cell in self.header:
                if cell.row <= self.visit_name_row < cell.row + cell.rowspan and \
                        cell.col <= col < cell.col + cell.colspan and cell.text.text:
                    return cell.text.text
        return headers[-1] if headers else f"Column {col + 1}"


@dataclass
class Decoy:
    """A table that is not a schedule (abbreviations, responsibilities, a risk matrix)."""

    title: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Study:
    protocol_number: str
    study_title: str
    schedules: list[Schedule]
    decoy: Decoy | None
    paragraphs: list[str]  # body text to draw before / between / after the tables
    toc_entries: list[tuple[str, str]]  # (section number, heading)
