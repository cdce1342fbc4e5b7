"""One readable example per layout feature of the synthetic SoA generator: each builds a plain layout with
one feature switched on and checks the file really shows it (and the truth does not change because of
it). The reader is run only on the plain layouts, which it must read perfectly: that guards the plumbing
between generator, truth and scorer."""

from __future__ import annotations

import zipfile
from pathlib import Path
from types import ModuleType

import pdfplumber
import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from synthetic_soa import LayoutParams, build_layout, params_strategy
from synthetic_soa.build import Built
from synthetic_soa.scoring import run_layout

PLAIN = LayoutParams(content_seed=11, body_text=False, length="medium", visits="some")
DASHES = {"-", "–", "—", "N/A"}


def build(tmp_path: Path, **changes: object) -> Built:
    return build_layout(PLAIN.replace(**changes), tmp_path)


def page_texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        texts = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        pdf.close()


def main_pages(built: Built) -> list[int]:
    return built.truth["schedules"][0]["pages"]


def docx_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


# -- the plain layouts are read perfectly (generator, truth and scorer agree)

@pytest.mark.shared
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_plain_layout_is_read_perfectly(fmt: str, tmp_path: Path, scorer: ModuleType) -> None:
    result = run_layout(PLAIN.replace(fmt=fmt), tmp_path, scorer)
    assert result.error is None
    assert (result.f1, result.scores["activity_recall"], result.scores["column_recall"]) == (1.0, 1.0, 1.0)


def test_same_parameters_give_the_same_pdf_and_truth(tmp_path: Path) -> None:
    first = build_layout(PLAIN.replace(extra_codes=True, footnotes="superscript"), tmp_path / "a")
    second = build_layout(PLAIN.replace(extra_codes=True, footnotes="superscript"), tmp_path / "b")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.truth == second.truth


def test_params_round_trip_through_json() -> None:
    params = PLAIN.replace(fmt="docx", tick="✓", font_size=6)
    assert LayoutParams.from_json(params.to_json()) == params


@settings(max_examples=20, derandomize=True, database=None, deadline=None)
@given(params_strategy(formats=("pdf", "docx", "image", "half_scanned")))
def test_strategy_draws_buildable_parameters(params: LayoutParams) -> None:
    assert params.fmt in ("pdf", "docx", "image", "half_scanned")
    assert LayoutParams.from_json(params.to_json()) == params


# -- cells: what the truth counts

def test_dashes_redaction_and_continuous_cells_in_truth(tmp_path: Path) -> None:
    built = build(tmp_path, dash_empty=True, redaction="row", spanning_cells=True, length="long")
    schedule = built.truth["schedules"][0]
    assert not {c["text"] for c in schedule["cells"]} & DASHES  # a dash schedules nothing
    assert "CCI" not in {a["label"] for a in schedule["activities"]}  # a redacted row is no activity
    text = "".join(page_texts(built.path))
    assert "CCI" in text and any(d in text for d in DASHES)


def test_footnote_markers_are_drawn_but_not_in_truth_labels(tmp_path: Path) -> None:
    built = build(tmp_path, footnotes="superscript")
    schedule = built.truth["schedules"][0]
    assert schedule["footnotes"]
    markers = {m["marker"] for m in schedule["footnotes"]}
    with pdfplumber.open(built.path) as pdf:
        page = pdf.pages[main_pages(built)[0] - 1]
        small = {c["text"] for c in page.chars if c["size"] < PLAIN.font_size * 0.8}
    assert markers <= small | {"a", "b", "c", "d", "e", "f"} and small & markers
    assert not any(a["label"].endswith(tuple(f" {m}" for m in markers)) for a in schedule["activities"])


@pytest.mark.parametrize("codes", ["✓", "●", "x"])
def test_tick_symbols_are_in_the_text_layer(codes: str, tmp_path: Path) -> None:
    built = build(tmp_path, tick=codes)
    assert codes in page_texts(built.path)[main_pages(built)[0] - 1]


def test_legend_of_cell_codes_under_the_table(tmp_path: Path) -> None:
    built = build(tmp_path, legend=True, extra_codes=True)
    assert built.truth["schedules"][0]["legend"]
    assert " = " in "".join(page_texts(built.path)[p - 1] for p in main_pages(built))


# -- columns

