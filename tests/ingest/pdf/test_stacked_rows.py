"""Several activities stacked in one ruled row (one line each, marks level with their line) are one row
per line; a label wrapped because it is long, or one with marks centred across its lines, stays whole."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from crfgen_core.ingest.reader import read_schedules

VISITS = ["Screening", "Day 1", "Week 2", "Week 4"]


def _pdf(path: Path) -> Path:
    styles = getSampleStyleSheet()
    cell = styles["Normal"].clone("cell", fontSize=9, leading=11)
    stacked = Paragraph("Study drug record<br/>Medications dispensed<br/>Medications returned", cell)
    wrapped = Paragraph("Exploratory Biomarker Blood Sample Collection", cell)
    rows: list[list[object]] = [["Procedure", *VISITS],
                                ["Informed consent", "X", "", "", ""],
                                [stacked, "", "X", "X", "X"],
                                [wrapped, "X", "", "X", ""],
                                [Paragraph("Vital signs<br/>Weight", cell), "X", "X", "X", "X"],
                                ["Adverse events", "", "X", "X", "X"]]
    table = Table(rows, colWidths=[160, 70, 70, 70, 70])
    table.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 9),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, 3), "TOP"), ("VALIGN", (0, 4), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                               ("ALIGN", (1, 0), (-1, -1), "CENTER")]))
    SimpleDocTemplate(str(path), pagesize=landscape(letter)).build(
        [Paragraph("Schedule of Activities", styles["Heading2"]), table])
    return path


def test_stacked_activities_are_split_and_wrapped_labels_are_not(tmp_path: Path) -> None:
    schedules, _ = read_schedules(_pdf(tmp_path / "stacked.pdf"))
    [schedule] = schedules
    assert [(a.label, a.group) for a in schedule.activities] == [
        ("Informed consent", None), ("Study drug record", None), ("Medications dispensed", None),
        ("Medications returned", None), ("Exploratory Biomarker Blood Sample Collection", None),
        ("Vital signs Weight", None), ("Adverse events", None)]
    marks = {a.label: sorted(c.visit for c in schedule.cells if c.activity == a.id)
             for a in schedule.activities}
    assert marks["Study drug record"] == ["V2", "V3", "V4"]
    assert marks["Medications dispensed"] == marks["Medications returned"] == []
    assert marks["Exploratory Biomarker Blood Sample Collection"] == ["V1", "V3"]


def _tight_pdf(path: Path) -> Path:
    """A table without cell padding: lines of a two-line label stand at the pitch of one-line rows."""
    styles = getSampleStyleSheet()
    cell = styles["Normal"].clone("tight", fontSize=9, leading=10)
    rows: list[list[object]] = [["Procedure", *VISITS],
                                ["Informed consent", "X", "", "", ""],
                                [Paragraph("Drug record<br/>Medications dispensed", cell), "", "X", "X", ""],
                                [Paragraph("Subject Admission to Clinical Research Unit", cell),
                                 "X", "", "", ""],
                                ["Adverse events", "", "X", "X", "X"]]
    table = Table(rows, colWidths=[105, 60, 60, 60, 60])
    table.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 9), ("LEADING", (0, 0), (-1, -1), 10),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               ("ALIGN", (1, 0), (-1, -1), "CENTER")]))
    SimpleDocTemplate(str(path), pagesize=landscape(letter)).build(
        [Paragraph("Schedule of Activities", styles["Heading2"]), table])
    return path


def test_without_padding_short_lines_are_stacked_and_full_lines_wrapped(tmp_path: Path) -> None:
    schedules, _ = read_schedules(_tight_pdf(tmp_path / "tight.pdf"))
    [schedule] = schedules
    assert [a.label for a in schedule.activities] == [
        "Informed consent", "Drug record", "Medications dispensed",
        "Subject Admission to Clinical Research Unit", "Adverse events"]
