from __future__ import annotations

from pathlib import Path

from crfgen_core.ingest.reader import read_protocol


def test_auto_numbered_criteria_keep_numbers_and_sub_items(criteria_docx: Path) -> None:
    eligibility = read_protocol(criteria_docx).eligibility
    assert [c.number for c in eligibility.inclusion] == ["1", "2", "3", "4"]
    assert (
        eligibility.inclusion[3].text
        == "Any of the following documented: a) Type 1 diabetes b) Type 2 diabetes"
    )
    assert [c.text for c in eligibility.exclusion] == ["Pregnancy.", "Known allergy to the study drug."]
