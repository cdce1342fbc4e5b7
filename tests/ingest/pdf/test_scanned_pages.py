"""Pages that are pictures without a text layer: reported when no OCR page reader is plugged in, read
through the PageImageReader interface when one is (the OCR reader itself lives in ingest/ocr)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from crfgen_core.ingest.ocr import page_layer
from crfgen_core.ingest.pdf.page_geometry import PdfChar
from crfgen_core.ingest.pdf.pdf_reader import PdfReader
from crfgen_core.ingest.pdf.pdf_schedules import _marks_outnumber_other_text
from crfgen_core.ingest.pdf.scanned_pages import MAX_OCR_PAGES_ENV, pages_near_the_soa
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.ingest.soa import build_schedules
from crfgen_core.ingest.soa.grid import GridCell, SoaGrid


def _scan(path: Path) -> Path:
    picture = Image.new("L", (600, 400), 255)
    ImageDraw.Draw(picture).rectangle([50, 50, 550, 350], outline=0, width=2)
    canvas = Canvas(str(path), pagesize=letter)
    canvas.drawImage(ImageReader(picture), 0, 0, *letter)  # a scan: one picture over the whole page
    canvas.save()
    return path


class _TableReader:
    """A page reader that reads one small schedule on any page it is given (stands for OCR): its words
    as glyphs, columns aligned, ticks in them."""

    def __init__(self) -> None:
        self.pages = 0

    def unavailable(self) -> str | None:
        return None

    def read(self, image: Image.Image, width: float, height: float) -> list[PdfChar]:
        assert image.width > 0 and width > 0
        self.pages += 1
        rows = [["Schedule", "of", "Activities"], ["Procedure", "Day 1", "Day 8", "Day 15"],
                ["Consent", "X", "", ""], ["ECG", "X", "X", "X"], ["Vital signs", "X", "", "X"],
                ["Weight", "X", "X", "X"]]
        chars: list[PdfChar] = []
        for r, row in enumerate(rows):
            baseline = height - 100 - 20 * r
            for c, text in enumerate(row):
                x = 60 + (c * 70 if r == 0 else (0 if c == 0 else 150 + 70 * c))
                # an OCR layer writes a space between words (its glyphs are spread evenly over each word)
                for k, glyph in enumerate(f" {text}" if c else text):
                    chars.append(PdfChar(glyph, x + 5 * k, baseline, x + 5 * k + 5, baseline + 8, x + 5 * k,
                                         baseline, 10.0, (1, 0)))
        return chars


def test_scanned_page_without_reader_is_reported_not_dropped(tmp_path: Path) -> None:
    source = PdfReader().open(_scan(tmp_path / "scan.pdf"))
    try:
        reading = source.soa_grids()
    finally:
        source.close()
    assert [w.code for w in reading.warnings] == ["SOA_PAGES_NOT_READ"]


def test_scanned_page_goes_to_the_page_image_reader_and_is_marked_ocr(tmp_path: Path) -> None:
    source = PdfReader(page_image_reader=_TableReader()).open(_scan(tmp_path / "scan.pdf"))
    try:
        reading = source.soa_grids()
    finally:
        source.close()
    assert [w.code for w in reading.warnings] == ["SOA_FROM_OCR"]
    [schedule] = build_schedules(reading.grids)
    assert schedule.pages == [1] and schedule.ocr_pages == [1]
    assert [a.label for a in schedule.activities] == ["Consent", "ECG", "Vital signs", "Weight"]


def test_ocr_page_limit_reports_the_pages_left_unread(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_OCR_PAGES_ENV, "0")
    reader = _TableReader()
    source = PdfReader(page_image_reader=reader).open(_scan(tmp_path / "scan.pdf"))
    try:
        reading = source.soa_grids()
    finally:
        source.close()
    assert reader.pages == 0 and not reading.grids
    [warning] = reading.warnings
    assert warning.code == "SOA_PAGES_NOT_READ" and MAX_OCR_PAGES_ENV in warning.message


def test_missing_tesseract_is_a_warning_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_layer, "tesseract_path", lambda: None)
    parsed = read_protocol(_scan(tmp_path / "scan.pdf"))  # the default readers: tesseract plugged in
    [warning] = [w for w in parsed.warnings if w.code == "SOA_PAGES_NOT_READ"]
    assert "tesseract" in warning.message and "NO_SOA_FOUND" in [w.code for w in parsed.warnings]


def test_only_scans_where_an_soa_can_be_are_ocr_d() -> None:
    # a scanned protocol: every scan; a text protocol: the scans next to its SoA pages, chained over a
    # run of scans continuing the table, never the figures far away
    assert pages_near_the_soa([0, 1, 2], []) == [0, 1, 2]
    assert pages_near_the_soa([1, 2, 41, 42, 43, 44, 45, 108], [40]) == [41, 42, 43, 44, 45]
    assert pages_near_the_soa([38, 90], [40]) == [38]


def test_a_scanned_answer_grid_is_no_schedule_among_text_pages() -> None:
    def grid(*rows: list[str]) -> SoaGrid:
        return SoaGrid(rows=[[GridCell(text) for text in row] for row in rows], page=7)

    answers = grid(["", "0", "1", "2", "3"], ["Your pain at its worst?", "O", "OO", "0", "O"],
                   ["Your fatigue at its worst?", "oO", "O", "O©", "°"])
    schedule = grid(["Procedure", "Screening", "Week 2", "Week 4", "Notes"],
                    ["Vital signs", "X", "X", "X", "Seated"], ["ECG", "X", "", "X", ""])
    assert not _marks_outnumber_other_text(answers)
    assert _marks_outnumber_other_text(schedule)
