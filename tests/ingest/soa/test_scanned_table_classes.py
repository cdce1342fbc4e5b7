"""The SoA builder on plain grids as scanned pages give them (no document needed), one layout class per test:
a continuation page whose first body row is printed above the repeated visit rows."""

from __future__ import annotations

from crfgen_core.ingest.soa import GridCell, SoaGrid, build_schedules

VISITS = ["V1", "V2", "P3", "V4", "V5"]
WEEKS = ["-2", "0", "2", "4", "8"]


def _row(*texts: str) -> list[GridCell]:
    return [GridCell(text) for text in texts]


def _periods() -> list[GridCell]:
    return [GridCell(""), GridCell("Screening"), GridCell("Treatment period"),
            *(GridCell("Treatment period", span_copy=True) for _ in range(3))]


def _header() -> list[list[GridCell]]:
    return [_row("Visit", *VISITS), _row("Timing of visit (weeks)", *WEEKS),
            _row("Visit window (days)", "-7 to 0", "0", "±3", "±3", "±3")]


def test_a_body_row_printed_above_the_repeated_visit_rows_is_an_activity_not_the_header() -> None:
    first = SoaGrid(rows=[_periods(), *_header(), _row("Consent", "X", "", "", "", ""),
                          _row("Vital signs", "X", "X", "X", "X", "X")], page=1, ocr=True)
    # the page opens with a row carried over from the page before, then the header rows again
    later = SoaGrid(rows=[_periods(), _row("Tumour follow-up", "", "", "", "X", "X"), *_header(),
                          _row("Haematology", "X", "", "X", "", "X")], page=2, ocr=True)
    [schedule] = build_schedules([first, later])
    assert [v.label for v in schedule.visits] == VISITS
    assert [a.label for a in schedule.activities] == ["Consent", "Vital signs", "Tumour follow-up",
                                                      "Haematology"]
    follow_up = schedule.activities[2].id
    assert sorted(c.visit for c in schedule.cells if c.activity == follow_up) == ["V4", "V5"]


def _cycle_header(window: str, days: list[str]) -> list[list[GridCell]]:
    return [_row("", "Screening", "Cycle 1", "Cycle 1", "Cycle 2", "Cycle 2"),
            _row("", "(days)", window, window, window, window),
            _row("", "<28", *days)]


def test_an_ocr_continuation_with_a_misread_header_and_a_split_column_goes_on_without_ticks() -> None:
    first_rows = [*_cycle_header("(±3 days)", ["D1", "D8", "D1", "D8"]),
                  _row("Consent", "X", "", "", "", ""), _row("ECG", "X", "X", "", "X", "")]
    first = SoaGrid(rows=first_rows, page=1, ocr=True)
    # the next page misreads its repeated header, draws its last visit over two grid columns (a body-only
    # split) and schedules by words only, no tick
    header = _cycle_header("(£3 ys", ["D1", "D8", "D1", "D8"])
    split = [[*row, GridCell(row[-1].text, span_copy=True)] for row in header]
    later = SoaGrid(rows=[*split, _row("Diary", "", "See notes", "See notes", "", "See notes", ""),
                          _row("PK", "", "Predose", "", "Predose", "", "")], page=2, ocr=True)
    [schedule] = build_schedules([first, later])
    assert len(schedule.visits) == 5
    assert [a.label for a in schedule.activities] == ["Consent", "ECG", "Diary", "PK"]
    diary, pk = schedule.activities[2].id, schedule.activities[3].id
    assert sorted(c.visit for c in schedule.cells if c.activity == diary) == ["V2", "V3", "V5"]
    assert sorted(c.visit for c in schedule.cells if c.activity == pk) == ["V2", "V4"]


def test_footnote_letters_in_square_brackets_are_markers_so_one_activity_on_two_tables_is_one() -> None:
    rows = [_row("", "Screening [a]", "Day 1", "Week 2"), _row("Vital signs [g]", "X", "X", "X"),
            _row("ECOG status [i, j]", "X", "", "X"), _row("Checklist", "[x]", "X", "X")]
    [schedule] = build_schedules([SoaGrid(rows=rows, page=1, ocr=True)])
    assert [(a.label, a.footnotes) for a in schedule.activities] == [
        ("Vital signs", ["g"]), ("ECOG status", ["i", "j"]), ("Checklist", [])]
    assert schedule.visits[0].headers == ["Screening"] and schedule.visits[0].footnotes == ["a"]


