"""SoA labels to CDISC QRS instruments, by the names CT gives them (real bundled CT)."""

from __future__ import annotations

import pytest

from crfgen_core.mapping.instrument_matcher import InstrumentHit, InstrumentMatcher, instrument_matcher
from crfgen_core.mapping.label_normalizer import tokens
from crfgen_core.mapping.rule_set import load_rule_set
from crfgen_core.terminology.bundled import load_bundled_ct
from crfgen_core.terminology.qrs_instruments import qrs_index


@pytest.fixture(scope="module")
def matcher() -> InstrumentMatcher:
    return instrument_matcher(qrs_index(load_bundled_ct()))


def _hits(matcher: InstrumentMatcher, label: str) -> list[InstrumentHit]:
    rules = load_rule_set()
    skip = rules.noise_words | rules.generic_words
    toks = tokens(label)
    found = matcher.name_hits(toks, label, skip, set())
    covered = {j for hit in found for j in hit.covered}
    found += matcher.name_hits(toks, label, skip, covered, heads=True)
    covered |= {j for hit in found for j in hit.covered}
    word = matcher.word_hit(toks, covered, rules.noise_words | rules.instrument_type_words)
    return [*found, *([word] if word else [])]


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("ADAS-Cog", "FT_ADAS_COG"),  # the CDISC version, not ADAS-COG 30JUN2015
        ("MMSE 10-23", "FT_MMSE"),  # the unversioned MMSE, not MMSE-2
        ("NPI-X", "QS_NPI"),  # version mark X is not in CT: the NPI
        ("DAD", "QS_DAD"),
        ("Disability Assessment for Dementia", "QS_DAD"),
        ("Hachinski ≤4", "QS_MHIS_NACC"),  # a word only that instrument's name has
        ("Modified Hachinski", "QS_MHIS_NACC"),
        ("HAM-D 17", "RS_HAMD_17"),
        ("Hamilton Depression Rating Scale (17-item)", "RS_HAMD_17"),
        ("EQ-5D-5L", "QS_EQ_5D_5L"),
        ("PHQ-9", "QS_PHQ_9"),
        ("C-SSRS (Baseline/Screening)", "QS_C_SSRS_BASELINE_SCREENING_VERSION"),
        ("C-SSRS Screening/Baseline", "QS_C_SSRS_BASELINE_SCREENING_VERSION"),  # most words explained
        ("SF-36, version 2, acute form", "QS_SF36_V2_0_ACUTE"),  # 'version 2' is V2.0
        ("PGIS", "QS_PGI"),  # a capital glued to the abbreviation is a version mark
        ("ECOG performance status", "RS_ECOG"),
        ("Montreal Cognitive Assessment (MoCA)", "FT_MOCA"),
    ],
)
def test_label_names_one_instrument(matcher: InstrumentMatcher, label: str, key: str) -> None:
    hits = _hits(matcher, label)
    assert len(hits) == 1 and hits[0].instrument is not None
    assert hits[0].instrument.form_key == key
    assert hits[0].reason


def test_the_reason_explains_a_version_choice(matcher: InstrumentMatcher) -> None:
    (hit,) = _hits(matcher, "NPI-X")
    assert "version mark 'x'" in hit.reason
    (hit,) = _hits(matcher, "Hachinski")
    assert "found only in" in hit.reason


@pytest.mark.parametrize(("label", "at_least"), [("HAM-D", 4), ("C-SSRS", 10), ("EQ-5D", 2), ("SF-36", 4)])
def test_names_ct_cannot_resolve_are_ambiguous(matcher: InstrumentMatcher, label: str, at_least: int) -> None:
    (hit,) = _hits(matcher, label)
    assert hit.instrument is None and len(hit.candidates) >= at_least
    assert "cannot tell which" in hit.reason


@pytest.mark.parametrize(
    "label",
    [
        "Dad consent",
        "Patient number assigned",
        "Study aims",
        "Weight",
        "Edinburgh Hypoglycemia Scale",
        "Collect Hypoglycemic Events",
    ],
)
def test_ordinary_words_do_not_read_as_instruments(matcher: InstrumentMatcher, label: str) -> None:
    assert [h.instrument.form_key for h in _hits(matcher, label) if h.instrument] == []


def test_two_instruments_in_one_label(matcher: InstrumentMatcher) -> None:
    keys = [h.instrument.form_key for h in _hits(matcher, "MMSE/ADAS-Cog") if h.instrument]
    assert keys == ["FT_MMSE", "FT_ADAS_COG"]
