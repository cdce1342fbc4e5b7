"""Footnote legend under a table: marker -> text, read from the glyph lines below the table only (the
page's plain text mixes the table's own lines into the legend)."""

from __future__ import annotations

import re

from crfgen_core.ingest.pdf.cell_text import TextLine

LEGEND_ENTRY = re.compile(r"^\s*(?P<m>[A-Za-z]{1,2}|\d{1,2}|[*†‡§¶#]+)\s*[.):=]?\s+(?P<t>\S.*)$")
LINE_GAP_SHARE = 1.8  # a continuation line sits within this share of the font size below the previous
INDENT_SLACK = 2.0  # pt: a continuation line starts no further left than its entry, less this


def legend_footnotes(lines: list[TextLine], markers: set[str]) -> dict[str, str]:
    """Given the text lines below a table and the markers used in it, return marker -> legend text."""
    if not markers:
        return {}
    notes: dict[str, str] = {}
    current: str | None = None
    entry_x = 0.0
    previous: TextLine | None = None
    for line in lines:
        marker, text = _entry(line, markers)
        if marker is not None and marker not in notes:
            current, entry_x = marker, line.x0
            notes[marker] = text
        elif (current is not None and marker is None and previous is not None and line.text
              and line.baseline - previous.baseline <= LINE_GAP_SHARE * previous.size
              and line.x0 >= entry_x - INDENT_SLACK):
            notes[current] += " " + line.text
        else:
            current = None
        previous = line
    return notes


def _entry(line: TextLine, markers: set[str]) -> tuple[str | None, str]:
    """The marker a line starts with (raised, or typed before the text) and the text after it."""
    if line.lead and line.lead[0] in markers and line.text:
        return line.lead[0], line.text
    match = LEGEND_ENTRY.match(line.text)
    if match and match.group("m") in markers:
        return match.group("m"), match.group("t").strip()
    return None, line.text