@pytest.mark.parametrize("column", ["Protocol Section", "Reference", "inline"])
def test_reference_column_is_no_visit_and_no_part_of_labels(column: str, tmp_path: Path) -> None:
    built = build(tmp_path, ref_column=column, notes_column="Comments")
    schedule = built.truth["schedules"][0]
    headers = {h for v in schedule["visits"] for h in v["headers"]}
    assert not headers & {column, "Comments"}
    assert not any("(" in a["label"] and "Section" in a["label"] for a in schedule["activities"])
    text = page_texts(built.path)[main_pages(built)[0] - 1]
    assert "Comments" in text and (column in text or "(" in text)


def test_lab_table_repeats_the_main_visit_headers(tmp_path: Path) -> None:
    built = build(tmp_path, schedules="main+lab")
    main, lab = built.truth["schedules"]
    assert [v["headers"] for v in main["visits"]] == [v["headers"] for v in lab["visits"]]
    assert main["title"] != lab["title"]


def test_later_period_table_comes_pages_after_the_main_one(tmp_path: Path) -> None:
    built = build(tmp_path, schedules="main+later")
    main, later = built.truth["schedules"]
    assert later["pages"][0] - main["pages"][-1] >= 2
    first_main_column = main["visits"][0]["headers"][0]
    assert first_main_column not in {v["headers"][0] for v in later["visits"]}


# -- pages

def test_long_table_repeats_its_header_rows_or_not(tmp_path: Path) -> None:
    for repeat in (True, False):
        built = build(tmp_path / str(repeat), length="very_long", repeat_header=repeat,
                      orientation="portrait")
        pages = main_pages(built)
        assert len(pages) >= 2
        last_header = built.truth["schedules"][0]["visits"][-1]["headers"][-1]
        assert (last_header in page_texts(built.path)[pages[1] - 1]) is repeat


@pytest.mark.parametrize(("mode", "expected"), [("continued", "(continued)"), ("repeat", ""), ("none", None)])
def test_continuation_page_title(mode: str, expected: str | None, tmp_path: Path) -> None:
    built = build(tmp_path, length="very_long", continued_title=mode, orientation="portrait")
    second = page_texts(built.path)[main_pages(built)[1] - 1]
    title = built.truth["schedules"][0]["title"]
    assert (title in second) is (expected is not None)
    if expected:
        assert expected in second


def test_interleaved_page_between_two_parts_of_a_table(tmp_path: Path) -> None:
    built = build(tmp_path, length="very_long", interleaved_page="body_text", orientation="portrait")
    pages = main_pages(built)
    assert pages[1] - pages[0] == 2  # the page between belongs to no schedule


def test_sideways_split_repeats_the_activity_labels(tmp_path: Path) -> None:
    built = build(tmp_path, sideways_split=True, visits="many", length="short")
    schedule = built.truth["schedules"][0]
    pages = main_pages(built)
    texts = page_texts(built.path)
    first_label = schedule["activities"][0]["label"]
    assert len(pages) == 2 and all(first_label in texts[p - 1] for p in pages)
    assert len(schedule["visits"]) >= 11  # all visits once in the truth


def test_caption_on_the_page_before_the_table(tmp_path: Path) -> None:
    built = build(tmp_path, title_position="previous_page")
    first = main_pages(built)[0]
    texts = page_texts(built.path)
    title = built.truth["schedules"][0]["title"]
    assert title in texts[first - 2] and title not in texts[first - 1]


def test_contents_page_names_the_title_before_the_table(tmp_path: Path) -> None:
    built = build(tmp_path, toc=True)
    texts = page_texts(built.path)
    assert "Schedule of Activities" in texts[1] and "....." in texts[1]
    assert main_pages(built)[0] > 2


def test_decoy_table_is_drawn_but_not_in_truth(tmp_path: Path) -> None:
    built = build(tmp_path, decoy="responsibilities")
    assert any("Study Responsibilities" in t for t in page_texts(built.path))
    assert len(built.truth["schedules"]) == 1
    assert "Sponsor" not in {a["label"] for a in built.truth["schedules"][0]["activities"]}


# -- drawing

@pytest.mark.parametrize(("rules", "vertical", "horizontal"),
                         [("grid", True, True), ("horizontal", False, True), ("booktabs", False, True),
                          ("none", False, False)])
