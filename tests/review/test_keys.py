"""Stable keys: from labels, unchanged when rows or columns are inserted, unique within a table."""

from __future__ import annotations

from crfgen_core.model.protocol import (
    Activity,
    ParsedProtocol,
    ProtocolDocument,
    Schedule,
    StudyMetadata,
    Visit,
)
from crfgen_core.review.keys import (
    activity_keys,
    normalize_label,
    schedule_keys,
    study_key,
    visit_keys,
)


def _schedule(labels: list[tuple[str, str | None]], visits: list[tuple[str, list[str]]]) -> Schedule:
    return Schedule(
        id="S1",
        title="Schedule of Activities",
        activities=[
            Activity(id=f"A{i}", label=label, group=group) for i, (label, group) in enumerate(labels)
        ],
        visits=[Visit(id=f"V{i}", label=label, headers=headers) for i, (label, headers) in enumerate(visits)],
    )


def _parsed(
    schedules: list[Schedule], number: str | None = None, file_name: str = "my protocol v2.pdf"
) -> ParsedProtocol:
    document = ProtocolDocument(
        file_name=file_name, path=f"/x/{file_name}", sha256="a" * 64, format="pdf", size_bytes=1
    )
    return ParsedProtocol(
        document=document, metadata=StudyMetadata(protocol_number=number), schedules=schedules
    )


def test_normalize_folds_case_spacing_and_punctuation() -> None:
    assert normalize_label("  Vital   Signs ") == normalize_label("vital signs") == "vital-signs"
    assert normalize_label("12-lead ECG (triplicate)") == "12-lead-ecg-triplicate"
    assert normalize_label("Hémoglobine A1c") == "hémoglobine-a1c"
    assert normalize_label(None) == ""


def test_activity_keys_do_not_shift_when_a_row_is_inserted() -> None:
    before = _schedule([("Vital signs", None), ("ECG", None)], [])
    after = _schedule([("Informed consent", None), ("Vital signs", None), ("ECG", None)], [])
    keys_before = {before.activities[i].label: k for i, k in enumerate(activity_keys(before).values())}
    keys_after = {a.label: activity_keys(after)[a.id] for a in after.activities}
    assert keys_before["Vital signs"] == keys_after["Vital signs"] == "vital-signs"
    assert before.activities[0].id != after.activities[1].id  # the positional id did shift


def test_a_repeated_label_takes_its_group_then_an_occurrence_number() -> None:
    schedule = _schedule(
        [("Urinalysis", "Screening labs"), ("Urinalysis", "Safety labs"), ("Other", "X"), ("Other", "X")], []
    )
    assert list(activity_keys(schedule).values()) == [
        "screening-labs.urinalysis",
        "safety-labs.urinalysis",
        "x.other",
        "x.other#2",
    ]


def test_a_repeated_visit_label_takes_its_other_headers() -> None:
    schedule = _schedule(
        [], [("Day 1", ["Cycle 1", "Day 1"]), ("Day 1", ["Cycle 2", "Day 1"]), ("EOT", ["EOT"])]
    )
    assert list(visit_keys(schedule).values()) == ["cycle-1.day-1", "cycle-2.day-1", "eot"]


def test_schedule_and_study_keys() -> None:
    second = _schedule([], []).model_copy(update={"id": "S2"})
    parsed = _parsed([_schedule([], []), second])
    assert schedule_keys(parsed) == {"S1": "schedule-of-activities", "S2": "schedule-of-activities#2"}
    assert study_key(parsed) == "my_protocol_v2"
    renumbered = [
        _schedule([], []).model_copy(update={"title": t})
        for t in ("3. Schedule of Activities", "1.3 Schedule of Activities")
    ]
    assert [schedule_keys(_parsed([s]))["S1"] for s in renumbered] == ["schedule-of-activities"] * 2
    assert study_key(_parsed([], number="H2Q-MC-LZZT")) == "H2Q-MC-LZZT"
