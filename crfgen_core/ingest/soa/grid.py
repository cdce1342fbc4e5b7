"""The plain grid every SoA reader produces (PDF, DOCX): rows of cell strings plus where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GridCell:
    """One cell. `markers` are footnote markers already taken apart by the reader (superscripts);
    `span_copy` is True when the text is a copy of a cell merged across from the left."""

    text: str = ""
    markers: tuple[str, ...] = ()
    span_copy: bool = False


@dataclass(frozen=True)
class SoaGrid:
    """One table as found on one page (or one Word table), rows top to bottom, all rows equally long.

    `title` is the caption found above the table, `continued` says the caption marks a continuation,
    `footnotes` maps markers to the legend texts found under the table.
    """

    rows: list[list[GridCell]]
    page: int | None = None
    title: str | None = None
    continued: bool = False
    footnotes: dict[str, str] = field(default_factory=dict)