def test_table_rules(rules: str, vertical: bool, horizontal: bool, tmp_path: Path) -> None:
    built = build(tmp_path, rules=rules)
    with pdfplumber.open(built.path) as pdf:
        edges = pdf.pages[main_pages(built)[0] - 1].edges
    assert any(e["orientation"] == "v" for e in edges) is vertical
    assert any(e["orientation"] == "h" for e in edges) is horizontal


def test_rotated_header_text(tmp_path: Path) -> None:
    built = build(tmp_path, rotated_headers=True)
    with pdfplumber.open(built.path) as pdf:
        chars = pdf.pages[main_pages(built)[0] - 1].chars
    assert any(not c["upright"] for c in chars) and any(c["upright"] for c in chars)


@pytest.mark.parametrize("turn", ["turned", "rotate_attr"])
def test_landscape_table_on_a_portrait_sheet(turn: str, tmp_path: Path) -> None:
    built = build(tmp_path, page_turn=turn)
    pdf = pdfium.PdfDocument(str(built.path))
    try:
        page = pdf[main_pages(built)[0] - 1]
        left, bottom, right, top = page.get_mediabox()
        assert right - left < top - bottom  # a portrait sheet...
        assert page.get_rotation() == (90 if turn == "rotate_attr" else 0)  # ...shown turned, or not
        chars = page.get_textpage()
        assert chars.count_chars() > 0
    finally:
        pdf.close()


def test_shading_and_redaction_fill(tmp_path: Path) -> None:
    built = build(tmp_path, shading="header+sections", sections="spanning", redaction="block", length="long")
    with pdfplumber.open(built.path) as pdf:
        fills = [r for r in pdf.pages[main_pages(built)[0] - 1].rects if r["fill"]]
    assert fills


def test_orientation_switch_between_schedules(tmp_path: Path) -> None:
    built = build(tmp_path, schedules="main+lab", orientation_switch=True)
    main, lab = (s["pages"][0] for s in built.truth["schedules"])
    pdf = pdfium.PdfDocument(str(built.path))
    try:
        sizes = [pdf[p - 1].get_size() for p in (main, lab)]
    finally:
        pdf.close()
    assert (sizes[0][0] > sizes[0][1]) != (sizes[1][0] > sizes[1][1])


# -- scans

def test_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    built = build(tmp_path, fmt="image", length="short")
    assert all(not t.strip() for t in page_texts(built.path))
    assert built.truth["schedules"][0]["activities"]


def test_half_scanned_table_has_text_and_picture_pages(tmp_path: Path) -> None:
    built = build(tmp_path, fmt="half_scanned", length="very_long", orientation="portrait")
    pages = main_pages(built)
    texts = page_texts(built.path)
    assert texts[pages[0] - 1].strip() and not texts[pages[-1] - 1].strip()
    assert texts[0].strip()  # the title page keeps its text


# -- DOCX

def test_docx_uses_real_word_merges_and_repeated_headers(tmp_path: Path) -> None:
    built = build(tmp_path, fmt="docx", sections="outer_column", header_vmerge=True)
    xml = docx_xml(built.path)
    assert "w:gridSpan" in xml and 'w:vMerge w:val="restart"' in xml and "<w:tblHeader/>" in xml


def test_docx_rotated_shaded_landscape(tmp_path: Path) -> None:
    built = build(tmp_path, fmt="docx", rotated_headers=True, shading="header", redaction="row",
                  length="long")
    xml = docx_xml(built.path)
    assert 'w:textDirection w:val="btLr"' in xml and 'w:fill="D9D9D9"' in xml and 'w:fill="000000"' in xml
    assert 'w:orient="landscape"' in xml


def test_docx_sideways_split_is_two_tables_with_the_same_labels(tmp_path: Path) -> None:
    import docx

    built = build(tmp_path, fmt="docx", sideways_split=True, visits="many", length="short")
    tables = docx.Document(str(built.path)).tables
    labels = [[row.cells[0].text for row in table.rows] for table in tables]
    assert len(tables) == 2 and labels[0] == labels[1]


def test_docx_with_the_schedule_pasted_as_pictures(tmp_path: Path) -> None:
    import docx

    built = build(tmp_path, fmt="docx_image", length="short")
    document = docx.Document(str(built.path))
    assert not document.tables and document.inline_shapes
    assert built.truth["schedules"][0]["cells"]