def test_a_turned_header_misread_on_one_page_takes_the_reading_of_the_page_that_repeats_it() -> None:
    def page(number: int, top: list[str], labels: list[str]) -> SoaGrid:
        rows = [_row("", *top), _row("Visit", *VISITS), _row("Timing of visit (weeks)", *WEEKS)]
        rows += [_row(label, "X", "X", "", "X", "X") for label in labels]
        return SoaGrid(rows=rows, page=number, ocr=True)

    # page 1 reads the turned period names as noise or a digit, page 2 reads them (one word hyphenated)
    first = page(1, ["¢ 3 zo", "5F", "Treatment", "Treatment", "8"], ["Consent", "ECG"])
    later = page(2, ["Screening", "Randomisa-tion", "Treatment", "Treatment", "End of treatment"], ["Labs"])
    [schedule] = build_schedules([first, later])
    assert [v.headers[0] for v in schedule.visits] == [
        "Screening", "Randomisa-tion", "Treatment", "Treatment", "End of treatment"]
    assert [v.headers[1] for v in schedule.visits] == VISITS


def test_a_cross_reference_misread_by_ocr_is_still_no_part_of_the_label() -> None:
    rows = [_row("", *VISITS), _row("Adverse events (9.2. Appendix 4)", "X", "X", "X", "X", "X"),
            _row("Technical complaints (9.2.9, Anpnendix 4)", "X", "", "", "", "X"),
            _row("Lipids (Avvendix 2)", "X", "", "X", "", "")]
    [schedule] = build_schedules([SoaGrid(rows=rows, page=1, ocr=True)])
    assert [a.label for a in schedule.activities] == ["Adverse events", "Technical complaints", "Lipids"]


def test_an_ocr_part_whose_short_visit_codes_read_differently_continues_by_its_whole_header() -> None:
    def page(number: int, header: list[list[str]], labels: list[str], title: str | None = None) -> SoaGrid:
        rows = [_row(*texts) for texts in header]
        rows += [_row(label, "See notes", "", "See notes", "See notes") for label in labels]
        return SoaGrid(rows=rows, page=number, ocr=True, title=title)

    header = [["Visit", "V1", "V2", "V3", "V4"], ["Study week", "-2", "0", "2", "4"],
              ["Visit window (days)", "-7 to 0", "0", "±3", "±3"]]
    misread = [["Visit", "Vl", "V2", "Y3", "V4"], ["Study week", "2", "O", "2", "4"],
               ["Visit window (days)", "-7t00", "0", "43", "+3"]]
    first = SoaGrid(rows=[*(_row(*texts) for texts in header), _row("Consent", "X", "", "", ""),
                          _row("ECG", "X", "X", "X", "X")], page=1, ocr=True, title="Schedule of assessments")
    later = page(2, misread, ["Diary", "PK"])  # no tick on the page, most codes misread
    [schedule] = build_schedules([first, later])
    assert [v.headers[0] for v in schedule.visits] == ["V1", "V2", "V3", "V4"]
    assert [a.label for a in schedule.activities] == ["Consent", "ECG", "Diary", "PK"]
    # a part under a caption of its own is a table of its own, however alike its header
    own = page(3, header, ["Urinalysis"], title="Appendix 3 Schedule of assessments")
    assert len(build_schedules([first, later, own])) == 2


def test_a_visit_code_misread_on_one_page_takes_the_reading_most_pages_agree_on() -> None:
    def page(number: int, codes: list[str]) -> SoaGrid:
        rows = [_row("", "Cycle 1", "Cycle 1", "Cycle 1", "Cycle 2"), _row("Day", *codes),
                _row(f"Procedure {number}", "X", "X", "", "X")]
        return SoaGrid(rows=rows, page=number, ocr=True)

    pages = [page(1, ["D1", "D8", "D115", "D1"]), page(2, ["D1", "D8", "D15", "D1"]),
             page(3, ["D1", "D8", "D15", "D1"])]
    [schedule] = build_schedules(pages)
    assert [v.headers[-1] for v in schedule.visits] == ["D1", "D8", "D15", "D1"]


def test_a_ticked_row_is_no_misread_repeat_of_the_last_header_row() -> None:
    # the first page's header ends with a section row; the next page repeats the header rows above it
    # only and opens with a ticked activity where the section row stood
    top = [_row("", *VISITS), _row("Study week", *WEEKS)]
    first = SoaGrid(rows=[*top, _row("Screening and eligibility", "", "", "", "", ""),
                          _row("Consent", "X", "", "", "", ""), _row("ECG", "X", "X", "X", "X", "X")],
                    page=1, ocr=True)
    later = SoaGrid(rows=[*top, _row("Screening and eligibility", "-", "-", "X", "-", "X"),
                          _row("Pregnancy test", "X", "", "X", "", "X")], page=2, ocr=True)
    [schedule] = build_schedules([first, later])
    labels = [a.label for a in schedule.activities]
    assert labels[-2:] == ["Screening and eligibility", "Pregnancy test"]
