"""The CRF-content tables are real standards: every unit, order, subset and specimen exists in the
bundled CT, every rule names templates and forms that exist, and every row says why it is there."""

from __future__ import annotations

import csv
import re
from importlib import resources

import pytest

from crfgen_core.mapping.content_rules import CONTENT_FILES, load_content_tables
from crfgen_core.mapping.rule_set import load_rule_set
from crfgen_core.mapping.unit_book import UNIT_CODELISTS
from crfgen_core.quality.gx_suites import CDASH_NAME_PATTERN
from crfgen_core.terminology.bundled import load_bundled_ct


def _rows(name: str) -> list[dict[str, str]]:
    raw = resources.files("crfgen_core.mapping").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(raw.splitlines()))


@pytest.mark.parametrize("name", CONTENT_FILES)
def test_every_row_says_why(name: str) -> None:
    rows = _rows(name)
    assert rows, name
    assert all(row["source"].strip() for row in rows), name


def test_units_exist_in_the_ct_unit_codelists_and_tests_in_ct() -> None:
    ct = load_bundled_ct()
    for (domain, code), units in load_content_tables().test_units.items():
        assert ct.term(f"{domain}TESTCD", code) is not None or domain == "TR", code
        for unit in units:
            lists = UNIT_CODELISTS.get(domain, ("UNIT",))
            assert any(ct.term(codelist, unit) for codelist in lists), (code, unit)


def test_orders_subsets_and_specimens_name_ct_terms() -> None:
    ct, tables = load_bundled_ct(), load_content_tables()
    for codelist, values in tables.codelist_orders.items():
        assert all(ct.term(codelist, v) for v in values), codelist
    for (_, codelist), values in tables.codelist_subsets.items():
        assert all(ct.term(codelist, v) for v in values), codelist
    for panel in tables.lab_panels.values():
        assert all(ct.term("SPECTYPE", s) for s in panel.specimens), panel.form_key


def test_content_rules_name_forms_and_templates_that_exist() -> None:
    rules = load_rule_set()
    pattern = re.compile(CDASH_NAME_PATTERN)
    for rule in load_content_tables().content:
        assert rule.form_key in rules.forms, rule
        for template in rule.templates:
            assert template in rules.templates, template
            assert all(pattern.match(row.variable) for row in rules.templates[template]), template


def test_no_standards_question_keeps_a_placeholder_bracket() -> None:
    from crfgen_core.mapping.crf_text import PLACEHOLDER, clean_question
    from crfgen_core.standards.cosmos import load_bundled_standards

    texts = [
        text
        for group in load_bundled_standards().crf_groups.values()
        for item in group.items
        for text in (item.question_text, item.prompt)
    ]
    assert any(PLACEHOLDER.search(text) for text in texts), "the standards do carry placeholders"
    assert not [text for text in texts if PLACEHOLDER.search(clean_question(text))]
    assert clean_question("Ongoing (as of [the study-specific time point or period])") == "Ongoing"
