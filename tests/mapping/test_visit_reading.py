"""Visit columns read as events: names from header words, day and window, type, contact, repetition."""

from __future__ import annotations

import pytest

from crfgen_core.mapping.schedule_terms import schedule_terms
from crfgen_core.mapping.visit_reading import VisitReading, read_visit
from crfgen_core.model.protocol import Visit


def _read(*headers: str, shared: tuple[str, ...] = (), notes: tuple[str, ...] = ()) -> VisitReading:
    visit = Visit(id="V1", label=headers[-1] if headers else "", headers=list(headers))
    return read_visit(visit, set(shared), schedule_terms(), list(notes), {"ET": "Early Termination"})


def test_labelled_header_rows_give_a_readable_name_and_a_study_day() -> None:
    reading = _read("Visit 1", "Week -2")
    assert reading.name == "Visit 1 (Week -2)"
    assert (reading.day, reading.day_offset) == ("Week -2", -14)
    assert _read("Visit 2", "Week -.3").day_offset == -2  # a fraction of a week before Day 1
    week_two = _read("Visit 4", "Week 2", "± 3")
    assert week_two.day_offset == 15  # Day 1 is week 0's first day: Week 2 starts on Day 15
    assert (week_two.window, week_two.window_before_days, week_two.window_after_days) == ("±3 days", 3, 3)


def test_a_number_under_a_spanning_period_counts_that_period() -> None:
    reading = _read("Treatment Cycles", "2", "+3", shared=("Treatment Cycles",))
    assert reading.name == "Cycle 2"
    assert (reading.window_before_days, reading.window_after_days) == (0, 3)
    assert reading.day_offset is None  # a cycle's day is not a study day without the cycle length


def test_day_within_a_cycle_is_part_of_the_name_but_not_a_study_day() -> None:
    reading = _read("Treatment Cycles", "1", "Day 8", "± 3", shared=("Treatment Cycles",))
    assert reading.name == "Cycle 1 (Day 8)"
    assert reading.day_offset is None


def test_screening_range_gives_day_and_window() -> None:
    reading = _read("Screening Phase", "Screening (Visit 1)", "-28 to -1")
    assert reading.name == "Screening (Visit 1)"
    assert reading.day == "Day -28 to -1"
    assert (reading.day_offset, reading.window_before_days, reading.window_after_days) == (-1, 27, 0)


@pytest.mark.parametrize(
    ("headers", "rule"),
    [
        (("Treatment Cycles", "8 and Beyond"), "Cycle 8 and Beyond"),
        (("Survival Follow-Up", "Every 9 Weeks"), "Every 9 Weeks"),
        (("Subsequent Cycles",), "Subsequent Cycles"),
    ],
)
def test_open_ended_visits_repeat(headers: tuple[str, ...], rule: str) -> None:
    reading = _read(*headers, shared=("Treatment Cycles",))
    assert reading.repeat_rule == rule


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (("ET",), "Unscheduled"),
        (("End of Treatment", "Discon", "At time of Discon"), "Unscheduled"),
        (("Unscheduled Visit",), "Unscheduled"),
        (("Study Completion/ Discontinuation",), "Scheduled"),
        (("Follow Up Visits", "Every 9 Weeks Post-discon"), "Scheduled"),
        (("Visit 3", "Week 0"), "Scheduled"),
    ],
)
def test_event_type_follows_the_header_words(headers: tuple[str, ...], expected: str) -> None:
    assert _read(*headers).type == expected


def test_abbreviations_are_expanded_from_the_legend() -> None:
    assert _read("ET").name == "Early Termination (ET)"


def test_telephone_contact_from_a_header_cell_or_a_cited_footnote() -> None:
    assert _read("4", "6-Month Safety Collection", "Telephone Contact").contact == "telephone"
    cited = _read("Survival Follow-Up", notes=("contacts are every 9 weeks by telephone",))
    assert cited.contact == "telephone"
    assert _read("Visit 2", "Week 4").contact == "visit"


def test_bare_numbers_are_kept_and_flagged_for_review() -> None:
    reading = _read("1", "-2")
    assert reading.name == "1 / -2"
    assert reading.named_from_numbers


def test_a_cited_footnote_sets_the_contact_only_when_it_holds_for_everyone() -> None:
    conditional = "If subjects cannot return, these visits may be conducted by telephone."
    assert _read("Day 35", notes=(conditional,)).contact == "visit"
    mixed = "After progression, contacts are every 9 weeks by telephone. Status may be requested at any time."
    assert _read("Survival Follow-Up", notes=(mixed,)).contact == "telephone"


def test_a_footnote_mentioning_discontinuation_does_not_make_a_visit_unscheduled() -> None:
    note = "Visits continue every 4 weeks until study treatment discontinuation."
    reading = _read("Subsequent Cycles", "Cycle n, Day 1", notes=(note,))
    assert reading.type == "Scheduled" and reading.repeat_rule is not None
