"""Where in the protocol a design record was read: table cells, text spans and the schedule-to-page map.

PDF places are 1-based pages; a DOCX has no pages, so its places are body-order references ('table 7',
paragraph 120) that a reader finds the same way in Word.
"""

from __future__ import annotations

from pydantic import Field

from crfgen_core.model.base import Contract


class SourceCell(Contract):
    """One SoA table cell, named as the protocol writes it: the activity row's label cell, a visit column's
    header cell, or the marked cell where the two meet."""

    schedule_id: str
    activity_label: str | None = Field(default=None, description="the row label as written")
    visit_label: str | None = Field(default=None, description="the column label as written")
    text: str | None = Field(default=None, description="a marked cell's text as written (X, Xb...)")
    page: int | None = None
    table: str | None = Field(default=None, description="DOCX: the Word table, e.g. 'table 7'")


class TextSpan(Contract):
    """A passage of protocol text (a criterion, a panel list), quoted short, with its page or paragraph."""

    text: str
    page: int | None = None
    paragraph: int | None = Field(default=None, description="DOCX: 1-based body paragraph")


class ScheduleCellPlace(Contract):
    """A marked cell of one activity row: its visit column, text and page."""

    visit_id: str
    visit_label: str
    text: str
    page: int | None = None


class ScheduleRowPlace(Contract):
    """Where one activity row was read (a row continued over pages has several)."""

    activity_id: str
    label: str
    key: str | None = Field(default=None, description="correction key of the row (review/keys.py)")
    row: int | None = None
    pages: list[int] = Field(default_factory=list)
    table: str | None = None
    cells: list[ScheduleCellPlace] = Field(default_factory=list)


class ScheduleColumnPlace(Contract):
    """Where one visit column was read."""

    visit_id: str
    label: str
    key: str | None = Field(default=None, description="correction key of the column (review/keys.py)")
    headers: list[str] = Field(default_factory=list)
    pages: list[int] = Field(default_factory=list)


class SchedulePlace(Contract):
    """The schedule-to-page map of one SoA table: its pages, and where each row and column was read.

    The keys are the stable ones a correction names its target by, from the table the design was built
    from (after earlier corrections), so a new correction resolves against them; None in a design
    written before the map held them."""

    schedule_id: str
    title: str
    key: str | None = Field(default=None, description="correction key of the table (review/keys.py)")
    pages: list[int] = Field(default_factory=list)
    tables: list[str] = Field(default_factory=list, description="DOCX: the Word tables it was read from")
    ocr_pages: list[int] = Field(default_factory=list)
    columns: list[ScheduleColumnPlace] = Field(default_factory=list)
    rows: list[ScheduleRowPlace] = Field(default_factory=list)
