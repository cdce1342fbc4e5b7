"""SoA tables without column rules (booktabs style, or no rules at all): columns from tick alignment."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from crfgen_core.ingest.reader import read_schedules

VISITS = ["Day -14", "Day 1", "Week 2", "Week 4", "Week 8"]
ROWS = 20


def _marks(row: int) -> list[str]:
    return ["X" if (row + column) % 3 == 0 else "" for column in range(len(VISITS))]


def _pdf(path: Path, horizontal_rules: bool) -> Path:
    header = [["", "Screening", "Treatment", "", "", "Follow-up"], ["Procedure", *VISITS]]
    body = [[f"Assessment {row:02d}", *_marks(row)] for row in range(ROWS)]
    table = Table(header + body, colWidths=[180, 70, 70, 70, 70, 70])
    style: list[tuple[object, ...]] = [("FONTSIZE", (0, 0), (-1, -1), 9), ("SPAN", (2, 0), (4, 0)),
                                       ("ALIGN", (1, 0), (-1, -1), "CENTER")]
    if horizontal_rules:  # booktabs: top, mid and bottom rules only
        style += [("LINEABOVE", (0, 0), (-1, 0), 1, colors.black),
                  ("LINEBELOW", (0, 1), (-1, 1), 0.5, colors.black),
                  ("LINEBELOW", (0, -1), (-1, -1), 1, colors.black)]
    table.setStyle(TableStyle(style))
    styles = getSampleStyleSheet()
    SimpleDocTemplate(str(path), pagesize=landscape(letter)).build(
        [Paragraph("Table 1: Schedule of Activities", styles["Heading2"]), table, Spacer(1, 6),
         Paragraph("X = performed at this visit", styles["Normal"])])
    return path


@pytest.mark.parametrize("horizontal_rules", [True, False])
def test_table_without_column_rules_is_read_by_alignment(tmp_path: Path, horizontal_rules: bool) -> None:
    schedules, warnings = read_schedules(_pdf(tmp_path / "aligned.pdf", horizontal_rules))
    assert not warnings
    [schedule] = schedules
    assert schedule.title == "Table 1: Schedule of Activities"
    assert [v.headers[-1] for v in schedule.visits] == VISITS
    assert [a.label for a in schedule.activities] == [f"Assessment {row:02d}" for row in range(ROWS)]
    marked = {(a.row, v.id) for c in schedule.cells for a in schedule.activities for v in schedule.visits
              if c.activity == a.id and c.visit == v.id}
    assert marked == {(row, f"V{column + 1}") for row in range(ROWS)
                      for column, mark in enumerate(_marks(row)) if mark}
    assert [(f.marker, f.text) for f in schedule.legend] == [("X", "performed at this visit")]


def _centred_pdf(path: Path) -> Path:
    """Booktabs table whose cells are centred vertically in rows of two lines: a wrapped last header
    ("Post-treatment / Follow-up") beside one-line headers, a two-line reference beside marks, and a mark
    carrying a raised footnote digit that stands between the label's two lines."""
    styles = getSampleStyleSheet()
    small = styles["Normal"].clone("small", fontSize=9, leading=10.8, alignment=1)

    def para(text: str) -> Paragraph:
        return Paragraph(text, small)

    header = [["Visit", para("Protocol Section"), "Screening", "Baseline", "Week 4",
               para("Post-treatment Follow-up")]]
    body = []
    for row in range(8):
        marks = _marks(row)[:4]
        if row == 3:
            marks = ["", "x", "x<super>2</super>", "x<super>2</super>"]
        reference = para(f"Appendix {row + 1}") if row % 2 else f"7.{row}"
        body.append([f"Assessment {row:02d}", reference, *[para(m) if m else "" for m in marks]])
    table = Table(header + body, colWidths=[180, 50, 80, 80, 80, 75])
    table.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 9), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                               ("LINEABOVE", (0, 0), (-1, 0), 1, colors.black),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                               ("LINEBELOW", (0, -1), (-1, -1), 1, colors.black)]))
    SimpleDocTemplate(str(path), pagesize=landscape(letter)).build(
        [Paragraph("Schedule of Activities", styles["Heading2"]), table, Spacer(1, 6),
         Paragraph("<super>2</super> Fasting for at least 8 hours.", styles["Normal"])])
    return path


def test_cells_centred_beside_wrapped_ones_stay_in_their_row(tmp_path: Path) -> None:
    schedules, _ = read_schedules(_centred_pdf(tmp_path / "centred.pdf"))
    [schedule] = schedules
    assert [v.headers[-1] for v in schedule.visits] == ["Screening", "Baseline", "Week 4",
                                                        "Post-treatment Follow-up"]
    assert [a.label for a in schedule.activities] == [f"Assessment {row:02d}" for row in range(8)]
    row3 = next(a.id for a in schedule.activities if a.label == "Assessment 03")
    cells = {(c.visit, c.text, tuple(c.footnotes)) for c in schedule.cells if c.activity == row3}
    assert cells == {("V2", "x", ()), ("V3", "x", ("2",)), ("V4", "x", ("2",))}


def _spanned_header_pdf(path: Path) -> Path:
    """No rules: a wrapped corner label, a visit header merged over both header rows (centred on a line of
    its own) above a column with a single mark, a group header centred between the two columns it spans,
    and a legend line that defines the mark."""
    styles = getSampleStyleSheet()
    small = styles["Normal"].clone("small", fontSize=9, leading=10.8)
    header = [[Paragraph("Assessments / Procedures", small), "Screening", "Day -1", "Day 1", "", "Day 2"],
              ["", "Days -21 to -2", "", "Predose", "0.5 h", "24 h"]]
    body = [[f"Assessment {row:02d}", *_marks(row)] for row in range(10)]
    for row in body:
        row[2] = "X" if row[0] == "Assessment 04" else ""  # the only mark of the Day -1 column
    table = Table(header + body, colWidths=[90, 80, 60, 60, 60, 60])
    table.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 9), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("ALIGN", (1, 0), (-1, -1), "CENTER"), ("SPAN", (3, 0), (4, 0)),
                               ("SPAN", (2, 0), (2, 1)), ("SPAN", (0, 0), (0, 1))]))
    SimpleDocTemplate(str(path), pagesize=letter).build(
        [Paragraph("Schedule of Activities", styles["Heading2"]), table, Spacer(1, 6),
         Paragraph("X = performed at this visit", styles["Normal"])])
    return path


def test_header_on_a_line_of_its_own_heads_a_column_and_group_headers_do_not(tmp_path: Path) -> None:
    schedules, _ = read_schedules(_spanned_header_pdf(tmp_path / "spanned.pdf"))
    [schedule] = schedules
    assert [v.headers for v in schedule.visits] == [
        ["Screening", "Days -21 to -2"], ["Day -1"], ["Day 1", "Predose"], ["Day 1", "0.5 h"],
        ["Day 2", "24 h"]]
    assert [a.label for a in schedule.activities] == [f"Assessment {row:02d}" for row in range(10)]
    day_minus_1 = schedule.visits[1].id
    assert [a.label for c in schedule.cells for a in schedule.activities
            if c.visit == day_minus_1 and c.activity == a.id] == ["Assessment 04"]
