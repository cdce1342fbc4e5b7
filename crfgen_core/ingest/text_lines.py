"""Body text as lines with their page (PDF) or list label (DOCX): the input of the text-section finders."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from crfgen_core.ingest.docx.docx_content import DocxContent
from crfgen_core.ingest.docx.docx_runs import symbol_font_map

DEFAULT_EDGE_LINES = 3  # running headers/footers sit in the first or last lines of a page
DEFAULT_REPEAT_SHARE = 0.25  # a line on at least this share of pages is a running header or footer
PAGE_NUMBER = re.compile(r"^(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?$", re.I)


@dataclass(frozen=True)
class TextLine:
    """One line of body text; `label` is a DOCX auto-number ("3.", "a)"), `level` its list depth."""

    text: str
    page: int | None = None
    label: str | None = None
    level: int | None = None
    heading: bool = False
    paragraph: int | None = None  # DOCX: 1-based body paragraph, where a reader finds it without pages


def edge_key(line: str) -> str:
    """A line's text as running headers are compared: words only, numbers alike (page 3 = page 4)."""
    return re.sub(r"\d+", "#", " ".join(line.split()).lower())


def running_line_keys(pages: list[str]) -> set[str]:
    """Keys (edge_key) of the lines that run on many pages' first or last lines: headers and footers."""
    counts: Counter[str] = Counter()
    for page in pages:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        counts.update({edge_key(line) for line in lines[:DEFAULT_EDGE_LINES] + lines[-DEFAULT_EDGE_LINES:]})
    threshold = max(3, int(len(pages) * DEFAULT_REPEAT_SHARE))
    return {key for key, count in counts.items() if count >= threshold}


def _unprivate(text: str) -> str:
    """PDF text of symbol fonts arrives in the private-use range U+F0xx: map it to the real characters."""
    if not any("\uf000" <= ch <= "\uf0ff" for ch in text):
        return text
    symbols = symbol_font_map()["symbol"]
    return "".join(symbols.get(ord(ch) & 0xFF, ch) if "\uf000" <= ch <= "\uf0ff" else ch for ch in text)


def pdf_lines(pages: list[str]) -> list[TextLine]:
    """Given PDF page texts, return their lines without running headers, footers and page numbers."""
    # pdfium marks a hyphenation point as U+FFFE
    split = [
        [_unprivate(line.strip().replace("\ufffe", "-")) for line in page.splitlines() if line.strip()]
        for page in pages
    ]
    running = running_line_keys(["\n".join(lines) for lines in split])
    out: list[TextLine] = []
    for page_number, lines in enumerate(split, 1):
        for position, line in enumerate(lines):
            at_edge = position < DEFAULT_EDGE_LINES or position >= len(lines) - DEFAULT_EDGE_LINES
            if at_edge and (edge_key(line) in running or PAGE_NUMBER.match(line)):
                continue
            out.append(TextLine(text=line, page=page_number))
    return out


def docx_lines(content: DocxContent) -> list[TextLine]:
    """Given DOCX content, return one line per non-empty paragraph with its rebuilt list label."""
    out: list[TextLine] = []
    for number, paragraph in enumerate(content.paragraphs, 1):
        label = paragraph.list_label
        if not paragraph.text:
            continue
        out.append(
            TextLine(
                text=paragraph.text,
                label=label.label if label else None,
                level=label.level if label else None,
                heading=paragraph.heading_level is not None,
                paragraph=number,
            )
        )
    return out
