"""The annotated CRF (and its blank twin) as one printable HTML file, drawn from the CRF page model."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from importlib import resources
from pathlib import Path

from crfgen_core.render.crf_layout import CRFLayout, FormPage, QuestionRow, field_hint, unit_text


@lru_cache(maxsize=1)
def acrf_css() -> str:
    """Return the bundled aCRF stylesheet."""
    return resources.files("crfgen_core.render").joinpath("data", "acrf.css").read_text("utf-8")


def _anchor(oid: str) -> str:
    return "form-" + "".join(ch if ch.isalnum() else "-" for ch in oid)


def _units(question: QuestionRow) -> str:
    """A single unit is printed after the field; a choice of units gets one box each."""
    if len(question.units) > 1:
        box = '<span class="unit-choice"><span class="box"></span>'
        boxes = "".join(f"{box}{escape(u.symbol)}</span>" for u in question.units)
        return f'<span class="units">{boxes}</span>'
    return f' <span class="unit">{escape(unit_text(question))}</span>' if question.units else ""


def _response(question: QuestionRow, annotated: bool) -> str:
    if question.kind == "choices" and not question.printed_choices:
        return f'<span class="line"></span><br><i>{escape(question.choice_reference)}</i>'
    if question.kind == "choices":
        return "".join(
            f'<span class="choice"><span class="box"></span>{escape(c.decode)}'
            + (f' <span class="code">[{escape(c.code)}]</span>' if annotated and c.code_adds else "")
            + "</span>"
            for c in question.choices
        )
    if question.kind == "long_text":
        return '<span class="notes"></span>'
    hint = field_hint(question)
    field = f'<span class="cells">{escape(hint)}</span>' if hint else '<span class="line"></span>'
    return field + _units(question)


def _annotation(question: QuestionRow) -> str:
    css = "sdtm" if question.submitted else "sdtm not-submitted"
    boxes = [f'<span class="{css}">{escape(question.annotation)}</span>']
    if question.unit_annotation:
        boxes.append(f'<span class="sdtm">{escape(question.unit_annotation)}</span>')
    if question.review:
        boxes.append(f'<span class="review">Review: {escape(question.review)}</span>')
    if question.source:
        boxes.append(f'<span class="source">{escape(question.source)}</span>')
    return "".join(boxes)


def _question(question: QuestionRow) -> str:
    required = ' <span class="required">*</span>' if question.mandatory else ""
    condition = (
        f'<div class="condition">{escape(question.condition.text)}</div>' if question.condition else ""
    )
    return f"{escape(question.text)}{required}{condition}"


def _form_section(form: FormPage, annotated: bool) -> str:
    boxes = (
        "".join(f'<div class="domain-box">{escape(h)}</div>' for h in form.domain_headers)
        if annotated
        else ""
    )
    visits = "Any time (log form)" if form.is_log and not form.visit_names else ", ".join(form.visit_names)
    rows: list[str] = []
    group = None
    for question in form.questions:
        if question.group_name != group and len({q.group_name for q in form.questions}) > 1:
            rows.append(
                f'<tr class="group"><td colspan="{4 if annotated else 3}">'
                f"{escape(question.group_name)}</td></tr>"
            )
        group = question.group_name
        annotation = f'<td class="annotation">{_annotation(question)}</td>' if annotated else ""
        rows.append(
            f'<tr><td class="num">{escape(question.ref or str(question.number))}</td>'
            f'<td class="question">{_question(question)}</td>'
            f'<td class="response">{_response(question, annotated)}</td>{annotation}</tr>'
        )
    # a header row the browser repeats on every printed page of a long form
    head = "".join(
        f"<th>{label}</th>"
        for label in ("Ref", "CRF question", "Data collected", *(["SDTM annotation"] if annotated else []))
    )
    return (
        f'<section class="form" id="{_anchor(form.oid)}"><div class="form-header"><div>'
        f'<h2>{escape(form.name)}</h2><div class="visits">Visits: {escape(visits or "none")}</div></div>'
        f"<div>{boxes}</div></div>"
        f'<table class="questions"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        "</section>"
    )


def _cover(layout: CRFLayout, annotated: bool) -> str:
    kind = "Annotated Case Report Form (SDTM)" if annotated else "Blank Case Report Form"
    identity = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in layout.identity.lines
    )
    contents = "".join(f'<li><a href="#{_anchor(f.oid)}">{escape(f.name)}</a></li>' for f in layout.forms)
    visits = "".join(
        f"<li><b>{escape(v.name)}</b>"
        + (f' <span class="timing">({escape(v.timing)})</span>' if v.timing else "")
        + ": "
        + ", ".join(
            f'<a href="#{_anchor(o)}">{escape(layout.form(o).name)}</a>'
            + (f" ({escape(', '.join(v.arms_for(o)))} only)" if v.arms_for(o) else "")
            for o in v.form_oids
        )
        + "</li>"
        for v in layout.visits
    )
    arms = (
        "<h3>Arms</h3><ul>" + "".join(f"<li>{escape(name)}</li>" for _, name in layout.arms) + "</ul>"
        if layout.arms
        else ""
    )
    return (
        f'<section class="cover"><h1>{escape(kind)}</h1><h2>{escape(layout.identity.title)}</h2>'
        f'<table class="identity">{identity}</table>'
        f"<h3>Forms</h3><ol>{contents}</ol>{arms}<h3>Visits</h3><ul>{visits}</ul></section>"
    )


def acrf_html(layout: CRFLayout, *, annotated: bool = True) -> str:
    """Given the page model, return the complete HTML document (annotated, or blank when annotated=False)."""
    title = ("Annotated CRF" if annotated else "Blank CRF") + f" - {layout.study_name}"
    body = _cover(layout, annotated) + "".join(_form_section(f, annotated) for f in layout.forms)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{acrf_css()}</style></head>"
        f'<body class="{"annotated" if annotated else "blank"}">{body}</body></html>\n'
    )


def write_acrf_html(layout: CRFLayout, path: Path, *, annotated: bool = True) -> Path:
    """Given the page model, write the HTML aCRF (or blank CRF) and return the path."""
    path.write_text(acrf_html(layout, annotated=annotated), encoding="utf-8")
    return path
