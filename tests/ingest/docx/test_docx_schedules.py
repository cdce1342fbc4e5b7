from __future__ import annotations

from pathlib import Path

import docx
import pytest

from crfgen_core.ingest.reader import read_protocol, read_schedules


def test_schedule_split_over_two_tables_is_one_schedule(soa_split_docx: Path) -> None:
    schedules, warnings = read_schedules(soa_split_docx)
    assert len(schedules) == 1 and not warnings
    schedule = schedules[0]
    assert [v.headers for v in schedule.visits] == [
        ["Treatment", "Day 1"],
        ["Treatment", "Day 8"],
        ["Treatment", "Day 15"],
        ["Follow-up", "Day 29"],
    ]
    labels = [a.label for a in schedule.activities]
    assert labels == ["Informed consent", "Vital signs", "Hematology", "Adverse events", "ECG"]
    groups = {a.label: a.group for a in schedule.activities}
    assert groups["Hematology"] == "Laboratory" and groups["Informed consent"] is None
    ecg = next(a.id for a in schedule.activities if a.label == "ECG")
    assert sorted(c.visit for c in schedule.cells if c.activity == ecg) == ["V1", "V4"]


@pytest.mark.shared
def test_roche_m11_docx_has_three_schedules_with_footnotes_apart(corpus_dir: Path) -> None:
    parsed = read_protocol(corpus_dir / "roche_nct04320615_covid" / "WA42380_ICH_M11.docx")
    assert [len(s.visits) for s in parsed.schedules] == [5, 27, 3]
    first = parsed.schedules[0]
    exam = next(a for a in first.activities if a.label.startswith("Complete physical"))
    assert exam.footnotes == ["c"] and not exam.label.endswith(" c")
    assert any(a.group == "Central Labs" for a in first.activities)
    # "Days 3-28" is typed with a Symbol-font minus; it must come out as a real minus sign
    assert parsed.schedules[1].visits[0].headers[0].startswith("Days 3\u221228")


@pytest.mark.shared
def test_sanofi_docx_schedule_split_over_three_word_tables_is_stitched(corpus_dir: Path) -> None:
    parsed = read_protocol(
        corpus_dir / "sanofi_nct03637764_oncology" / "Sanofi_NCT03637764_Oncology_protocol.docx"
    )
    main = parsed.schedules[0]
    assert len(main.visits) == 10
    labels = [a.label for a in main.activities]
    assert labels[0].startswith("Informed consent") and "Survival Status" in labels
    assert labels.count("12-Lead ECG") == 1  # repeated header rows are not activities
    assert "Evaluation" not in labels


@pytest.mark.shared
def test_soa_picture_gives_soa_is_image_warning_without_ocr(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract: the picture is reported, not read
    parsed = read_protocol(corpus_dir / "cdisc_pilot_lzzt" / "LZZT_ICH_M11.docx")
    assert not parsed.schedules
    assert [w.code for w in parsed.warnings] == ["SOA_IS_IMAGE"]


def test_docx_footnote_texts_and_code_legend_are_linked(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Schedule of Activities", level=1)
    rows = [["Procedure", "Day 1", "Day 8", "Day 15"], ["Consent", "X", "", ""],
            ["Diary training", "P", "P", "X"], ["ECG", "X", "", "X"]]
    table = document.add_table(rows=len(rows), cols=4)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(3, 0).paragraphs[0].add_run("a").font.superscript = True
    note = document.add_paragraph()
    note.add_run("a").font.superscript = True
    note.add_run(" Triplicate, after 5 minutes supine.")
    document.add_paragraph("P = practice session, data not collected")
    path = tmp_path / "legend.docx"
    document.save(str(path))
    [schedule], _ = read_schedules(path)
    ecg = next(a for a in schedule.activities if a.label == "ECG")
    assert ecg.footnotes == ["a"]
    assert [(f.marker, f.text) for f in schedule.footnotes] == [("a", "Triplicate, after 5 minutes supine.")]
    assert [(f.marker, f.text) for f in schedule.legend] == [("P", "practice session, data not collected")]
