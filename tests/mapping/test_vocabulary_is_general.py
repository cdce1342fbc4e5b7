"""The mapping vocabulary is general clinical language with a checkable source, never one protocol's words."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest

from crfgen_core.mapping.rule_set import load_rule_set
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import BUNDLED_FILES, load_bundled_ct, parse_bundled

MAPPING = Path(__file__).resolve().parents[2] / "crfgen_core" / "mapping"
RULE_DATA = sorted((MAPPING / "data").glob("*.csv"))
SOURCES = sorted(MAPPING.glob("*.py"))

# Study names, sponsors, products and protocol numbers of the corpus protocols, and wording that only
# one corpus protocol uses: none of it may appear in the rules (general wording would).
FORBIDDEN = [
    # sponsors
    r"astrazeneca",
    r"\bbms\b",
    r"bristol.myers",
    r"kalvista",
    r"\blilly\b",
    r"\bmerck\b",
    r"\bmsd\b",
    r"novo nordisk",
    r"pfizer",
    r"\broche\b",
    r"genentech",
    r"sanofi",
    r"tesaro",
    # products and study codes
    r"xanomeline",
    r"pembrolizumab",
    r"keytruda",
    r"keynote",
    r"olaparib",
    r"semaglutide",
    r"niraparib",
    r"tocilizumab",
    r"obinutuzumab",
    r"isatuximab",
    r"atezolizumab",
    r"selpercatinib",
    r"kvd900",
    r"ly900018",
    r"sar650984",
    r"nasal glucagon",
    r"\blzzt\b",
    r"h2q-mc",
    r"\bigbj\b",
    r"\bgpgs\b",
    r"\bgphk\b",
    r"\bkfah\b",
    r"\bgzgi\b",
    r"\bjzpa\b",
    r"\bopinion\b",
    r"nn9536",
    r"b7471007",
    r"wa42380",
    r"mo40597",
    r"act15377",
    r"pr-30-5011",
    r"nct0\d{6}",
    r"20vpnc",
    # one protocol's wording
    r"\btts\b",
    r"acceptability survey",
    r"\bhabits\b",
    r"study drug record",
    r"medications dispensed",
    r"medications returned",
    r"patient number assigned",
    r"\bhemat\b",
    r"^placed,",
    r"^removed,",
    r"plasma specimen",
    r"\bcru\b",
    r"\bgbm\b",
    r"\bscchn\b",
    r"\beoc\b",
]


@pytest.mark.parametrize("path", RULE_DATA + SOURCES, ids=lambda p: p.name)
def test_rules_name_no_study_sponsor_or_product(path: Path) -> None:
    text = path.read_text(encoding="utf-8").lower()
    found = [word for word in FORBIDDEN if re.search(word, text, re.MULTILINE)]
    assert found == [], f"{path.name} carries protocol-specific wording: {found}"


def _rows(name: str) -> list[dict[str, str]]:
    with (MAPPING / "data" / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def _known_codes() -> frozenset[str]:
    """Every C-code in the bundled CT packages and the COSMoS snapshot."""
    codes: set[str] = set()
    for index in (load_bundled_ct(), *(parse_bundled(*files) for files in BUNDLED_FILES[1:])):
        codes.update(row[0] for row in index.all_rows())
    standards = load_bundled_standards()
    codes.update(standards.concepts)
    codes.update(group.bc_id for group in standards.crf_groups.values())
    return frozenset(codes)


def test_every_synonym_row_says_where_it_comes_from() -> None:
    missing = [row["pattern"] for row in _rows("activity_synonyms.csv") if not row["source"].strip()]
    assert missing == []


def test_codes_cited_by_the_vocabulary_exist_in_the_bundled_standards() -> None:
    unknown = []
    for row in _rows("activity_synonyms.csv"):
        cited = set(re.findall(r"\bC\d{3,7}\b", row["source"]))
        if row["concept_id"]:
            cited.add(row["concept_id"])
        unknown += [f"{row['pattern']}: {code}" for code in sorted(cited - _known_codes())]
    assert unknown == []


def test_generic_words_decide_nothing_but_unnamed_instrument_stubs() -> None:
    rules = load_rule_set()
    single = {s.pattern[0] for s in rules.synonyms if len(s.pattern) == 1}
    assert single & rules.generic_words <= rules.instrument_type_words
    assert all(row["why"].strip() for row in _rows("generic_words.csv"))


def test_instrument_forms_are_not_hand_made() -> None:
    """Instruments with a CDISC QRS codelist come from the CT, so no hand-made form may shadow them."""
    forms = {row["form_key"] for row in _rows("forms.csv")}
    assert forms.isdisjoint({"ADASCOG", "CIBIC", "DAD", "NPI", "MMSE", "HACHINSKI", "ECOG", "EQ5D"})
