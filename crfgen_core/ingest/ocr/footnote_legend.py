"""The legend printed under a pictured table ("Xa = Performed at this visit if ...", "b. Only at ...")
to footnote texts by marker."""

from __future__ import annotations

import re

from crfgen_core.ingest.ocr.tesseract import OcrWord

# a footnote entry: an optional tick the marker is attached to, the marker, then "=", ".", ":" or ")"
FOOTNOTE_ENTRY = re.compile(r"^(?:[xX]\s?)?(?P<marker>[a-z]|[*†‡§¶])\s*[=:.)]\s*(?P<text>\S.*)$")
OTHER_ENTRY = re.compile(r"^\S{1,12}\s*[=:]\s")  # an abbreviation or symbol legend ("X = ...", "P: ...")


def legend_footnotes(words: list[OcrWord]) -> dict[str, str]:
    """Given the words under a table, return footnote texts by marker; continuation lines are joined."""
    footnotes: dict[str, str] = {}
    current: str | None = None
    for line in _lines(words):
        entry = FOOTNOTE_ENTRY.match(line)
        if entry:
            current = entry.group("marker")
            footnotes[current] = entry.group("text").strip()
        elif OTHER_ENTRY.match(line):
            current = None
        elif current is not None:
            footnotes[current] = f"{footnotes[current]} {line}"
    return footnotes


def _lines(words: list[OcrWord]) -> list[str]:
    grouped: dict[tuple[int, int, int], list[OcrWord]] = {}
    for word in words:
        grouped.setdefault(word.line, []).append(word)
    ordered = sorted(grouped.values(), key=lambda group: min(w.top for w in group))
    return [" ".join(w.text for w in sorted(group, key=lambda w: w.left)) for group in ordered]
