"""OCR words gathered per table cell, and rows of such cells (bands) as the image grid builds them."""

from __future__ import annotations

from dataclasses import dataclass, field

from crfgen_core.ingest.ocr.tesseract import OcrWord


@dataclass
class CellWords:
    """The words of one lattice cell (for a merged region, its first cell holds all the words)."""

    words: list[OcrWord] = field(default_factory=list)

    def lines(self) -> list[list[OcrWord]]:
        """Words grouped by tesseract's text lines, top to bottom, each left to right."""
        grouped: dict[tuple[int, int, int], list[OcrWord]] = {}
        for word in self.words:
            grouped.setdefault(word.line, []).append(word)
        lines = [sorted(group, key=lambda w: w.left) for group in grouped.values()]
        return sorted(lines, key=lambda line: min(w.top for w in line))

    @property
    def text(self) -> str:
        return " ".join(" ".join(w.text for w in line) for line in self.lines())


@dataclass
class BandCell:
    """One lattice cell of a row; cells with the same `region` are one merged cell."""

    words: CellWords
    region: tuple[int, int]  # merged-region id, sub-row number (stacked labels split one region)


Band = list[BandCell]  # one table row, one cell per lattice column
