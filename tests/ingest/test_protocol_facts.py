"""Body-text facts: positions and waiting times, named standards, laboratory set-up, as the text says."""

from __future__ import annotations

import pytest

from crfgen_core.ingest.protocol_facts import extract_facts, sentences
from crfgen_core.ingest.text_lines import TextLine


def _pdf(text: str, page: int = 7) -> list[TextLine]:
    """PDF lines wrap mid-sentence: one TextLine per printed line."""
    return [TextLine(text=line, page=page) for line in text.strip().splitlines()]


def _timings(text: str) -> list[tuple[str, list[float]]]:
    facts = extract_facts(_pdf(text))
    return [(t.position, t.minutes) for m in facts.timed_measurements for t in m.timings]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # positions in one sentence, times after each
            "Blood pressure and pulse will be taken after the participant has been lying down for 5 minutes\n"
            "and after standing for 1 and 3 minutes.",
            [("supine", [5.0]), ("standing", [1.0, 3.0])],
        ),
        (  # a procedure over several sentences: the later times belong to the last position named
            "The participant should rest supine quietly for at least 10 minutes before vital signs are\n"
            "taken. Heart rate is counted for a full minute. The participant then stands up. Blood pressure\n"
            "is measured again after approximately 2 and 5 minutes.",
            [("supine", [10.0]), ("standing", [2.0, 5.0])],
        ),
        (  # the time before the position it qualifies
            "Blood pressure and pulse rate should be measured after at least 5 minutes seated.",
            [("sitting", [5.0])],
        ),
        ("Vital signs will be measured in the seated position after a 5-minute rest.", [("sitting", [5.0])]),
        (
            "Systolic and diastolic blood pressure will be measured in the sitting position.",
            [("sitting", [])],
        ),
    ],
)
def test_positions_and_waiting_times_are_read_from_the_sentence_pattern(
    text: str, expected: list[tuple[str, list[float]]]
) -> None:
    assert _timings(text) == expected


def test_optional_and_sampling_minutes_are_not_waiting_times() -> None:
    # an unscheduled orthostatic test and a list of sampling times state no planned position/wait
    text = (
        "Blood pressure should be measured after at least 5 minutes supine. If orthostatic measurements\n"
        "are required, participants should be supine for 5 minutes and stand for 2 minutes.\n"
    )
    assert _timings(text) == [("supine", [5.0])]
    assert _timings("Vital signs (supine blood pressure) Predose, 15, 30, 60 and 120 min") == [("supine", [])]


def test_a_position_without_a_measurement_is_no_timed_measurement() -> None:
    assert extract_facts(_pdf("The samples will be centrifuged for 15 minutes lying flat on the bench.")) == (
        extract_facts([])
    )


def test_a_docx_paragraph_ends_a_sentence_and_a_pdf_line_does_not() -> None:
    docx = [TextLine(text="Vital Signs", heading=True), TextLine(text="Pulse is taken supine.")]
    assert [s.text for s in sentences(docx)] == ["Vital Signs", "Pulse is taken supine."]
    pdf = _pdf("Pulse is taken\nsupine. Temperature is oral.")
    assert [s.text for s in sentences(pdf)] == ["Pulse is taken supine.", "Temperature is oral."]


def test_named_standards_and_laboratory_setup_are_mentions_with_their_sentence() -> None:
    text = (
        "Tumour response will be assessed by the investigator per RECIST version 1.1. Adverse events\n"
        "will be graded with NCI CTCAE v5.0. Hematology and chemistry samples are analysed by the\n"
        "central laboratory. The study drug is taken once daily. The effect of education level will be\n"
        "explored."
    )
    facts = extract_facts(_pdf(text, page=12))
    assert {"RECIST 1.1", "RECIST", "CTCAE"} <= set(facts.keys("standard"))
    assert facts.keys("lab_setup") == ["central"] and facts.keys("study_drug") == ["study drug"]
    assert facts.keys("subject_characteristic") == ["education level"]
    central = next(m for m in facts.mentions if m.key == "central")
    assert central.page == 12 and "central laboratory" in central.text


def test_a_central_sample_that_is_no_safety_laboratory_is_not_a_lab_setup() -> None:
    facts = extract_facts(
        _pdf("The pharmacokinetic samples will be shipped on dry ice to the central laboratory.")
    )
    assert facts.keys("lab_setup") == []
