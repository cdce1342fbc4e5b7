from __future__ import annotations

import csv

import pytest

from crfgen_core.ingest.soa.captions import is_caption
from crfgen_core.ingest.soa.vocabulary import TERMS_FILE, soa_vocabulary


def test_every_term_has_a_kind_a_pattern_and_a_why() -> None:
    with TERMS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["kind", "pattern", "why"]
    assert all(len(row) == 3 and all(field.strip() for field in row) for row in rows[1:])


@pytest.mark.parametrize("title", [
    "Table 3: Schedule of Laboratory Tests", "Pharmacokinetic Sampling Schedule", "Study Flow Chart",
    "Schedule of Study Procedures", "Study Calendar", "Procedures Table",
    "Table 2-1: Screening Procedural Outline", "Table 4: PK and Immunogenicity Flow Chart"])
def test_soa_table_names(title: str) -> None:
    assert soa_vocabulary().is_title(title) and is_caption(title)


def test_a_sentence_naming_the_schedule_is_no_caption() -> None:
    assert not is_caption("as described in the Schedule of Activities")


@pytest.mark.parametrize("header", ["Protocol Section", "Reference", "Attachment", "c Notes", "Comments"])
def test_columns_that_do_not_schedule(header: str) -> None:
    assert soa_vocabulary().is_non_visit_column(header)
