"""Annotated CRF: HTML and PDF carry the CDISC aCRF annotations; the blank variant carries none."""

from __future__ import annotations

import itertools
from pathlib import Path

import pypdfium2 as pdfium
from design_fixture import fixture_design

from crfgen_core.model.design import (
    CodelistItem,
    CRFCodelist,
    CRFDesign,
    Form,
    Item,
    ItemGroup,
    StudyEvent,
)
from crfgen_core.render.acrf_html import acrf_html
from crfgen_core.render.acrf_pdf import write_acrf_pdf
from crfgen_core.render.crf_layout import VisitEntry, build_layout, item_annotation
from crfgen_core.render.errors import MissingCodelistError


def test_annotated_html_has_domain_boxes_variables_and_not_submitted() -> None:
    html = acrf_html(build_layout(fixture_design()))
    assert '<div class="domain-box">VS (Vital Signs)</div>' in html
    assert '<span class="sdtm">VSORRES when VSTESTCD = SYSBP and VSPOS = SITTING</span>' in html
    assert '<span class="sdtm">VSORRES when VSTESTCD = DIABP</span>' in html
    assert '<span class="sdtm not-submitted">[NOT SUBMITTED]</span>' in html
    assert html.count('class="choice"') == 3 + 2 + 2 + 3 + 2  # POSITION, NY (IE), NY, AESEV, NY (AE)
    assert "DD / MMM / YYYY" in html
    assert "sdtm 2025-03-25" in html and "0" * 63 + "1" in html and "@page" in html


def test_blank_html_has_no_annotations() -> None:
    html = acrf_html(build_layout(fixture_design()), annotated=False)
    assert "domain-box" not in html.split("</style>")[1]
    assert "VSORRES" not in html and "[NOT SUBMITTED]" not in html
    assert "Systolic blood pressure (mmHg)" in html


def test_annotation_is_built_from_value_level_or_test_code_when_not_given() -> None:
    sysbp, diabp = fixture_design().forms[0].item_groups[0].items[1:3]
    assert sysbp.sdtm_annotation is None and diabp.sdtm_annotation is None
    assert item_annotation(sysbp, "VS") == "VSORRES when VSTESTCD = SYSBP and VSPOS = SITTING"
    assert item_annotation(diabp, "VS") == "VSORRES when VSTESTCD = DIABP"


def test_missing_codelist_is_a_typed_error() -> None:
    design = fixture_design()
    try:
        build_layout(design.model_copy(update={"codelists": []}))
    except MissingCodelistError as error:
        assert "CL.POSITION" in str(error)
    else:
        raise AssertionError("expected MissingCodelistError")


def _outline(pdf: pdfium.PdfDocument) -> list[tuple[int, str, int]]:
    return [(b.level, b.get_title(), b.get_dest().get_index()) for b in pdf.get_toc()]  # type: ignore[union-attr]


def test_pdf_has_one_page_per_form_and_bookmarks_by_form_and_visit(tmp_path: Path) -> None:
    pdf = pdfium.PdfDocument(write_acrf_pdf(build_layout(fixture_design()), tmp_path / "acrf.pdf"))
    assert len(pdf) == 4  # cover + 3 short forms
    outline = _outline(pdf)
    assert outline[:5] == [
        (0, "Cover", 0),
        (0, "Forms", 1),
        (1, "Vital Signs", 1),
        (1, "Inclusion/Exclusion Criteria", 2),
        (1, "Adverse Events", 3),
    ]
    visits = outline[5:]
    assert visits[:4] == [
        (0, "Visits", 1),
        (1, "Screening", 1),
        (2, "Vital Signs", 1),
        (2, "Inclusion/Exclusion Criteria", 2),
    ]
    assert (1, "Log forms (any time)", 3) in visits and visits[-1] == (2, "Adverse Events", 3)
    page = pdf[1].get_textpage().get_text_range()
    assert "VS (Vital Signs)" in page and "VSORRES when VSTESTCD =" in page


def test_blank_pdf_has_the_questions_without_annotations(tmp_path: Path) -> None:
    pdf = pdfium.PdfDocument(
        write_acrf_pdf(build_layout(fixture_design()), tmp_path / "b.pdf", annotated=False)
    )
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Systolic blood pressure" in text and "VSORRES" not in text and "NOT SUBMITTED" not in text


def test_conditions_units_and_review_notes_are_printed() -> None:
    html = acrf_html(build_layout(fixture_design()))
    assert '<div class="condition">Only if Ongoing = No</div>' in html
    assert '<span class="unit">mmHg</span>' in html
    assert html.count('class="unit-choice"') == 2  # Temperature: C or F
    assert '<span class="sdtm">VSORRESU</span>' in html
    assert "Review: no SDTM target" in html
    assert "<th>SDTM annotation</th>" in html  # the column header browsers repeat on every page
    blank = acrf_html(build_layout(fixture_design()), annotated=False)
    assert "Only if Ongoing = No" in blank and "<th>SDTM annotation</th>" not in blank


