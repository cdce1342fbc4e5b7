"""A Schedule of Activities the tests draw themselves as a picture (Pillow), alone or inside a DOCX."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.shared import Inches
from PIL import Image, ImageDraw, ImageFont

HEADER = [["", "Treatment", "Treatment", "Follow-up"], ["Procedure", "Day 1", "Day 8", "Day 29"]]
BODY = [
    ("Informed consent", ["X", "", ""]),
    ("Vital signs", ["X", "X", "X"]),
    ("ECG", ["X", "", "Xa"]),
    ("Adverse events", ["", "X", "X"]),
]
LEGEND = ["X = performed at this visit", "a. Central reading of the tracing"]
COLUMN_WIDTHS = [300, 160, 160, 160]
ROW_HEIGHT = 48
MARGIN = 20

def draw_soa_png(ruled: bool = True, turned: bool = False) -> bytes:
    """A ruled table: "Treatment" merged over Day 1 and Day 8 (no rule between them), marks as X;
    without rules when `ruled` is False (columns by alignment only); turned a quarter to read upward
    when `turned` (a landscape table on a portrait page)."""
    font = ImageFont.load_default(size=24)
    rows = [*HEADER, *[[label, *marks] for label, marks in BODY]]
    width = sum(COLUMN_WIDTHS) + 2 * MARGIN
    height = ROW_HEIGHT * len(rows) + 2 * MARGIN + 32 * len(LEGEND) + 20
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    xs = [MARGIN + sum(COLUMN_WIDTHS[:k]) for k in range(len(COLUMN_WIDTHS) + 1)]
    ys = [MARGIN + ROW_HEIGHT * k for k in range(len(rows) + 1)]
    for y in ys if ruled else ():
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)
    for k, x in enumerate(xs if ruled else ()):
        top = ys[1] if k == 2 else ys[0]  # the "Treatment" header cell spans columns 1 and 2
        draw.line([(x, top), (x, ys[-1])], fill=0, width=2)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if not text or (r == 0 and c == 2):
                continue
            draw.text((xs[c] + 10, ys[r] + 10), text, fill=0, font=font)
    for k, line in enumerate(LEGEND):
        draw.text((xs[0], ys[-1] + 15 + 32 * k), line, fill=0, font=font)
    if turned:
        image = image.rotate(90, expand=True)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def build_picture_soa_docx(path: Path, ruled: bool = True, heading: str = "Schedule of Activities",
                           turned: bool = False) -> Path:
    """A DOCX whose SoA section (under `heading`) holds the drawn table as a picture (6 inches wide, or
    6 inches tall when `turned`), no Word table."""
    document = docx.Document()
    document.add_heading("Introduction", level=1)
    document.add_paragraph("The study runs for four weeks.")
    document.add_heading(heading, level=1)
    picture = io.BytesIO(draw_soa_png(ruled, turned))
    if turned:
        document.add_picture(picture, height=Inches(6))
    else:
        document.add_picture(picture, width=Inches(6))
    document.add_heading("Study Population", level=1)
    document.add_paragraph("Adults with the condition.")
    document.save(str(path))
    return path


@pytest.fixture
def soa_png() -> bytes:
    return draw_soa_png()


@pytest.fixture
def picture_soa_docx(tmp_path: Path) -> Path:
    return build_picture_soa_docx(tmp_path / "picture_soa.docx")


@pytest.fixture
def unruled_picture_soa_docx(tmp_path: Path) -> Path:
    return build_picture_soa_docx(tmp_path / "unruled_picture_soa.docx", ruled=False)


@pytest.fixture
def table_4_picture_docx(tmp_path: Path) -> Path:
    """The SoA picture under a heading that does not name the SoA."""
    return build_picture_soa_docx(tmp_path / "table_4.docx", heading="Table 4")


@pytest.fixture
def turned_picture_soa_docx(tmp_path: Path) -> Path:
    """The SoA picture turned a quarter, as a landscape table pasted from a portrait page."""
    return build_picture_soa_docx(tmp_path / "turned.docx", turned=True)
