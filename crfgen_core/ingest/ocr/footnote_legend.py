"""The legend printed under a pictured table ("Xa = Performed at this visit if ...", "b. Only at ...") as
lines for the one legend reader of crfgen_core.ingest.soa.legend."""

from __future__ import annotations

from crfgen_core.ingest.ocr.tesseract import OcrWord
from crfgen_core.ingest.soa.legend import Legend, LegendLine, read_legend


def legend_footnotes(words: list[OcrWord]) -> dict[str, str]:
    """Given the words under a table, return footnote texts by marker; continuation lines are joined."""
    return read_ocr_legend(words, set()).footnotes


def read_ocr_legend(words: list[OcrWord], codes: set[str]) -> Legend:
    """Given the words under a table and the codes in its cells, return its footnotes and code meanings
    (OCR sees no superscripts, so any marker with a separator starts a footnote)."""
    return read_legend(legend_lines(words), None, codes)


def legend_lines(words: list[OcrWord]) -> list[LegendLine]:
    """Words grouped by tesseract's text lines, top to bottom, with their pixel geometry."""
    grouped: dict[tuple[int, int, int], list[OcrWord]] = {}
    for word in words:
        grouped.setdefault(word.line, []).append(word)
    ordered = sorted(grouped.values(), key=lambda group: min(w.top for w in group))
    lines: list[LegendLine] = []
    for group in ordered:
        group.sort(key=lambda w: w.left)
        height = max(w.height for w in group)
        lines.append(LegendLine(" ".join(w.text for w in group), (), float(group[0].left),
                                float(max(w.top + w.height for w in group)), float(height)))
    return lines
