"""Scanned synthetic layouts read by OCR (tesseract) with a cell F1 floor: an image-only PDF (rotated
header text, grid rules) and a half-scanned PDF whose later table pages are pictures (stitched with its
text page). The floor sits below what the reader measured (0.94 and 0.92), so a regression fails it."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from synthetic_soa import params_for
from synthetic_soa.scoring import run_layout

from crfgen_core.ingest.ocr import tesseract_path

SEED = 20250611
SCANNED = ("image", "docx_image", "half_scanned")
LAYOUTS = (0, 2)  # image-only: rotated headers + legend; image-only with a notes column and a lab table
MIN_CELL_F1 = 0.85

pytestmark = [pytest.mark.shared,
              pytest.mark.skipif(tesseract_path() is None, reason="tesseract not installed")]


@pytest.mark.parametrize("index", LAYOUTS)
def test_scanned_layout_is_read_by_ocr(index: int, tmp_path: Path, scorer: ModuleType) -> None:
    params = params_for(SEED, index, SCANNED)
    result = run_layout(params, tmp_path / str(index), scorer, label=f"{SEED}:{index}")
    assert result.error is None, result.error
    assert "SOA_FROM_OCR" in result.warnings
    assert result.f1 >= MIN_CELL_F1, f"{SEED}:{index} cell F1 {result.f1:.3f}: {params.to_json()}"
