"""The one SoA builder on plain grids, one layout class per test (no document needed): caption rows inside
the grid, continuations found by column structure, sibling tables with the same visits, repeated header
rows, partly merged section rows, code legends."""

from __future__ import annotations

from crfgen_core.ingest.soa import GridCell, SoaGrid, build_schedules

VISITS = ["Screening", "Day 1", "Week 2", "Week 4"]


def _row(*texts: str) -> list[GridCell]:
    return [GridCell(text) for text in texts]


def _merged(text: str, width: int) -> list[GridCell]:
    return [GridCell(text), *(GridCell(text, span_copy=True) for _ in range(width - 1))]


def _grid(page: int, labels: list[str], *, title: str | None = None, continued: bool = False,
          header: list[str] | None = None, top: list[list[GridCell]] | None = None) -> SoaGrid:
    rows = [*(top or []), _row("Procedure", *(header or VISITS))]
    rows += [_row(label, "X", "", "X", "X") for label in labels]
    return SoaGrid(rows=rows, page=page, title=title, continued=continued)


def test_caption_row_drawn_inside_the_grid_is_the_title_not_a_header() -> None:
    grid = _grid(3, ["Consent", "Vital signs"], top=[_merged("Table 2. Schedule of Activities", 5)])
    [schedule] = build_schedules([grid])
    assert schedule.title == "Table 2. Schedule of Activities"
    assert [v.headers for v in schedule.visits] == [[v] for v in VISITS]


def test_continuation_with_a_header_word_lost_and_unrelated_pages_between_is_one_schedule() -> None:
    first = _grid(10, ["Consent", "Vital signs"], title="Schedule of Activities",
                  header=["Screening Week -2", "Day 1 Visit 2", "Week 2 Visit 3", "Week 4 Visit 4"])
    later = _grid(14, ["ECG", "Adverse events"],  # three pages of footnotes between, no caption
                  header=["Screening Week -2", "Day 1 Visit 2", "Week 2", "Week 4 Visit 4"])
    [schedule] = build_schedules([first, later])
    assert schedule.pages == [10, 14] and len(schedule.visits) == 4
    assert [a.label for a in schedule.activities] == ["Consent", "Vital signs", "ECG", "Adverse events"]


def test_sibling_table_with_the_same_visits_and_its_own_caption_is_a_schedule_of_its_own() -> None:
    main = _grid(5, ["Consent", "Vital signs"], title="Table 1 Schedule of Activities")
    labs = _grid(6, ["Hematology", "Chemistry"], title="Table 2 Laboratory Schedule of Assessments")
    schedules = build_schedules([main, labs])
    assert [s.title for s in schedules] == ["Table 1 Schedule of Activities",
                                            "Table 2 Laboratory Schedule of Assessments"]
    assert [len(s.visits) for s in schedules] == [4, 4]


def test_header_row_repeated_inside_a_table_and_partly_merged_section_row_are_not_activities() -> None:
    grid = _grid(1, ["Consent"])
    section = [GridCell("Laboratory"), GridCell("Laboratory", span_copy=True),
               GridCell("Laboratory", span_copy=True), GridCell(), GridCell()]
    rows = [*grid.rows, _row("PROCEDURE", *(v.upper() for v in VISITS)), section,
            _row("Hematology", "X", "X", "", "")]
    [schedule] = build_schedules([SoaGrid(rows=rows, page=1)])
    labels = [(a.label, a.group) for a in schedule.activities]
    assert labels == [("Consent", None), ("Hematology", "Laboratory")]


def test_code_legend_and_footnotes_reach_the_schedule() -> None:
    grid = _grid(1, ["Consent", "Diary"])
    rows = [*grid.rows, [GridCell("Training", ("a",)), GridCell("P"), GridCell(), GridCell("P"), GridCell()]]
    legend_grid = SoaGrid(rows=rows, page=1, footnotes={"a": "Fasting."},
                          legend={"P": "practice, not collected"})
    [schedule] = build_schedules([legend_grid])
    assert [(f.marker, f.text) for f in schedule.legend] == [("P", "practice, not collected")]
    assert [(f.marker, f.text) for f in schedule.footnotes] == [("a", "Fasting.")]


def test_single_visit_table_under_an_soa_caption_is_a_schedule_untitled_is_not() -> None:
    rows = [_row("Procedure", "Screening Visit", "c Notes"), _row("Consent", "X", ""),
            _row("Medical history", "X", "Including smoking"), _row("Vital signs", "X", "")]
    titled = SoaGrid(rows=rows, page=2, title="Table 2-1: Screening Procedural Outline")
    [schedule] = build_schedules([titled])
    assert [v.label for v in schedule.visits] == ["Screening Visit"]  # the notes column is no visit
    assert build_schedules([SoaGrid(rows=rows, page=2)]) == []


