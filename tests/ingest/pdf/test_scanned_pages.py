"""Pages that are pictures without a text layer: reported when no OCR page reader is plugged in, read
through the PageImageReader interface when one is (the OCR reader itself lives in ingest/ocr)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from crfgen_core.ingest.pdf.pdf_reader import PdfReader
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.ingest.soa import GridCell, SoaGrid, build_schedules


def _scan(path: Path) -> Path:
    picture = Image.new("L", (600, 400), 255)
    ImageDraw.Draw(picture).rectangle([50, 50, 550, 350], outline=0, width=2)
    canvas = Canvas(str(path), pagesize=letter)
    canvas.drawImage(ImageReader(picture), 36, 300, 540, 360)
    canvas.save()
    return path


def _grid_reader(image: Image.Image, page: int) -> list[SoaGrid]:
    """A page reader that finds one small schedule on any page it is given (stands for OCR)."""
    assert image.width > 0 and page == 1
    rows = [["Procedure", "Day 1", "Day 8", "Day 15"], ["Consent", "X", "", ""], ["ECG", "X", "X", "X"],
            ["Vital signs", "X", "", "X"]]
    return [SoaGrid(rows=[[GridCell(text) for text in row] for row in rows], title="Schedule of Activities")]


def test_scanned_page_without_reader_is_reported_not_dropped(tmp_path: Path) -> None:
    parsed = read_protocol(_scan(tmp_path / "scan.pdf"))
    codes = [w.code for w in parsed.warnings]
    assert "SOA_PAGES_NOT_READ" in codes and "NO_SOA_FOUND" in codes


def test_scanned_page_goes_to_the_page_image_reader_and_is_marked_ocr(tmp_path: Path) -> None:
    source = PdfReader(page_image_reader=_grid_reader).open(_scan(tmp_path / "scan.pdf"))
    try:
        reading = source.soa_grids()
    finally:
        source.close()
    assert [w.code for w in reading.warnings] == ["SOA_FROM_OCR"]
    [schedule] = build_schedules(reading.grids)
    assert schedule.pages == [1] and schedule.ocr_pages == [1]
    assert [a.label for a in schedule.activities] == ["Consent", "ECG", "Vital signs"]
