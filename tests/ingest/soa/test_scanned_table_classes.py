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