def test_reference_column_right_of_the_activity_is_not_the_label() -> None:
    rows = [_row("Procedure", "Protocol Section", *VISITS), _row("Consent", "10.1.3", "X", "", "", ""),
            _row("Vital signs", "8.2.2", "X", "X", "X", "X"), _row("ECG", "Section 8.2.3", "X", "", "", "X")]
    [schedule] = build_schedules([SoaGrid(rows=rows, page=1)])
    assert [a.label for a in schedule.activities] == ["Consent", "Vital signs", "ECG"]
    headerless = [_row("Procedure", "", *VISITS), *rows[1:]]  # known by its values alone
    [schedule] = build_schedules([SoaGrid(rows=headerless, page=1)])
    assert [a.label for a in schedule.activities] == ["Consent", "Vital signs", "ECG"]


def test_header_row_names_stay_with_bare_numbers() -> None:
    rows = [_row("Visit", "1", "2", "3", "4"), _row("Study Week", "-2", "0", "4", "8"),
            _row("Consent", "X", "", "", ""), _row("ECG", "X", "X", "", "X")]
    [schedule] = build_schedules([SoaGrid(rows=rows, page=1, title="Schedule of Activities")])
    assert schedule.visits[0].headers == ["Visit 1", "Week -2"]  # the unit of the row name, not all of it


def test_row_names_in_spaced_capitals_and_a_week_equal_to_its_visit_number() -> None:
    rows = [_row("VISI T", "1", "2", "8", "9"), _row("WEE K", "-2", "-.3", "8", "12"),
            _row("Consent", "X", "", "", ""), _row("ECG", "X", "X", "X", "X")]
    [schedule] = build_schedules([SoaGrid(rows=rows, page=1, title="Schedule of Activities")])
    assert [v.headers for v in schedule.visits] == [["VISIT 1", "WEEK -2"], ["VISIT 2", "WEEK -.3"],
                                                    ["VISIT 8", "WEEK 8"], ["VISIT 9", "WEEK 12"]]


def test_a_merged_header_copied_down_is_kept_once() -> None:
    rows = [_row("Period", "Screening", "Treatment", "Treatment", "Follow-up"),
            [GridCell(""), GridCell("Screening", span_copy=True), *_row("Day 1", "Week 2", "Week 4")],
            _row("Consent", "X", "", "", ""), _row("ECG", "X", "X", "X", "X")]
    [schedule] = build_schedules([SoaGrid(rows=rows, page=1, title="Schedule of Activities")])
    assert schedule.visits[0].headers == ["Screening"]


def test_a_label_known_as_an_activity_is_no_section_row_without_marks() -> None:
    rows = [_row("Procedure", *VISITS), _row("Study drug record", "", "X", "X", ""),
            [GridCell("Medications dispensed", activity=True), *_row("", "", "", "")],
            _row("Safety", "", "", "", ""), _row("ECG", "X", "X", "", "X")]
    [schedule] = build_schedules([SoaGrid(rows=rows, page=1, title="Schedule of Activities")])
    assert [(a.label, a.group) for a in schedule.activities] == [
        ("Study drug record", None), ("Medications dispensed", None), ("ECG", "Safety")]


def test_a_section_row_named_like_a_period_ends_the_header() -> None:
    rows = [_row("Visit", "1", "2", "3", "4"), _row("Week", "-2", "0", "4", "8"),
            _merged("Screening and eligibility", 5), _row("Consent", "X", "", "", ""),
            _row("ECG", "X", "X", "", "X")]
    [schedule] = build_schedules([SoaGrid(rows=rows, page=1, title="Schedule of Activities")])
    assert schedule.visits[0].headers == ["Visit 1", "Week -2"]
    assert [(a.label, a.group) for a in schedule.activities] == [
        ("Consent", "Screening and eligibility"), ("ECG", "Screening and eligibility")]


def test_ocr_pages_of_one_table_whose_repeated_header_is_misread_differently_are_one_schedule() -> None:
    from dataclasses import replace
    header = ["Screening ±3", "Day 1 ±3", "Week 2 ±3", "Week 4 ±3"]
    first = replace(_grid(1, ["Consent", "Vital signs"], title="Schedule of Activities", header=header),
                    ocr=True)
    misread = ["Screening 43", "Day 1 +3", "Week 2 £3", "Week 4 43"]  # each page misreads its own way
    later = replace(_grid(2, ["ECG", "Adverse events"], header=misread), ocr=True)
    [schedule] = build_schedules([first, later])
    assert schedule.pages == [1, 2] and len(schedule.visits) == 4
    assert len(schedule.activities) == 4


