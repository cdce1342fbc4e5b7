"""SoA extraction on real corpus PDFs: structural facts checked by reading the PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest

from crfgen_core.ingest.reader import read_schedules
from crfgen_core.model.protocol import Schedule

pytestmark = pytest.mark.shared


def _schedules(path: Path) -> list[Schedule]:
    schedules, warnings = read_schedules(path)
    # full-page pictures without text (a scanned figure page) are reported, not read, until OCR reads them
    assert all(w.code == "SOA_PAGES_NOT_READ" for w in warnings)
    return schedules


def test_lzzt_schedule_split_over_pages_53_54_is_one_schedule(corpus_dir: Path) -> None:
    schedules = _schedules(corpus_dir / "cdisc_pilot_lzzt" / "CDISC_Pilot_Study.pdf")
    assert len(schedules) == 1
    schedule = schedules[0]
    assert {53, 54} <= set(schedule.pages)
    labels = [v.label for v in schedule.visits]
    # visits 1-8 (with the empty visit-6 column) on p53, 9-13, ET, RT on p54
    # the header row's name ("VISIT") is kept with the bare numbers under it
    assert labels[:5] == [f"VISIT {n}" for n in range(1, 6)] and labels[-2:] == ["ET", "RT"]
    assert len(labels) == 15
    # each header row's name goes with its numbers, on the continuation page too (names set in spaced
    # capitals), and a week equal to its visit number is not taken for a merged cell's copy
    assert schedule.visits[0].headers == ["VISIT 1", "WEEK -2"]
    assert schedule.visits[1].headers == ["VISIT 2", "WEEK -.3"]
    assert schedule.visits[7].headers == ["VISIT 8", "WEEK 8"]
    assert schedule.visits[8].headers == ["VISIT 9", "WEEK 12"]
    # the three lines of one ruled row are three activities, the marks with the first
    labels = [a.label for a in schedule.activities]
    at = labels.index("Study drug record")
    assert labels[at:at + 3] == ["Study drug record", "Medications dispensed", "Medications returned"]
    assert not any(c.activity == schedule.activities[at + 1].id for c in schedule.cells)
    assert schedule.activities[at + 3].group is None  # a line without marks is no section row
    # a wrapped label stays one activity
    assert "CT Scan (if not within last year and patient passes all other screens)" in labels
    # a code's meaning wrapped onto the next legend line
    assert {f.marker: f.text for f in schedule.legend}["ET"] == "Early Termination"
    activities = {a.label: a for a in schedule.activities}
    assert 25 <= len(activities) <= 32
    assert {"Informed consent", "ADAS-Cog", "Adverse events", "TTS Acceptability Survey"} <= set(activities)
    hba1c = activities["Hemoglobin A1C"]
    cell = next(c for c in schedule.cells if c.activity == hba1c.id)
    assert cell.text == "X" and cell.footnotes == ["a"]  # "Xa": the marker is taken apart
    practice = [c for c in schedule.cells if c.activity == activities["ADAS-Cog"].id]
    assert practice[0].text == "P"


def test_roche_three_appendix_tables_stay_three_schedules(corpus_dir: Path) -> None:
    schedules = _schedules(corpus_dir / "roche_nct04320615_covid" / "Roche_NCT04320615_COVID.pdf")
    assert len(schedules) == 3
    assert [s.pages[0] for s in schedules] == sorted(s.pages[0] for s in schedules)
    assert all(s.pages[0] >= 77 and s.pages[-1] <= 85 for s in schedules)
    first = schedules[0]
    labels = {a.label for a in first.activities}
    assert {"Informed consent", "Vital signs", "Serum PK"} <= labels
    # superscript markers are separated from labels ("Vital signsh" in the plain text)
    vital = next(a for a in first.activities if a.label == "Vital signs")
    assert vital.footnotes
    assert "Central Labs" not in labels  # a section row
    assert any(a.group == "Central Labs" for a in first.activities)
    assert {c.text for c in first.cells} >= {"x"}  # lower-case ticks kept as written
    assert len(schedules[1].visits) >= 26  # Days 3-28 plus completion/discontinuation


def test_table_of_contents_mentions_do_not_make_schedules(corpus_dir: Path) -> None:
    path = corpus_dir / "kalvista_nct05259917_angioedema" / "KalVista_NCT05259917_Angioedema.pdf"
    schedules = _schedules(path)
    assert len(schedules) == 1
    assert all(page >= 17 for page in schedules[0].pages)
    assert len(schedules[0].visits) == 6
