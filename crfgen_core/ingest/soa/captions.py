"""SoA captions ("Table 3: Schedule of Activities (continued)") for every reader: which text line is one,
whether it marks a continuation, and caption rows drawn inside the table's own grid."""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher

from crfgen_core.ingest.soa.grid import GridCell, SoaGrid
from crfgen_core.ingest.soa.vocabulary import soa_vocabulary

MAX_CAPTION = 160  # characters
MAX_CAPTION_PREFIX = 3  # words before the title words, after a table label ("PK and Immunogenicity")
CAPTION_LABEL = re.compile(
    r"^\s*(?:(?:table|appendix|figure|section|attachment)\s*)?[A-Z]?\d+(?:[.-]\d+)*[.:]?\s*", re.IGNORECASE)
CAPTION_JOINERS = frozenset({"and", "of", "for", "the", "&"})  # lower-case words a caption's name may hold
TABLE_NUMBER = re.compile(r"^\s*(?:table|appendix|figure)\s*([a-z]?\d+(?:\.\d+)*[a-z]?)\b", re.IGNORECASE)
MAX_CHANGED_LETTERS = 3  # letters an OCR text layer may lose or glue in one caption
CONTINUED = re.compile(r"\(?\b(cont(inued|'d|\.)?|concluded)\)?", re.IGNORECASE)


def is_caption(line: str) -> bool:
    """Whether a text line is an SoA table's caption ("Table 3: Schedule of Activities", "6.1 Trial Flow
    Chart"), not a sentence that mentions one or a table-of-contents entry. A table's bare label marked
    continued ("Table 5 (continued)") is one too: a continuation page of a table captioned by number."""
    stripped = line.strip()
    if len(stripped) > MAX_CAPTION or re.search(r"\.{4,}|…", stripped) or stripped.endswith((".", ",", ";")):
        return False
    title, continued = split_caption(stripped)
    label = TABLE_NUMBER.match(title)
    if continued and label is not None and not title[label.end():].strip(" .:-–—"):
        return True
    match = soa_vocabulary().first_title(stripped)
    if match is None:
        return False
    prefix = CAPTION_LABEL.sub("", stripped[:match.start()]).split()
    return len(prefix) <= MAX_CAPTION_PREFIX and not any(
        word[0].islower() and word not in CAPTION_JOINERS for word in prefix)


def split_caption(text: str) -> tuple[str, bool]:
    """A caption without its continuation mark, and whether it had one."""
    continued = bool(CONTINUED.search(text))
    return (CONTINUED.sub("", text).strip(" :-–—") if continued else text.strip()), continued


def _leading_caption(text: str) -> str:
    """The caption a cell starts with (a note may follow it in the same cell), cut to caption length."""
    return text if len(text) <= MAX_CAPTION else text[:MAX_CAPTION].rsplit(" ", 1)[0]


def same_title(first: str, second: str) -> bool:
    """Whether two captions name the same table: the same table number when both have one, else one's
    words the start of the other's (a caption read with the note that follows it) or the same letters but
    a few (an OCR text layer that lost some)."""
    numbered = TABLE_NUMBER.match(first), TABLE_NUMBER.match(second)
    if numbered[0] and numbered[1]:
        return numbered[0].group(1).lower() == numbered[1].group(1).lower()
    a, b = _words(first), _words(second)
    if f"{a} ".startswith(f"{b} ") or f"{b} ".startswith(f"{a} "):
        return True
    changed = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b).get_opcodes()
                  if tag != "equal")
    return changed <= MAX_CHANGED_LETTERS  # "Paclitaxel" and "Docetaxel" tables are two


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def caption_rows_apart(grid: SoaGrid) -> SoaGrid:
    """A grid whose top rows are one cell merged across the whole width (the caption, and notes, typed
    inside the table's frame) without those rows; the first of them becomes the grid's title, whatever
    its words (an OCR text layer may have lost letters of "Schedule of Activities"). A merged row right
    above a row of marks is a section row opening a continuation page without header rows, unless it
    reads as a caption."""
    rows = grid.rows
    top = 0
    title, continued = grid.title, grid.continued
    vocab = soa_vocabulary()
    while top < len(rows) - 1 and is_merged_row(rows[top]):
        if (not is_caption(rows[top][0].text)
                and any(vocab.is_tick(cell.text) for cell in rows[top + 1][1:] if not cell.span_copy)):
            break
        if top == 0:
            title, continued = split_caption(_leading_caption(rows[top][0].text))
        top += 1
    if top == 0:
        return grid
    return replace(grid, rows=rows[top:], title=title, continued=continued)


def is_merged_row(row: list[GridCell]) -> bool:
    """Whether a grid row is one cell merged across the whole width (a caption, or a section row)."""
    return bool(row[0].text) and all(cell.span_copy and cell.text == row[0].text for cell in row[1:])
