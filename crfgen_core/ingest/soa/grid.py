"""The plain grid every SoA reader produces (PDF, DOCX, OCR): rows of cells plus where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from crfgen_core.model.protocol import ExtractionWarning


@dataclass(frozen=True)
class GridCell:
    """One cell. `markers` are footnote markers already taken apart by the reader (superscripts);
    `span_copy` is True when the text is a copy of a cell merged across from the left (or from above);
    `activity` is True on a label the reader knows names an activity even where its row has no marks (a
    line of several activities stacked in one ruled row), never a section row."""

    text: str = ""
    markers: tuple[str, ...] = ()
    span_copy: bool = False
    activity: bool = False


@dataclass(frozen=True)
class SoaGrid:
    """One table as found on one page (or one Word table), rows top to bottom, all rows equally long.

    `page` is 1-based (None for DOCX), `title` the caption found above the table, `continued` says the
    caption marks a continuation, `footnotes` maps markers to the legend texts found under the table,
    `legend` maps cell codes to their meaning ("P" -> "practice, not collected"), `ocr` says the cells
    were read from pixels, `heading` is the line of text just above an uncaptioned table (a sub-heading
    naming a phase, or a stray line: a hint, never a title on its own), `table` where a document without
    pages holds it ('table 7': Word tables counted in body order; a picture read by OCR: 'picture 2 in
    the section ...').
    """

    rows: list[list[GridCell]]
    page: int | None = None
    title: str | None = None
    continued: bool = False
    footnotes: dict[str, str] = field(default_factory=dict)
    legend: dict[str, str] = field(default_factory=dict)
    ocr: bool = False
    heading: str | None = None
    table: str | None = None


@dataclass
class SoaReading:
    """What a format reader found: candidate grids in reading order, and what went wrong on the way."""

    grids: list[SoaGrid] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)
