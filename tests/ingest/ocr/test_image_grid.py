from __future__ import annotations

import io
import shutil

import numpy as np
import pytest
from PIL import Image

from crfgen_core.ingest.ocr import read_image_grid
from crfgen_core.ingest.ocr.ruled_lattice import RulingSettings, find_lattice

requires_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="the tesseract program is not installed (apt-get install -y tesseract-ocr)",
)


def test_lattice_found_from_rules_and_missing_rule_means_merged_cell(soa_png: bytes) -> None:
    grey = np.asarray(Image.open(io.BytesIO(soa_png)).convert("L"))
    lattice = find_lattice(grey)
    assert lattice is not None
    assert (lattice.rows, lattice.columns) == (6, 4)
    settings = RulingSettings()
    assert not lattice.has_vertical_separator(0, 2, settings)  # "Treatment" over Day 1 and Day 8
    assert lattice.has_vertical_separator(1, 2, settings)


def test_picture_without_rules_has_no_lattice() -> None:
    grey = np.full((200, 400), 255, dtype=np.uint8)
    grey[50:60, 40:120] = 0  # a blob of text-like ink, no long rule
    assert find_lattice(grey) is None


@requires_tesseract
def test_drawn_table_becomes_grid_with_merged_header_and_footnote(soa_png: bytes) -> None:
    grid = read_image_grid(soa_png, title="Schedule of Activities")
    assert grid is not None
    texts = [[cell.text for cell in row] for row in grid.rows]
    assert texts[0] == ["", "Treatment", "Treatment", "Follow-up"]
    assert [cell.span_copy for cell in grid.rows[0]] == [False, False, True, False]
    assert texts[1] == ["Procedure", "Day 1", "Day 8", "Day 29"]
    assert [row[0] for row in texts[2:]] == ["Informed consent", "Vital signs", "ECG", "Adverse events"]
    assert texts[3][1:] == ["X", "X", "X"] and texts[5][1:] == ["", "X", "X"]
    assert texts[4][3] == "Xa"
    assert grid.footnotes == {"a": "Central reading of the tracing"}
