"""A scanned SoA page with an OCR text layer (rules only in the picture, invisible text on top, glyphs
spread over each word): the PDF reader finds the rules in the pixels and reads the layer's words."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from crfgen_core.ingest.reader import read_schedules

ROWS = [["Procedure", "Screening", "Day 1", "Week 2", "Week 4"],
        ["Informed consent", "X", "", "", ""], ["Vital signs", "X", "X", "X", "X"],
        ["Hematology", "X", "", "X", ""], ["Adverse events", "", "X", "X", "X"]]
WIDTHS = [200, 100, 100, 100, 100]
ROW_HEIGHT = 30
LEFT, TOP = 60, 120  # pt from the top-left corner
DPI = 150


def _scanned_pdf(path: Path) -> Path:
    width, height = landscape(letter)
    scale = DPI / 72
    picture = Image.new("L", (int(width * scale), int(height * scale)), 255)
    draw = ImageDraw.Draw(picture)
    xs = [LEFT + sum(WIDTHS[:k]) for k in range(len(WIDTHS) + 1)]
    ys = [TOP + ROW_HEIGHT * k for k in range(len(ROWS) + 1)]
    for x in xs:
        draw.line([(x * scale, ys[0] * scale), (x * scale, ys[-1] * scale)], fill=0, width=2)
    for y in ys:
        draw.line([(xs[0] * scale, y * scale), (xs[-1] * scale, y * scale)], fill=0, width=2)
    # a redaction band inside one cell: filled, so no rule
    draw.rectangle([(xs[0] + 120) * scale, (ys[3] + 8) * scale, (xs[0] + 190) * scale, (ys[3] + 22) * scale],
                   fill=0)
    canvas = Canvas(str(path), pagesize=(width, height))
    canvas.drawImage(ImageReader(picture), 0, 0, width, height)
    canvas.setFont("Helvetica-Bold", 12)
    text = canvas.beginText()
    text.setTextRenderMode(3)  # invisible, as an OCR layer is
    text.setFont("Helvetica", 9)
    text.setCharSpace(2.5)  # letters spread over each word's box
    for r, row in enumerate(ROWS):
        for c, cell in enumerate(row):
            if cell:
                text.setTextOrigin(xs[c] + 4, height - (ys[r] + 19))
                text.textOut(cell)
    text.setTextOrigin(LEFT, height - TOP + 20)
    text.textOut("Schedule of Activities")
    canvas.drawText(text)
    canvas.save()
    return path


def test_scanned_page_with_text_layer_is_read_with_pixel_rules(tmp_path: Path) -> None:
    schedules, warnings = read_schedules(_scanned_pdf(tmp_path / "scan.pdf"))
    assert not warnings
    [schedule] = schedules
    assert schedule.title == "Schedule of Activities"
    assert [v.label for v in schedule.visits] == ROWS[0][1:]
    assert [a.label for a in schedule.activities] == [row[0] for row in ROWS[1:]]
    marked = {(a.label, v.label) for c in schedule.cells for a in schedule.activities for v in schedule.visits
              if c.activity == a.id and c.visit == v.id}
    assert marked == {(row[0], ROWS[0][k]) for row in ROWS[1:] for k in range(1, 5) if row[k]}
