from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crfgen_core.ingest.docx import read_docx
from crfgen_core.ingest.reader import read_protocol

requires_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="the tesseract program is not installed (apt-get install -y tesseract-ocr)",
)


@requires_tesseract
def test_docx_picture_soa_becomes_one_schedule(picture_soa_docx: Path) -> None:
    parsed = read_protocol(picture_soa_docx)
    assert len(parsed.schedules) == 1
    schedule = parsed.schedules[0]
    assert [v.headers for v in schedule.visits] == [
        ["Treatment", "Day 1"], ["Treatment", "Day 8"], ["Follow-up", "Day 29"]]
    labels = [a.label for a in schedule.activities]
    assert labels == ["Informed consent", "Vital signs", "ECG", "Adverse events"]
    marked = {(a.label, v.headers[-1]) for c in schedule.cells for a in schedule.activities
              for v in schedule.visits if c.activity == a.id and c.visit == v.id}
    assert marked == {
        ("Informed consent", "Day 1"), ("Vital signs", "Day 1"), ("Vital signs", "Day 8"),
        ("Vital signs", "Day 29"), ("ECG", "Day 1"), ("ECG", "Day 29"), ("Adverse events", "Day 8"),
        ("Adverse events", "Day 29")}
    ecg = next(a.id for a in schedule.activities if a.label == "ECG")
    assert next(c for c in schedule.cells if c.activity == ecg and c.visit == "V3").footnotes == ["a"]
    # four activities: also too small for a CRF (SOA_TOO_SMALL), which is not what this test is about
    assert [w.code for w in parsed.warnings if w.code.startswith("SOA") and w.code != "SOA_TOO_SMALL"] == [
        "SOA_FROM_OCR"
    ]


@requires_tesseract
def test_docx_picture_table_without_rules_is_read_like_a_scanned_page(unruled_picture_soa_docx: Path) -> None:
    parsed = read_protocol(unruled_picture_soa_docx)
    assert len(parsed.schedules) == 1
    schedule = parsed.schedules[0]
    labels = [a.label for a in schedule.activities]
    assert labels == ["Informed consent", "Vital signs", "ECG", "Adverse events"]
    assert [v.headers[-1] for v in schedule.visits] == ["Day 1", "Day 8", "Day 29"]
    assert len(schedule.cells) == 8
    assert "SOA_FROM_OCR" in [w.code for w in parsed.warnings]


@requires_tesseract
def test_docx_picture_under_a_heading_not_naming_the_soa_is_read(table_4_picture_docx: Path) -> None:
    # no heading names the SoA ("Table 4" alone): every section's pictures are read
    parsed = read_protocol(table_4_picture_docx)
    assert len(parsed.schedules) == 1
    assert [a.label for a in parsed.schedules[0].activities] == [
        "Informed consent", "Vital signs", "ECG", "Adverse events"]
    assert "SOA_FROM_OCR" in [w.code for w in parsed.warnings]


def test_docx_picture_under_a_heading_not_naming_the_soa_without_tesseract_is_reported(
    table_4_picture_docx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on PATH
    parsed = read_protocol(table_4_picture_docx)
    assert not parsed.schedules
    warning = next(w for w in parsed.warnings if w.code == "SOA_PICTURES_NOT_READ")
    assert "1 picture" in warning.message and "tesseract" in warning.message


@requires_tesseract
def test_docx_picture_of_a_table_turned_to_fit_is_read_turned_upright(turned_picture_soa_docx: Path) -> None:
    parsed = read_protocol(turned_picture_soa_docx)
    assert len(parsed.schedules) == 1
    schedule = parsed.schedules[0]
    labels = [a.label for a in schedule.activities]
    assert labels == ["Informed consent", "Vital signs", "ECG", "Adverse events"]
    assert [v.headers[-1] for v in schedule.visits] == ["Day 1", "Day 8", "Day 29"]
    assert len(schedule.cells) == 8


def test_docx_picture_keeps_the_size_it_is_shown_at(picture_soa_docx: Path) -> None:
    pictures = [p for block in read_docx(picture_soa_docx).blocks for p in getattr(block, "pictures", ())]
    assert len(pictures) == 1
    assert pictures[0].size is not None
    width, height = pictures[0].size
    assert width == pytest.approx(6 * 72)  # shown 6 inches wide, whatever its pixel count
    assert 0 < height < width


def test_without_tesseract_the_picture_is_reported_not_read(
    picture_soa_docx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on PATH
    parsed = read_protocol(picture_soa_docx)
    assert not parsed.schedules
    warning = next(w for w in parsed.warnings if w.code == "SOA_IS_IMAGE")
    assert "tesseract" in warning.message
    assert "NO_SOA_FOUND" not in [w.code for w in parsed.warnings]


@requires_tesseract
@pytest.mark.shared
@pytest.mark.slow
def test_lzzt_m11_picture_soa_is_read_by_ocr(corpus_dir: Path) -> None:
    parsed = read_protocol(corpus_dir / "cdisc_pilot_lzzt" / "LZZT_ICH_M11.docx")
    assert len(parsed.schedules) == 1  # two pictures (visits 1-8, visits 9-RT) are one schedule
    schedule = parsed.schedules[0]
    labels = [a.label for a in schedule.activities]
    assert len(labels) == 30
    assert labels[:3] == ["Informed consent", "Patient number assigned", "Hachinski <4"]
    # three activities stacked in one ruled row are three (the PDF reader splits them, as in the text PDF)
    assert {"Study drug record", "Medications dispensed", "Medications returned", "Vital signs/Temperature",
            "Adverse events"} <= set(labels)
    assert any(label.startswith("CT Scan (if not within last year") for label in labels)
    assert [v.label for v in schedule.visits][-2:] == ["ET", "RT"]
    assert len(schedule.visits) == 15 and len(schedule.cells) == 139
    assert "SOA_FROM_OCR" in [w.code for w in parsed.warnings]