def test_visits_show_timing_arms_and_arm_only_forms() -> None:
    layout = build_layout(fixture_design())
    html = acrf_html(layout)
    assert "<h3>Arms</h3>" in html and "Drug B" in html
    assert "Visit 4 (Drug A only)" in layout.form("F.IE").visit_names
    maintenance = next(v for v in layout.visits if v.oid == "SE.MAINT")
    assert maintenance.timing == "±3 days; repeats: Cycle 2 and beyond, every 3 weeks; arms: Drug B"
    call = next(v for v in layout.visits if v.oid == "SE.CALL")
    assert "telephone contact" in call.timing


def _large_form_design(items: int) -> CRFDesign:
    design = fixture_design()
    questions = [
        Item(
            oid=f"IT.QS.Q{n}",
            name=f"QSORRES_Q{n}",
            question=f"Question {n}: how often in the last week?",
            codelist_oid="CL.AESEV",
        )
        for n in range(1, items + 1)
    ]
    form = Form(
        oid="F.QS",
        name="Questionnaire",
        domain="QS",
        item_groups=[ItemGroup(oid="IG.QS", name="QS", items=questions)],
    )
    return design.model_copy(update={"forms": [*design.forms, form]})


def test_a_100_item_form_paginates_with_the_column_header_on_every_page(tmp_path: Path) -> None:
    layout = build_layout(_large_form_design(100))
    pdf = pdfium.PdfDocument(write_acrf_pdf(layout, tmp_path / "big.pdf"))
    pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    form_pages = [text for text in pages[1:] if "Questionnaire" in text]  # the cover lists it too
    assert len(form_pages) >= 5
    assert all("CRF question" in text and "SDTM annotation" in text for text in form_pages)
    assert all("(continued)" in text for text in form_pages[1:])
    printed = [n for n in range(1, 101) if any(f"Question {n}:" in text for text in form_pages)]
    assert printed == list(range(1, 101))  # no question lost at a page break


def test_a_unit_question_of_its_own_is_not_asked_twice() -> None:
    design = fixture_design()
    vs = design.forms[0]
    group = vs.item_groups[0]
    unit_item = Item(oid="IT.VS.VSORRESU", name="VSORRESU", question="Unit", sdtm_target="VSORRESU")
    grown = group.model_copy(update={"items": [*group.items, unit_item]})
    form = vs.model_copy(update={"item_groups": [grown]})
    layout = build_layout(design.model_copy(update={"forms": [form, *design.forms[1:]]}))
    temperature = next(q for q in layout.forms[0].questions if q.oid == "IT.VS.VSORRES.TEMP")
    assert temperature.units == () and temperature.unit_annotation is None


# ---- page layout regressions (continued headers, codes, the cover, group headings) ------------------


def _pdf_lines(path: Path) -> list[list[dict[str, object]]]:
    """Per page, the text lines pdfplumber reads (text, x0, x1, top, bottom, chars)."""
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [page.extract_text_lines() for page in pdf.pages]


def test_a_code_equal_to_its_decode_is_printed_once(tmp_path: Path) -> None:
    design = fixture_design()
    scale = CRFCodelist(
        oid="CL.SCORE",
        name="Score",
        items=[
            CodelistItem(coded_value="0", decode="0"),
            CodelistItem(coded_value="all commands correct", decode="all commands correct"),
            CodelistItem(coded_value="WHITE", decode="White"),
        ],
    )
    item = Item(oid="IT.QS.SCORE", name="QSORRES", question="Score?", codelist_oid="CL.SCORE")
    form = Form(oid="F.QS", name="Scores", domain="QS",
                item_groups=[ItemGroup(oid="IG.QS", name="QS", items=[item])])
    layout = build_layout(
        design.model_copy(update={"forms": [*design.forms, form], "codelists": [*design.codelists, scale]})
    )
    pdf = pdfium.PdfDocument(write_acrf_pdf(layout, tmp_path / "acrf.pdf"))
    text = pdf[len(pdf) - 1].get_textpage().get_text_range()
    assert "all commands correct" in text and "[all commands correct]" not in text
    assert "0 [0]" not in text
    assert "White [WHITE]" in text  # the submission value differs in case: it is information
    html = acrf_html(layout)
    assert "[all commands correct]" not in html and "[WHITE]" in html


