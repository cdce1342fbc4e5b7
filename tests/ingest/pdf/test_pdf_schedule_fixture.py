"""SoA extraction on small PDFs the test builds itself with reportlab: stitching over pages, section rows,
superscript markers, footnotes, drawn arrows; and bad input (encrypted, truncated, no SoA)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from crfgen_core.cli import main
from crfgen_core.ingest.errors import CorruptProtocolError, EncryptedProtocolError
from crfgen_core.ingest.pdf import OpenPdf
from crfgen_core.ingest.reader import read_schedules
from crfgen_core.model.protocol import Schedule

CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=9, leading=11)
VISITS = ["Screening", "Day 1", "Week 2", "Week 4", "Week 8", "End of Study"]
SECTIONS = {"Safety": 0, "Laboratory": 25}  # section row before body row index
ROW_COUNT = 40  # enough rows to run over two landscape pages


def _label(index: int) -> Paragraph | str:
    if index == 3:
        return Paragraph("Vital signs<super>b</super>", CELL)
    return f"Assessment {index:02d}"


def _soa_pdf(path: Path) -> Path:
    """A two-page SoA: two header rows repeated on page 2, section rows, a superscript label marker,
    "Xa" cells, a footnote legend under the table, a caption marked (continued) on page 2."""
    header = [["", "Screening", "Treatment", "", "", "", "Follow-up"],
              ["Procedure", "Screening", "Day 1", "Week 2", "Week 4", "Week 8", "End of Study"]]
    header[1][1] = "Day -14"
    body: list[list[Paragraph | str]] = []
    styles: list[tuple[object, ...]] = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                         ("SPAN", (2, 0), (5, 0)), ("FONTSIZE", (0, 0), (-1, -1), 9)]
    for index in range(ROW_COUNT):
        for name, position in SECTIONS.items():
            if position == index:
                row_number = len(header) + len(body)
                body.append([name, "", "", "", "", "", ""])
                styles.append(("SPAN", (0, row_number), (-1, row_number)))
        marks = ["X" if (index + column) % 3 == 0 else "" for column in range(6)]
        if index == 5:
            marks[0] = "Xa"
        body.append([_label(index), *marks])
    table = Table(header + body, repeatRows=2, colWidths=[200, 70, 60, 60, 60, 60, 80])
    table.setStyle(TableStyle(styles))

    def caption(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        text = "Schedule of Activities" + (" (continued)" if doc.page > 1 else "")
        canvas.setFont("Helvetica-Bold", 11)
        canvas.drawString(40, landscape(letter)[1] - 30, text)
        canvas.setFont("Helvetica", 8)
        canvas.drawString(40, 30, "a Fasting sample.")
        canvas.drawString(40, 20, "b Sitting, after 5 minutes rest.")

    document = SimpleDocTemplate(str(path), pagesize=landscape(letter), topMargin=45, bottomMargin=50)
    document.build([Spacer(1, 4), table], onFirstPage=caption, onLaterPages=caption)
    return path


def _schedules(path: Path) -> list[Schedule]:
    schedules, warnings = read_schedules(path)
    assert not warnings
    return schedules


def test_table_over_two_pages_is_one_schedule(tmp_path: Path) -> None:
    path = _soa_pdf(tmp_path / "soa.pdf")
    with OpenPdf(path) as pdf:
        assert pdf.page_count == 2
    schedules = _schedules(path)
    assert len(schedules) == 1
    schedule = schedules[0]
    assert schedule.pages == [1, 2]
    assert schedule.title == "Schedule of Activities"
    assert [v.headers for v in schedule.visits][:2] == [["Screening", "Day -14"], ["Treatment", "Day 1"]]
    assert [v.headers[-1] for v in schedule.visits] == ["Day -14", *VISITS[1:]]
    labels = [a.label for a in schedule.activities]
    assert labels == [f"Assessment {i:02d}" if i != 3 else "Vital signs" for i in range(ROW_COUNT)]
    groups = {a.label: a.group for a in schedule.activities}
    assert groups["Assessment 00"] == "Safety" and groups["Assessment 24"] == "Safety"
    assert groups["Assessment 25"] == "Laboratory" and groups[f"Assessment {ROW_COUNT - 1}"] == "Laboratory"


def test_markers_cells_and_footnotes(tmp_path: Path) -> None:
    schedule = _schedules(_soa_pdf(tmp_path / "soa.pdf"))[0]
    by_label = {a.label: a for a in schedule.activities}
    assert by_label["Vital signs"].footnotes == ["b"]
    cells = {(c.activity, c.visit): c for c in schedule.cells}
    xa = cells[(by_label["Assessment 05"].id, "V1")]
    assert (xa.text, xa.footnotes) == ("X", ["a"])
    expected = {(f"A{i + 1}", f"V{c + 1}") for i in range(ROW_COUNT) for c in range(6) if (i + c) % 3 == 0}
    assert set(cells) == expected | {(by_label["Assessment 05"].id, "V1")}
    assert {f.marker: f.text for f in schedule.footnotes} == {
        "a": "Fasting sample.", "b": "Sitting, after 5 minutes rest."}


def test_drawn_arrow_across_merged_cells_marks_each_visit(tmp_path: Path) -> None:
    path = tmp_path / "arrow.pdf"
    rows = [["Procedure", "Screening", "Day 1", "Week 2", "Week 4"],
            ["Consent", "X", "", "", ""], ["Dosing", "", "X", "X", "X"], ["Diary", "X", "X", "", "X"],
            ["Adverse events", "", "", "", ""]]
    table = Table(rows, colWidths=[150, 80, 80, 80, 80], rowHeights=18)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("SPAN", (1, 4), (4, 4))]))
    canvas = Canvas(str(path), pagesize=letter)
    canvas.drawString(40, 740, "Schedule of Activities")
    table.wrapOn(canvas, 470, 200)
    table.drawOn(canvas, 72, 600)  # rows 18 pt high: the last row spans y 600-618
    canvas.line(72 + 150 + 10, 609, 72 + 470 - 10, 609)  # the arrow's shaft across the merged cell
    canvas.save()
    schedule = _schedules(path)[0]
    events = next(a for a in schedule.activities if a.label == "Adverse events")
    assert [c.visit for c in schedule.cells if c.activity == events.id] == ["V1", "V2", "V3", "V4"]


def test_encrypted_pdf_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    canvas = Canvas(str(path), encrypt=StandardEncryption("secret", ownerPassword="owner"))
    canvas.drawString(72, 720, "Schedule of Activities")
    canvas.save()
    with pytest.raises(EncryptedProtocolError, match="password"):
        OpenPdf(path)


def test_truncated_pdf_is_a_typed_error(tmp_path: Path) -> None:
    whole = _soa_pdf(tmp_path / "soa.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    try:
        OpenPdf(path).close()
    except CorruptProtocolError:
        return  # pdfium refused the file: a typed error is the expected outcome
    # pdfium recovered what it could: extraction must still not raise
    read_schedules(path)


def test_pdf_without_soa_gives_no_schedule_and_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    path = tmp_path / "plain.pdf"
    canvas = Canvas(str(path))
    canvas.drawString(72, 720, "1. Introduction: this protocol has prose only, X marks nothing here.")
    canvas.save()
    assert read_schedules(path) == ([], [])
    out = tmp_path / "soa.json"
    assert main(["extract", str(path), "--soa-json", str(out)]) == 0
    assert '"schedules": []' in out.read_text()
    assert "Traceback" not in capsys.readouterr().err


def test_row_drawn_without_its_column_rules_keeps_its_marks_in_their_columns(tmp_path: Path) -> None:
    path = tmp_path / "open_row.pdf"
    rows = [["Procedure", "Screening", "Day 1", "Week 2", "Week 4"], ["Consent", "X", "", "", ""],
            ["ECG", "X", "", "X", "X"], ["Dosing", "", "X", "X", "X"], ["Adverse events", "X", "X", "", "X"]]
    table = Table(rows, colWidths=[150, 80, 80, 80, 80], rowHeights=18)
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.black),
                               ("LINEBEFORE", (1, 0), (-1, 1), 0.5, colors.black),  # row 2 has no
                               ("LINEBEFORE", (1, 2), (1, 2), 0.5, colors.black),  # inner rules
                               ("LINEBEFORE", (1, 3), (-1, -1), 0.5, colors.black)]))
    canvas = Canvas(str(path), pagesize=letter)
    canvas.drawString(40, 740, "Schedule of Activities")
    table.wrapOn(canvas, 470, 200)
    table.drawOn(canvas, 72, 600)
    canvas.save()
    schedule = _schedules(path)[0]
    ecg = next(a for a in schedule.activities if a.label == "ECG")
    assert sorted(c.visit for c in schedule.cells if c.activity == ecg.id) == ["V1", "V3", "V4"]
