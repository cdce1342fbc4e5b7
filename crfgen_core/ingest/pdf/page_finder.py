"""Candidate SoA pages from the fast pypdfium2 text: a title or a crowd of ticks. Only these pages get
geometry; the grid decides later (table-of-contents pages name the titles too)."""

from __future__ import annotations

import re

from crfgen_core.ingest.soa.vocabulary import soa_vocabulary

MIN_TICKS_ON_PAGE = 6
TICK_TOKEN = re.compile(r"(?<!\S)[xX✓✔√●](?:[a-z](?:,[a-z])*)?(?!\S)")
CONTINUED = re.compile(r"\(?\b(cont(inued|'d|\.)?|concluded)\)?", re.IGNORECASE)


def candidate_pages(pages: list[str]) -> list[int]:
    """Given page texts, return 0-based indexes of pages that may hold an SoA table."""
    vocab = soa_vocabulary()
    found: list[int] = []
    for index, text in enumerate(pages):
        if len(TICK_TOKEN.findall(text)) >= MIN_TICKS_ON_PAGE or vocab.is_title(text):
            found.append(index)
    return found


def page_title(text: str) -> tuple[str | None, bool]:
    """Given a page's text, return the first SoA-like caption line and whether it says "continued"."""
    vocab = soa_vocabulary()
    for line in text.splitlines():
        stripped = line.strip()
        if len(stripped) > 160 or not vocab.is_title(stripped):
            continue
        if re.search(r"\.{4,}|…", stripped):
            continue  # a table-of-contents entry (dot leaders)
        continued = bool(CONTINUED.search(stripped))
        return CONTINUED.sub("", stripped).strip(" :-–—"), continued
    return None, False


def footnote_texts(text: str, markers: set[str]) -> dict[str, str]:
    """Given a page's text and the markers used in its table, return marker -> legend text."""
    if not markers:
        return {}
    notes: dict[str, str] = {}
    current: str | None = None
    pattern = re.compile(r"^\s*(?P<m>[A-Za-z]{1,2}|\d{1,2}|[*†‡§¶#]+)\s*[.):=]?\s+(?P<t>\S.*)$")
    for line in text.splitlines():
        match = pattern.match(line)
        if match and match.group("m") in markers and match.group("m") not in notes:
            current = match.group("m")
            notes[current] = match.group("t").strip()
        elif current is not None and line.strip() and not pattern.match(line):
            notes[current] += " " + line.strip()
        else:
            current = None
    return notes
