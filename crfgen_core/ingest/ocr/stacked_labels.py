"""Several activities stacked in one ruled row ("Study drug record / Medications dispensed / ...") become
rows of their own; a label wrapped over several lines ("CT scan (if not within / last year ...") stays one.

In a picture the only evidence is the text: a line that starts with a capital letter after a line that is
complete (brackets closed, no trailing connector) starts a new item. Marks go to the item beside them.
"""

from __future__ import annotations

import re

from crfgen_core.ingest.ocr.cell_words import Band, BandCell, CellWords
from crfgen_core.ingest.ocr.tesseract import OcrWord

OPEN_ENDING = re.compile(r"([,/\-–(&+:;]|\b(and|or|of|with|the|to|for|if|in|at|by|a|an))$", re.IGNORECASE)


def split_stacked_rows(bands: list[Band], first_body: int) -> list[Band]:
    """Given table rows and the index of the first body row, return the rows with stacked labels split."""
    rows_of_region: dict[tuple[int, int], set[int]] = {}
    for index, band in enumerate(bands):
        for cell in band:
            rows_of_region.setdefault(cell.region, set()).add(index)
    result: list[Band] = []
    for index, band in enumerate(bands):
        merged_down = any(len(rows_of_region[cell.region]) > 1 for cell in band)
        items = _items(band[0].words.lines()) if band and index >= first_body and not merged_down else []
        result.extend(_split(band, items) if len(items) > 1 else [band])
    return result


def _items(lines: list[list[OcrWord]]) -> list[list[list[OcrWord]]]:
    """Label lines grouped into items: a capitalised line after a complete line starts a new item."""
    items: list[list[list[OcrWord]]] = []
    for line in lines:
        previous = " ".join(w.text for item in items[-1:] for w in item[-1]) if items else ""
        text = line[0].text
        starts_item = not items or (text[:1].isupper() and _complete(previous))
        if starts_item:
            items.append([line])
        else:
            items[-1].append(line)
    return items


def _complete(text: str) -> bool:
    return text.count("(") <= text.count(")") and not OPEN_ENDING.search(text.strip())


def _split(band: Band, items: list[list[list[OcrWord]]]) -> list[Band]:
    """One row per item; every cell's words go to the item whose lines they sit beside."""
    tops = [min(w.top for line in item for w in line) for item in items]
    bottoms = [max(w.top + w.height for line in item for w in line) for item in items]
    cuts = [(bottoms[k] + tops[k + 1]) / 2 for k in range(len(items) - 1)]
    rows: list[Band] = [[BandCell(CellWords(), (cell.region[0], k)) for cell in band]
                        for k in range(len(items))]
    for column, cell in enumerate(band):
        for word in cell.words.words:
            k = sum(1 for cut in cuts if word.center_y > cut)
            rows[k][column].words.words.append(word)
    return rows
