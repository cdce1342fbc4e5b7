"""Write the bundled example protocol as DOCX (python-docx) and PDF (reportlab) from example_study.

Run `python -m crfgen_core.examples.build_example` to regenerate the files in data/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.shared import Pt
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import (
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import BaseDocTemplate
from reportlab.platypus.frames import Frame

from crfgen_core.examples import example_study as study

DATA_DIR = Path(__file__).parent / "data"


def _soa_grid() -> list[list[str]]:
    """Header rows, then one row per activity; footnote markers are added by each writer as superscript."""
    grid = [[label, *values] for label, values in study.VISIT_HEADER_ROWS]
    for row in study.SOA_ROWS:
        grid.append([row.label, *([""] * 7 if row.section else row.marks)])
    return grid


def write_docx(path: Path) -> Path:
    """Given a target path, write the example protocol as DOCX and return the path."""
    document = docx.Document()
    document.core_properties.title = study.TITLE
    document.add_heading("Clinical Study Protocol", level=0)
    title_table = document.add_table(rows=0, cols=2)
    for label, value in study.TITLE_PAGE:
        cells = title_table.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.add_heading("1 Objectives and Endpoints", level=1)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Objectives", "Endpoints"
    for level, objective, endpoint in study.OBJECTIVES:
        level_row = table.add_row().cells
        merged = level_row[0].merge(level_row[1])
        merged.text = level
        cells = table.add_row().cells
        cells[0].text, cells[1].text = objective, endpoint
    document.add_heading("2 Study Population", level=1)
    document.add_heading("2.1 Inclusion Criteria", level=2)
    for number, text in enumerate(study.INCLUSION, 1):
        document.add_paragraph(f"{number}. {text}")
    document.add_heading("2.2 Exclusion Criteria", level=2)
    for number, text in enumerate(study.EXCLUSION, 1):
        document.add_paragraph(f"{number}. {text}")
    section = document.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading("3 Schedule of Activities", level=1)
    grid = _soa_grid()
    soa = document.add_table(rows=len(grid), cols=len(grid[0]))
    soa.style = "Table Grid"
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            soa.cell(r, c).text = value
    # The Treatment period spans five visit columns: a merged header cell, as real protocols have.
    soa.cell(0, 2).merge(soa.cell(0, 6)).text = "Treatment"
    for r, soa_row in enumerate(study.SOA_ROWS, len(study.VISIT_HEADER_ROWS)):
        if soa_row.footnote:
            soa.cell(r, 0).paragraphs[0].add_run(soa_row.footnote).font.superscript = True
    for marker, text in study.SOA_FOOTNOTES:
        document.add_paragraph(f"{marker}. {text}").runs[0].font.size = Pt(8)
    document.add_heading("Appendix 1 Clinical Laboratory Tests", level=1)
    labs = document.add_table(rows=1, cols=2)
    labs.rows[0].cells[0].text, labs.rows[0].cells[1].text = "Panel", "Tests"
    for panel, tests in study.LAB_PANELS:
        cells = labs.add_row().cells
        cells[0].text, cells[1].text = panel, tests
    document.add_paragraph(f"Vital signs: {study.VITAL_SIGNS}")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def write_pdf(path: Path) -> Path:
    """Given a target path, write the example protocol as PDF (SoA on a landscape page)."""
    styles = getSampleStyleSheet()
    portrait_frame = Frame(40, 40, A4[0] - 80, A4[1] - 80, id="portrait")
    landscape_size = landscape(A4)
    landscape_frame = Frame(30, 30, landscape_size[0] - 60, landscape_size[1] - 60, id="landscape")
    doc = BaseDocTemplate(str(path), pagesize=A4, title=study.TITLE, author="crfgen example")
    doc.addPageTemplates(
        [
            PageTemplate(id="portrait", frames=[portrait_frame], pagesize=A4),
            PageTemplate(id="landscape", frames=[landscape_frame], pagesize=landscape_size),
        ]
    )
    grid_style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    story: list[object] = [Paragraph("Clinical Study Protocol", styles["Title"])]
    for label, value in study.TITLE_PAGE:
        story.append(Paragraph(f"<b>{label}:</b> {value}", styles["Normal"]))
    story += [PageBreak(), Paragraph("1 Objectives and Endpoints", styles["Heading1"])]
    objectives = [["Objectives", "Endpoints"]]
    for level, objective, endpoint in study.OBJECTIVES:
        objectives += [
            [level, ""],
            [Paragraph(objective, styles["Normal"]), Paragraph(endpoint, styles["Normal"])],
        ]
    story.append(Table(objectives, colWidths=[230, 230], style=grid_style))
    story.append(Paragraph("2 Study Population", styles["Heading1"]))
    for heading, criteria in (
        ("2.1 Inclusion Criteria", study.INCLUSION),
        ("2.2 Exclusion Criteria", study.EXCLUSION),
    ):
        story.append(Paragraph(heading, styles["Heading2"]))
        story += [Paragraph(f"{n}. {text}", styles["Normal"]) for n, text in enumerate(criteria, 1)]
    story += [
        NextPageTemplate("landscape"),
        PageBreak(),
        Paragraph("3 Schedule of Activities", styles["Heading1"]),
    ]
    grid = _soa_grid()
    soa_style = TableStyle(
        [
            *grid_style.getCommands(),
            ("SPAN", (2, 0), (6, 0)),
            ("ALIGN", (1, 0), (-1, -1), "CENTER"),
            *[
                ("FONTNAME", (0, r), (0, r), "Helvetica-Bold")
                for r, row in enumerate(study.SOA_ROWS, 4)
                if row.section
            ],
        ]
    )
    grid[0][3:7] = ["", "", "", ""]
    cells: list[list[object]] = [list(row) for row in grid]
    for r, soa_row in enumerate(study.SOA_ROWS, len(study.VISIT_HEADER_ROWS)):
        if soa_row.footnote:
            marked = f"<font size=8>{soa_row.label}<super>{soa_row.footnote}</super></font>"
            cells[r][0] = Paragraph(marked, styles["Normal"])
    story.append(Table(cells, colWidths=[220] + [70] * 7, style=soa_style, repeatRows=4))
    story += [Spacer(1, 6)] + [
        Paragraph(f"<font size=7>{marker}. {text}</font>", styles["Normal"])
        for marker, text in study.SOA_FOOTNOTES
    ]
    story += [
        NextPageTemplate("portrait"),
        PageBreak(),
        Paragraph("Appendix 1 Clinical Laboratory Tests", styles["Heading1"]),
    ]
    labs = [["Panel", "Tests"]] + [
        [panel, Paragraph(tests, styles["Normal"])] for panel, tests in study.LAB_PANELS
    ]
    story.append(Table(labs, colWidths=[100, 360], style=grid_style))
    story.append(Paragraph(f"Vital signs: {study.VITAL_SIGNS}", styles["Normal"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.build(story)
    return path


def main(argv: list[str] | None = None) -> int:
    target = Path(argv[0]) if argv else DATA_DIR
    print(write_docx(target / "example_protocol.docx"))
    print(write_pdf(target / "example_protocol.pdf"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
