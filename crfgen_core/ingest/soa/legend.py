"""The legend printed under an SoA table, for every reader (PDF glyph lines, OCR words, DOCX paragraphs):
footnote texts by marker ("a Fasting sample", "ᵇ Sitting") and cell codes by meaning ("P = practice").

A footnote entry starts with a marker used in the table (raised, or typed before the text), a code entry
with a code that stands in the table's cells followed by "=" or ":". Lines that follow an entry continue
it when their geometry allows (close below, not left of the entry); without geometry (Word paragraphs)
a line is a whole entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crfgen_core.ingest.soa.grid import GridCell

# an optional tick the marker is attached to ("Xa = ..."), the marker, a separator, the text
FOOTNOTE_ENTRY = re.compile(
    r"^\s*(?:[xX]\s?(?=[a-z]\b))?(?P<m>[A-Za-z]{1,2}|\d{1,2}|[*†‡§¶#]+)\s*[.):=]?\s+(?P<t>\S.*)$")
# without the table's markers (OCR: no superscripts), an entry needs a lower-case marker and a separator
LOOSE_ENTRY = re.compile(r"^\s*(?:[xX]\s?)?(?P<m>[a-z]|[*†‡§¶])\s*[=:.)]\s*(?P<t>\S.*)$")
OTHER_ENTRY = re.compile(r"^\S{1,12}\s*[=:]\s")  # an abbreviation or symbol legend ("ECG = ...", "P: ...")
CODE_ENTRY = re.compile(r"^\s*(?P<code>[^\s=:;,]{1,6})\s*(?:=|:|–|—)\s*(?P<t>[^;]*\S)")
LINE_GAP_SHARE = 1.8  # a continuation line sits within this share of the font size below the previous
MAX_CODE = 6  # characters: a longer cell text is a time list or a word, not a code
INDENT_SLACK = 2.0  # pt: a continuation line starts no further left than its entry, less this


@dataclass(frozen=True)
class LegendLine:
    """One text line under a table; geometry is None where the reader has none (DOCX)."""

    text: str
    lead: tuple[str, ...] = ()  # markers raised before any text of the line
    x0: float | None = None
    baseline: float | None = None
    size: float | None = None


@dataclass
class Legend:
    footnotes: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)


def read_legend(lines: list[LegendLine], markers: set[str] | None, codes: set[str]) -> Legend:
    """Given the lines under a table, the footnote markers used in it (None: not known, as in OCR) and
    the cell codes written in it, return marker -> footnote text and code -> meaning."""
    legend = Legend()
    current: dict[str, str] | None = None
    key = ""
    entry_x: float | None = None
    previous: LegendLine | None = None
    for line in lines:
        found = _code_entries(line.text, codes)
        if found and current is not None and _continues(line, previous, entry_x):
            # an entry wrapped onto this line before the next entry starts ("Early / Termination; RT = ...")
            rest = _text_before_entries(line.text, codes)
            if rest:
                current[key] += " " + rest
        if found:
            legend.codes.update((k, v) for k, v in found.items() if k not in legend.codes)
            current, key = legend.codes, next(reversed(found))  # the line's last entry may wrap on
            entry_x = line.x0
        else:
            marker, text = _footnote_entry(line, markers)
            if marker is not None and marker not in legend.footnotes:
                legend.footnotes[marker] = text
                current, key, entry_x = legend.footnotes, marker, line.x0
            elif (current is not None and marker is None and line.text and not OTHER_ENTRY.match(line.text)
                  and _continues(line, previous, entry_x)):
                current[key] += " " + line.text
            else:
                current = None
        previous = line
    return legend


def _continues(line: LegendLine, previous: LegendLine | None, entry_x: float | None) -> bool:
    if previous is None:
        return False
    if line.baseline is None or previous.baseline is None or previous.size is None:
        return False  # no geometry (Word paragraphs): one paragraph is one entry
    close = abs(line.baseline - previous.baseline) <= LINE_GAP_SHARE * previous.size
    return close and (entry_x is None or line.x0 is None or line.x0 >= entry_x - INDENT_SLACK)


def _footnote_entry(line: LegendLine, markers: set[str] | None) -> tuple[str | None, str]:
    """The marker a line starts with (raised, or typed before the text) and the text after it."""
    if line.lead and (markers is None or line.lead[0] in markers) and line.text:
        return line.lead[0], line.text
    if markers is None:
        match = LOOSE_ENTRY.match(line.text)
        return (match.group("m"), match.group("t").strip()) if match else (None, line.text)
    match = FOOTNOTE_ENTRY.match(line.text)
    if match and match.group("m") in markers:
        return match.group("m"), match.group("t").strip()
    return None, line.text


def _code_entries(text: str, codes: set[str]) -> dict[str, str]:
    """Code definitions in a line ("P = practice; T = telephone contact"), only for codes in the table."""
    found: dict[str, str] = {}
    for part in re.split(r"[;]\s*|\s{3,}", text):
        match = CODE_ENTRY.match(part)
        if match and match.group("code") in codes:
            found[match.group("code")] = match.group("t").strip().rstrip(".,")
    return found


def _text_before_entries(text: str, codes: set[str]) -> str:
    """The text of a line before its first code definition (the end of an entry from the line above)."""
    parts = re.split(r"[;]\s*|\s{3,}", text)
    before: list[str] = []
    for part in parts:
        match = CODE_ENTRY.match(part)
        if match and match.group("code") in codes:
            break
        before.append(part)
    return "; ".join(before).strip().rstrip(".,;")


def grid_codes(rows: list[list[GridCell]]) -> set[str]:
    """The short codes written in a grid's cells right of the label column (X, P, T, O...): the only
    words a code legend can define."""
    return {cell.text.strip() for row in rows for cell in row[1:]
            if cell.text.strip() and len(cell.text.strip()) <= MAX_CODE and " " not in cell.text.strip()}