def test_a_part_whose_header_rows_were_read_differently_continues_by_its_visit_names() -> None:
    visits = ["V10", "V11", "V12", "V13"]

    def split_label(*texts: str) -> list[GridCell]:  # a scan's stray rule cut the label column in two
        return [GridCell(texts[0]), GridCell(texts[0], span_copy=True), *map(GridCell, texts[1:])]

    # the first page read only the visit row as header (its week and day rows lost in a merged cell)
    first = SoaGrid(rows=[split_label("Visit", *visits), split_label("Consent", "X", "", "X", "X"),
                          split_label("Vital signs", "X", "X", "X", "X")],
                    page=8, title="Table 2 Schedule of Activities")
    later = SoaGrid(rows=[_row("Visit", *visits), _row("Week", "14", "16", "18", "20"),
                          _row("Day", "99", "113", "127", "141"), _row("ECG", "X", "", "", "X"),
                          _row("Hematology", "", "X", "", "X")], page=9)
    [schedule] = build_schedules([first, later])
    assert schedule.pages == [8, 9] and len(schedule.visits) == 4
    assert [a.label for a in schedule.activities] == ["Consent", "Vital signs", "ECG", "Hematology"]


def test_a_band_row_printed_under_every_repeated_header_is_no_activity() -> None:
    band = _row("Fasting visit", "", "X", "", "")
    parts = [SoaGrid(rows=[_row("Procedure", *VISITS), band,
                           *(_row(label, "X", "", "X", "X") for label in labels)],
                     page=page, title="Schedule of Activities" if page == 1 else None)
             for page, labels in ((1, ["Consent", "Vital signs"]), (2, ["ECG"]), (3, ["Hematology"]))]
    [schedule] = build_schedules(parts)
    assert [a.label for a in schedule.activities] == ["Consent", "Vital signs", "ECG", "Hematology"]


def test_a_grid_under_its_own_heading_with_other_columns_after_a_footnote_page_is_a_new_schedule() -> None:
    first = _grid(69, ["Consent", "Vital signs"], title="Trial Flow Chart - Treatment Phase",
                  header=["Screening", "Cycle 1", "Cycle 2", "Cycle 3"])
    on = _grid(70, ["ECG", "Hematology"], header=["Screening", "Cycle 1", "Cycle 2", "Cycle 3"])
    # page 71 holds footnotes only; page 72 a grid with fewer visit columns under a heading line
    second = SoaGrid(rows=[_row("Procedure", "Cycle 1", "Cycle 2", "Cycle 3"), _row("Dosing", "X", "X", "X"),
                           _row("ECG", "X", "", "X")], page=72, heading="Second Course Phase")
    second_on = SoaGrid(rows=[_row("Procedure", "Cycle 1", "Cycle 2", "Cycle 3"),
                              _row("Tumour imaging", "X", "", "X")], page=73)
    schedules = build_schedules([first, on, second, second_on])
    assert [(s.title, s.pages, len(s.visits)) for s in schedules] == [
        ("Trial Flow Chart - Treatment Phase", [69, 70], 4), ("Second Course Phase", [72, 73], 3)]


def test_a_stray_line_above_a_continuation_page_with_the_same_columns_does_not_split_it() -> None:
    first = _grid(5, ["Consent"], title="Schedule of Activities")
    later = SoaGrid(rows=_grid(6, ["ECG"]).rows, page=6, heading="Study Procedures")
    [schedule] = build_schedules([first, later])
    assert schedule.pages == [5, 6]


def test_a_group_header_over_many_columns_does_not_match_a_sideways_part_onto_them() -> None:
    def part(page: int, days: list[str], labels: list[str]) -> SoaGrid:
        return SoaGrid(rows=[_row("", *(["Period 1"] * len(days))), _row("Procedure", *days),
                             *(_row(label, *("X" for _ in days)) for label in labels)], page=page,
                       title="Schedule of Activities" if page == 3 else None)
    first = part(3, ["Day 1", "Day 2", "Day 3"], ["Consent", "Vital signs"])
    sideways = part(4, ["Day 4", "Day 5", "Day 6"], ["Consent", "Vital signs"])
    [schedule] = build_schedules([first, sideways])
    assert [v.headers[-1] for v in schedule.visits] == ["Day 1", "Day 2", "Day 3", "Day 4", "Day 5", "Day 6"]


def test_a_continuation_page_opening_with_a_section_row_merged_across_goes_on_the_table() -> None:
    first = _grid(3, ["Consent", "Vital signs"], title="Schedule of Activities")
    rows = [_merged("Laboratory assessments", 5), _row("Hematology", "X", "", "X", ""),
            _row("Chemistry", "", "X", "", "X")]
    for title in (None, "Schedule of Activities"):  # caption over the page, or none
        later = SoaGrid(rows=rows, page=4, title=title, continued=title is not None)
        [schedule] = build_schedules([first, later])
        assert [(a.label, a.group) for a in schedule.activities][2:] == [
            ("Hematology", "Laboratory assessments"), ("Chemistry", "Laboratory assessments")]
        assert schedule.pages == [3, 4] and len(schedule.visits) == 4
