"""Candidate SoA pages from the fast pypdfium2 text: a title or a crowd of ticks. Only these pages get
geometry; the grid decides later (table-of-contents pages name the titles too)."""

from __future__ import annotations

import re

from crfgen_core.ingest.soa.captions import is_caption
from crfgen_core.ingest.soa.vocabulary import soa_vocabulary

MIN_TICKS_ON_PAGE = 6
TICK_TOKEN = re.compile(r"(?<!\S)[xX✓✔√●](?:[a-z](?:,[a-z])*)?(?!\S)")


def candidate_pages(pages: list[str]) -> list[int]:
    """Given page texts, return 0-based indexes of pages that may hold an SoA table."""
    vocab = soa_vocabulary()
    found: list[int] = []
    for index, text in enumerate(pages):
        if len(TICK_TOKEN.findall(text)) >= MIN_TICKS_ON_PAGE or (
                vocab.is_title(text) and any(is_caption(line) for line in text.splitlines())):
            found.append(index)
    return found
