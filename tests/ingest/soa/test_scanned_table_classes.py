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
