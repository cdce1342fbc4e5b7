from __future__ import annotations

from crfgen_core.ingest.ocr.cell_words import Band, BandCell, CellWords
from crfgen_core.ingest.ocr.stacked_labels import split_stacked_rows
from crfgen_core.ingest.ocr.tesseract import OcrWord


def _word(text: str, left: int, top: int, line: int) -> OcrWord:
    return OcrWord(text, left, top, 10 * len(text), 12, 90.0, (1, 1, line))


def _band(label_lines: list[str], marks: list[tuple[str, int]], region: int) -> Band:
    label = CellWords([_word(w, 5 + 60 * k, 20 * n, n) for n, text in enumerate(label_lines)
                       for k, w in enumerate(text.split())])
    mark = CellWords([_word(text, 300, top, 99) for text, top in marks])
    return [BandCell(label, (region, 0)), BandCell(mark, (region + 1, 0))]


def test_capitalised_complete_lines_are_separate_activities_and_marks_stay_beside_theirs() -> None:
    band = _band(["Study drug record", "Medications dispensed", "Medications returned"], [("X", 0)], 10)
    rows = split_stacked_rows([band], first_body=0)
    assert [row[0].words.text for row in rows] == [
        "Study drug record", "Medications dispensed", "Medications returned"]
    assert [row[1].words.text for row in rows] == ["X", "", ""]
    assert len({row[0].region for row in rows}) == 3


def test_wrapped_label_stays_one_activity() -> None:
    wrapped = _band(["CT scan (if not within", "last year and patient", "passes)"], [("X", 0)], 10)
    specimen = _band(["Plasma specimen", "(Xanomeline)"], [("X", 0)], 20)
    rows = split_stacked_rows([wrapped, specimen], first_body=0)
    assert [row[0].words.text for row in rows] == [
        "CT scan (if not within last year and patient passes)", "Plasma specimen (Xanomeline)"]


def test_header_rows_are_never_split() -> None:
    header = _band(["Visit", "Week"], [], 10)
    assert len(split_stacked_rows([header], first_body=1)) == 1
