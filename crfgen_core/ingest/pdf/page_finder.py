"""Candidate SoA pages from the fast pypdfium2 text: a title or a crowd of ticks. Only these pages get
geometry; the grid decides later (table-of-contents pages name the titles too)."""

from __future__ import annotations

import re

from crfgen_core.ingest.soa.vocabulary import soa_vocabulary

MIN_TICKS_ON_PAGE = 6
MAX_CAPTION = 160  # characters
MAX_CAPTION_PREFIX = 3  # words before the title words ("Table 7", "Appendix 2:", "PK AND ADA")
TICK_TOKEN = re.compile(r"(?<!\S)[xX✓✔√●](?:[a-z](?:,[a-z])*)?(?!\S)")
CONTINUED = re.compile(r"\(?\b(cont(inued|'d|\.)?|concluded)\)?", re.IGNORECASE)


def candidate_pages(pages: list[str]) -> list[int]:
    """Given page texts, return 0-based indexes of pages that may hold an SoA table."""
    vocab = soa_vocabulary()
    found: list[int] = []
    for index, text in enumerate(pages):
        if len(TICK_TOKEN.findall(text)) >= MIN_TICKS_ON_PAGE or (
                vocab.is_title(text) and any(is_caption(line) for line in text.splitlines())):
            found.append(index)
    return found


def is_caption(line: str) -> bool:
    """Whether a text line is an SoA table's caption ("Table 3: Schedule of Activities", "6.1 Trial Flow
    Chart"), not a sentence that mentions one or a table-of-contents entry."""
    stripped = line.strip()
    if len(stripped) > MAX_CAPTION or re.search(r"\.{4,}|…", stripped) or stripped.endswith((".", ",", ";")):
        return False
    match = soa_vocabulary().first_title(stripped)
    if match is None:
        return False
    prefix = stripped[:match.start()].split()
    return len(prefix) <= MAX_CAPTION_PREFIX and not any(word[0].islower() for word in prefix)


def page_title(text: str) -> tuple[str | None, bool]:
    """Given a page's text, return the first SoA-like caption line and whether it says "continued"."""
    for line in text.splitlines():
        stripped = line.strip()
        if not is_caption(stripped):
            continue
        continued = bool(CONTINUED.search(stripped))
        return CONTINUED.sub("", stripped).strip(" :-–—"), continued
    return None, False
