"""A ruled row whose marks sit over a note set across its visit columns, with only a dashed line between
(so some column rules run through the note, some cells reach over both lines): the marks are the row's
cells, the note is none, and marks of the row above are not copied into a row with marks of its own."""

from __future__ import annotations

from crfgen_core.ingest.pdf.pdf_schedules import _grid_rows
from crfgen_core.ingest.pdf.ruled_tables import FrameChar, RuledTable
from crfgen_core.ingest.soa import GridCell, SoaGrid, build_schedules

SIZE = 8.0
LEFTS = [0.0, 100.0, 130.0, 160.0, 190.0]  # label column, four visit columns 30 pt wide
RIGHT = 220.0


def _text(text: str, x: float, top: float) -> list[FrameChar]:
    """Glyphs 4 pt wide, set without gaps (spaces as gaps of their width)."""
    glyphs = []
    for n, letter in enumerate(text):
        if letter != " ":
            x0 = x + 4.0 * n
            glyphs.append(FrameChar(letter, x0, top, x0 + 4.0, top + SIZE, top + SIZE, SIZE))
    return glyphs


def _boxes(top: float, bottom: float, columns: range) -> list[tuple[float, float, float, float]]:
    edges = [*LEFTS, RIGHT]
    return [(edges[k], top, edges[k + 1], bottom) for k in columns]


def test_marks_over_a_note_across_the_columns_are_the_rows_cells_and_the_note_is_none() -> None:
    cells = [*_boxes(0, 20, range(5)),  # header
             (0.0, 20.0, 100.0, 60.0),  # the label, over the marks' line and the note's
             (100.0, 20.0, 130.0, 60.0),  # a column whose rule under the marks is dashed: one box
             *_boxes(20, 40, range(2, 5)), *_boxes(40, 60, range(2, 5)),  # shaded cells, ruled apart
             *_boxes(60, 80, range(5))]  # the next row
    table = RuledTable(bbox=(0.0, 0.0, RIGHT, 80.0), columns=LEFTS, rows=[0.0, 20.0, 40.0, 60.0],
                       cells=cells)
    chars = [*_text("Procedure", 2, 6), *(g for k, v in enumerate(["V1", "V2", "V3", "V4"])
                                          for g in _text(v, LEFTS[k + 1] + 10, 6)),
             *_text("FSH", 2, 36), *_text("X", 112, 26), *_text("X", 172, 26),
             *_text("Collect serum if status unknown", 104, 46),
             *_text("ECG", 2, 66), *_text("X", 142, 66)]
    rows = _grid_rows(table, chars, [], False, [])
    texts = [[cell.text for cell in row] for row in rows]
    assert texts[1][1:] == ["X", "", "X", ""]
    assert all(not cell.text or cell.span_copy for cell in rows[2][1:])  # the note is in no cell
    [schedule] = build_schedules([SoaGrid(rows=rows, page=1, title="Schedule of Activities")])
    marked = {(a.label, v.label) for c in schedule.cells for a in schedule.activities
              for v in schedule.visits if c.activity == a.id and c.visit == v.id}
    assert marked == {("FSH", "V1"), ("FSH", "V3"), ("ECG", "V2")}


def test_marks_copied_down_a_dashed_rule_into_a_row_with_marks_of_its_own_are_dropped() -> None:
    cells = [*_boxes(0, 20, range(5)),
             *_boxes(20, 40, range(1)), *_boxes(40, 60, range(1)),  # two labels ruled apart
             (100.0, 20.0, 130.0, 60.0), (130.0, 20.0, 160.0, 60.0),  # dashed rule: one box over both
             *_boxes(20, 40, range(3, 5)), *_boxes(40, 60, range(3, 5))]
    table = RuledTable(bbox=(0.0, 0.0, RIGHT, 60.0), columns=LEFTS, rows=[0.0, 20.0, 40.0], cells=cells)
    chars = [*_text("Procedure", 2, 6), *(g for k, v in enumerate(["V1", "V2", "V3", "V4"])
                                          for g in _text(v, LEFTS[k + 1] + 10, 6)),
             *_text("Medications", 2, 26), *_text("X", 112, 26), *_text("X", 142, 26), *_text("X", 172, 26),
             *_text("Alcohol use", 2, 46), *_text("X", 112, 46)]
    rows = _grid_rows(table, chars, [], False, [])
    assert [cell.text for cell in rows[1][1:]] == ["X", "X", "X", ""]
    assert [cell.text for cell in rows[2][1:]] == ["X", "", "", ""]


def test_a_note_merged_across_the_visit_columns_under_a_row_marks_nothing() -> None:
    width = 5
    note = [GridCell(), GridCell("Record the time of the last dose"),
            *(GridCell("Record the time of the last dose", span_copy=True) for _ in range(width - 2))]
    rows = [[GridCell(t) for t in ("Procedure", "V1", "V2", "V3", "V4")],
            [GridCell(t) for t in ("Dispense drug", "X", "", "X", "")], note,
            [GridCell(t) for t in ("ECG", "", "X", "", "")]]
    [schedule] = build_schedules([SoaGrid(rows=rows, page=1, title="Schedule of Activities")])
    assert len(schedule.cells) == 3
    assert all(cell.text == "X" for cell in schedule.cells)


def test_a_mark_merged_across_visits_under_a_row_of_marks_stays_on_every_visit() -> None:
    cells = [*_boxes(0, 20, range(5)), *_boxes(20, 40, range(5)),
             *_boxes(40, 60, range(2)), (130.0, 40.0, RIGHT, 60.0)]  # one mark merged over V2 to V4
    table = RuledTable(bbox=(0.0, 0.0, RIGHT, 60.0), columns=LEFTS, rows=[0.0, 20.0, 40.0], cells=cells)
    chars = [*_text("Procedure", 2, 6), *(g for k, v in enumerate(["V1", "V2", "V3", "V4"])
                                          for g in _text(v, LEFTS[k + 1] + 10, 6)),
             *_text("Medications", 2, 26), *(g for x in LEFTS[1:] for g in _text("X", x + 12, 26)),
             *_text("Bone marrow", 2, 46), *_text("X", 112, 46), *_text("X", 172, 46)]
    rows = _grid_rows(table, chars, [], False, [])
    assert [cell.text for cell in rows[2][1:]] == ["X", "X", "X", "X"]


def test_a_mark_centred_in_a_cell_merged_down_over_two_rows_marks_both() -> None:
    cells = [*_boxes(0, 20, range(5)), *_boxes(20, 40, range(1)), *_boxes(40, 60, range(1)),
             (100.0, 20.0, 130.0, 60.0),  # one mark merged down over both rows, centred on their border
             *_boxes(20, 40, range(2, 5)), *_boxes(40, 60, range(2, 5))]
    table = RuledTable(bbox=(0.0, 0.0, RIGHT, 60.0), columns=LEFTS, rows=[0.0, 20.0, 40.0], cells=cells)
    chars = [*_text("Procedure", 2, 6), *(g for k, v in enumerate(["V1", "V2", "V3", "V4"])
                                          for g in _text(v, LEFTS[k + 1] + 10, 6)),
             *_text("In-clinic", 2, 26), *_text("X", 112, 36), *_text("X", 142, 26),
             *_text("Televisit", 2, 46), *_text("X", 172, 46)]
    rows = _grid_rows(table, chars, [], False, [])
    assert [cell.text for cell in rows[1][1:]] == ["X", "X", "", ""]
    assert [cell.text for cell in rows[2][1:]] == ["X", "", "X", ""]