def test_a_long_continued_form_name_never_runs_into_the_page_label(tmp_path: Path) -> None:
    design = _large_form_design(60)
    long_name = (
        "Alzheimer's Disease Assessment Scale - Cognitive Subscale, Extended Version With Delayed Recall"
    )
    forms = [*design.forms[:-1], design.forms[-1].model_copy(update={"name": long_name})]
    study = "A-VERY-LONG-STUDY-IDENTIFIER-2024-001(c)"
    design = design.model_copy(update={"study_name": study, "forms": forms})
    path = write_acrf_pdf(build_layout(design), tmp_path / "acrf.pdf")
    label = f"Annotated CRF - {design.study_name}"
    continued = 0
    for lines in _pdf_lines(path):
        top = sorted(lines, key=lambda line: float(line["top"]))[0]  # type: ignore[arg-type]
        chars = top["chars"]
        assert isinstance(chars, list)
        if "(continued)" not in str(top["text"]):
            continue
        continued += 1
        ordered = sorted(chars, key=lambda c: float(c["x0"]))
        pairs = enumerate(itertools.pairwise(ordered))
        gaps = [(float(b["x0"]) - float(a["x1"]), i + 1) for i, (a, b) in pairs]
        widest, cut = max(gaps)
        assert "".join(c["text"] for c in ordered[:cut]).strip() == label.replace(" ", "")
        assert widest > 10, f"the continued title touches the label: {top['text']}"
        assert "\u2026 (continued)" in str(top["text"])
    assert continued >= 2


def _visit(n: int) -> StudyEvent:
    return StudyEvent(oid=f"SE.V{n}", name=f"Visit {n}", order=n, day=f"Day {7 * n}")


def test_a_long_visit_list_stays_on_the_cover_in_columns_or_continues_cleanly(tmp_path: Path) -> None:
    design = fixture_design()
    events = [_visit(n) for n in range(1, 41)]
    layout = build_layout(design.model_copy(update={"events": events, "matrix": []}))
    pages = _pdf_lines(write_acrf_pdf(layout, tmp_path / "acrf.pdf"))
    cover = " | ".join(str(line["text"]) for line in pages[0])
    assert all(f"Visit {n} " in cover + " " for n in range(1, 41)), "40 visits fit the cover in columns"

    many = [_visit(n) for n in range(1, 301)]
    layout = build_layout(design.model_copy(update={"events": many, "matrix": []}))
    path = write_acrf_pdf(layout, tmp_path / "many.pdf")
    pages = _pdf_lines(path)
    texts = [" | ".join(str(line["text"]) for line in page) for page in pages]
    assert "Visits (continued)" in texts[1]
    printed = [n for n in range(1, 301) if any(f"Visit {n} (" in text for text in texts)]
    assert printed == list(range(1, 301))
    page_height = 792.0
    for page in pages:  # nothing drawn into the footer band but the page number
        for line in page:
            if not str(line["text"]).startswith("Page "):
                assert float(line["bottom"]) < page_height - 20 * 72 / 25.4, line["text"]  # type: ignore[arg-type]


def test_no_group_heading_is_the_last_thing_on_a_page(tmp_path: Path) -> None:
    design = fixture_design()
    groups = [
        ItemGroup(
            oid=f"IG.QS.G{g}",
            name=f"Section heading {g}",
            items=[
                Item(
                    oid=f"IT.QS.G{g}Q{n}",
                    name=f"QS{g}Q{n}",
                    question=f"Item {g}.{n}?",
                    codelist_oid="CL.AESEV",
                )
                for n in range(1, 2 + g % 3)
            ],
        )
        for g in range(1, 41)
    ]
    form = Form(oid="F.QS", name="Sections", domain="QS", item_groups=groups)
    layout = build_layout(design.model_copy(update={"forms": [*design.forms, form]}))
    pages = _pdf_lines(write_acrf_pdf(layout, tmp_path / "acrf.pdf"))
    headings = {group.name for group in groups}
    form_pages = 0
    for page in pages:
        body = [line for line in page if not str(line["text"]).startswith("Page ")]
        if any(str(line["text"]) in headings for line in body):
            form_pages += 1
        last = max(body, key=lambda line: float(line["bottom"]))  # type: ignore[arg-type]
        assert str(last["text"]) not in headings, f"heading {last['text']} ends a page"
    assert form_pages >= 3


def test_a_word_wider_than_its_column_is_broken_not_run_off_the_page(tmp_path: Path) -> None:
    design = fixture_design()
    run_together = "RUNTOGETHERTEXTWITHOUTSPACES" * 8
    metadata = design.metadata.model_copy(update={"title": f"A study of {run_together}"})
    layout = build_layout(design.model_copy(update={"metadata": metadata}))
    pages = _pdf_lines(write_acrf_pdf(layout, tmp_path / "acrf.pdf"))
    right_margin = 612.0 - 14 * 72 / 25.4
    for line in pages[0]:
        assert float(line["x1"]) <= right_margin + 1, line["text"]  # type: ignore[arg-type]
    cover = "".join(str(line["text"]) for line in pages[0])
    assert cover.count("RUNTOGETHER") >= 16  # in the heading and the Title row, nothing lost


def test_a_visit_named_with_its_day_does_not_repeat_it() -> None:
    named = VisitEntry(oid="SE.V1", name="Visit 1 (Week -2)", form_oids=(), day="Week -2", window="±3 days")
    assert named.timing == "±3 days"
    bare = VisitEntry(oid="SE.V2", name="Visit 2", form_oids=(), day="Week 0")
    assert bare.timing == "Week 0"
