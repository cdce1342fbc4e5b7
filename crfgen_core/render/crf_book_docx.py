"""The CRF book as DOCX (python-docx): cover, contents, visit x form schedule, one section per form."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph

from crfgen_core.render.crf_layout import CRFLayout, FormPage, QuestionRow, VisitEntry, field_hint, unit_text

LANDSCAPE_FROM_VISITS = 7  # wider schedules get a landscape page
BOX = "\u2610"  # ballot box: Word's symbol fonts draw it


def _add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """Append a complex field (begin, instruction, separate, placeholder, end); Word fills it on update."""

    def fld_char(kind: str) -> BaseOxmlElement:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")  # ask Word to refresh the field when the file opens
        return element

    run = paragraph.add_run()
    run._r.append(fld_char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(fld_char("separate"))
    paragraph.add_run(placeholder)
    paragraph.add_run()._r.append(fld_char("end"))


def _table(doc: DocxDocument, rows: list[list[str]], font_size: float) -> None:
    """Append a 'Table Grid' table built as one XML fragment: python-docx's cell API is O(n) per cell and
    took seconds for a 500-item design."""
    size = str(round(font_size * 2))
    run_props = f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'

    def cell(text: str, bold: bool) -> str:
        props = run_props.replace("<w:rPr>", "<w:rPr><w:b/>") if bold else run_props
        paragraphs = "".join(
            f'<w:p><w:r>{props}<w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
            for line in text.split("\n")
        )
        return f'<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr>{paragraphs}</w:tc>'

    header = "<w:trPr><w:tblHeader/></w:trPr>"
    body = "".join(
        f"<w:tr>{header if n == 0 else ''}{''.join(cell(t, n == 0) for t in row)}</w:tr>"
        for n, row in enumerate(rows)
    )
    grid = "".join("<w:gridCol/>" for _ in rows[0])
    xml = (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"
    )
    anchor = doc.add_paragraph()
    anchor._p.addprevious(parse_xml(xml))


def _cover(doc: DocxDocument, layout: CRFLayout) -> None:
    doc.add_heading("Case Report Form Book", level=0)
    doc.add_paragraph(layout.identity.title).runs[0].bold = True
    _table(doc, [[label, value] for label, value in layout.identity.lines], 10)
    doc.add_heading("Contents", level=1)
    _add_field(
        doc.add_paragraph(),
        r'TOC \o "1-2" \h \z \u',
        "Right-click and choose Update Field to build the table of contents.",
    )


def _schedule(doc: DocxDocument, layout: CRFLayout) -> None:
    visits = [v for v in layout.visits if v.form_oids]
    if len(visits) >= LANDSCAPE_FROM_VISITS:
        section = doc.add_section()
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    else:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading("Schedule of forms (visit x form)", level=1)
    if layout.arms:
        arms = "; ".join(name for _, name in layout.arms)
        doc.add_paragraph(
            f"Arms: {arms}. A mark with arm names is collected for those arms only; "
            "a visit whose heading names arms belongs to those arms."
        )
    rows = [["Form", *(_visit_heading(visit) for visit in visits)]]
    rows.extend([form.name, *(_mark(visit, form.oid) for visit in visits)] for form in layout.forms)
    _table(doc, rows, 7 if len(visits) >= LANDSCAPE_FROM_VISITS else 9)
    if len(visits) >= LANDSCAPE_FROM_VISITS:
        back = doc.add_section()
        back.orientation = WD_ORIENT.PORTRAIT
        back.page_width, back.page_height = back.page_height, back.page_width


def _visit_heading(visit: VisitEntry) -> str:
    return visit.name + (f"\n{visit.timing}" if visit.timing else "")


def _mark(visit: VisitEntry, form_oid: str) -> str:
    if form_oid not in visit.form_oids:
        return ""
    arms = visit.arms_for(form_oid)
    return f"X ({', '.join(arms)})" if arms else "X"


def _question_text(question: QuestionRow) -> str:
    return (
        question.text
        + (" *" if question.mandatory else "")
        + (f"\n{question.condition.text}" if question.condition else "")
    )


def _response_text(question: QuestionRow) -> str:
    if question.kind == "choices" and not question.printed_choices:
        return "_" * 30 + "\n" + question.choice_reference
    if question.kind == "choices":
        return "\n".join(f"{BOX} {c.decode}" for c in question.choices)
    if question.kind == "long_text":
        return "\n".join(["_" * 30] * 3)
    field = " ".join(p for p in (field_hint(question) or "_" * 30, unit_text(question)) if p)
    if len(question.units) > 1:
        field += "\n" + "   ".join(f"{BOX} {unit.symbol}" for unit in question.units)
    return field


def _form(doc: DocxDocument, form: FormPage, first: bool) -> None:
    if not first:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading(form.name, level=1)
    when = "Any time (log form)" if form.is_log and not form.visit_names else ", ".join(form.visit_names)
    doc.add_paragraph(
        f"Domain: {', '.join(form.domain_headers) or 'none'}. Visits: {when or 'none'}."
        + (" Repeating form." if form.repeating else "")
    )
    rows = [["#", "Question", "Response", "CDASH variable"]]
    rows.extend(
        [q.ref or str(q.number), _question_text(q), _response_text(q), q.cdash_name]
        for q in form.questions
    )
    _table(doc, rows, 9)


def write_crf_book(layout: CRFLayout, path: Path) -> Path:
    """Given the page model, write crf_book.docx and return the path."""
    doc = Document()
    doc.core_properties.title = f"CRF book - {layout.study_name}"
    doc.core_properties.subject = layout.identity.one_line()[:250]
    doc.core_properties.author = "protocol-to-crf-generator"
    _cover(doc, layout)
    _schedule(doc, layout)
    for index, form in enumerate(layout.forms):
        _form(
            doc,
            form,
            first=index == 0 and len([v for v in layout.visits if v.form_oids]) >= LANDSCAPE_FROM_VISITS,
        )
    doc.save(str(path))
    return path
