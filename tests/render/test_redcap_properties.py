"""Property tests: whatever codes and event names a design brings, REDCap gets legal, unique names."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from crfgen_core.quality.redcap_project_rules import unique_event_names
from crfgen_core.render.crf_layout import Choice
from crfgen_core.render.redcap_dictionary import redcap_choices

LEGAL_CODE = re.compile(r"^(?:[A-Za-z0-9_]+|-?\d+(?:\.\d+)?)$")
codes = st.text(alphabet=st.sampled_from("abcXYZ019 /%+-._^°µ<>"), min_size=0, max_size=8)


@settings(max_examples=100, deadline=None)
@given(st.lists(codes, min_size=1, max_size=12, unique=True))
def test_choice_codes_are_legal_unique_and_keep_legal_cdisc_codes(values: list[str]) -> None:
    result = redcap_choices(tuple(Choice(v, f"Label {n}") for n, v in enumerate(values)))
    out = [code for _, code, _ in result]
    assert all(LEGAL_CODE.match(code) for code in out)
    assert len(set(out)) == len(out)
    kept = [original for original, code, _ in result if original == code]
    assert kept == [v for v in values if LEGAL_CODE.match(v)]
    assert all(original in label for original, code, label in result if original != code and original)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 3), st.text(min_size=1, max_size=40)), min_size=1, max_size=20))
def test_unique_event_names_are_legal_and_unique(events: list[tuple[int, str]]) -> None:
    names = unique_event_names(events)
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9_]+_arm_\d+[a-z]{0,2}", name) for name in names)
