"""A caption at the foot of a page, a risk matrix (a grid of marks that is no schedule) on the next page,
the schedule after it; the caption is repeated above the table's later pages (so it runs on as many
pages as a running header does): the schedule still takes the caption and its pages stay one schedule."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import landscape, letter
from reportlab.pdfgen.canvas import Canvas

from crfgen_core.ingest.reader import read_schedules

CAPTION = "Table 3. Schedule of Activities"
VISITS = ["Screening", "Day 1", "Week 2", "Week 4", "Week 8"]
ROW_HEIGHT = 18.0


def _grid(canvas: Canvas, top: float, rows: list[list[str]], widths: list[float]) -> None:
    xs = [60 + sum(widths[:k]) for k in range(len(widths) + 1)]
    ys = [top - ROW_HEIGHT * k for k in range(len(rows) + 1)]
    for x in xs:
        canvas.line(x, ys[0], x, ys[-1])
    for y in ys:
        canvas.line(xs[0], y, xs[-1], y)
    canvas.setFont("Helvetica", 9)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            canvas.drawString(xs[c] + 4, ys[r] - 13, text)


def _pdf(path: Path) -> Path:
    width, height = landscape(letter)
    canvas = Canvas(str(path), pagesize=(width, height))
    canvas.setFont("Helvetica", 10)
    canvas.drawString(60, height - 80, "1 Protocol Summary")
    canvas.drawString(60, height - 100, "Visits are scheduled from the day of the first dose.")
    canvas.drawString(60, 60, CAPTION)  # the caption at the foot of the page before the table
    canvas.showPage()
    canvas.setFont("Helvetica", 10)
    canvas.drawString(60, height - 60, "Table 11: Risk Assessment Matrix")
    matrix = [["Likelihood", "Negligible", "Minor", "Moderate", "Major"], ["Frequent", "", "X", "", "X"],
              ["Probable", "X", "", "X", ""], ["Remote", "", "X", "X", "X"]]
    _grid(canvas, height - 80, matrix, [120, 90, 90, 90, 90])
    canvas.showPage()
    for page in range(3):
        if page:
            canvas.setFont("Helvetica", 10)
            canvas.drawString(60, height - 50, CAPTION)
        rows = [["Procedure", *VISITS]]
        rows += [[f"Assessment {page}{k}", *("X" if (k + j) % 2 == 0 else "" for j in range(5))]
                 for k in range(12)]
        _grid(canvas, height - 70, rows, [160, 80, 80, 80, 80, 80])
        canvas.showPage()
    canvas.save()
    return path


def test_caption_before_a_grid_that_is_no_schedule_titles_the_schedule(tmp_path: Path) -> None:
    schedules, _ = read_schedules(_pdf(tmp_path / "caption.pdf"))
    assert [(s.title, s.pages, len(s.visits), len(s.activities)) for s in schedules] == [
        (CAPTION, [3, 4, 5], 5, 36)]
