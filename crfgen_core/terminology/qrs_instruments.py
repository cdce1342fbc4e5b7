"""CDISC QRS instruments (questionnaires, functional tests, clinical classifications) as CT publishes them.

Every QRS supplement puts three things in SDTM CT: a test-code codelist named "<instrument> Questionnaire
Test Code" (or "Functional Test Test Code", "Clinical Classification Test Code"), its "... Test Name" twin,
and a category term in QSCAT/FTCAT/CCCAT whose synonyms hold the codelist prefix ("ADC" for ADCTC) and
whose definition opens with the instrument's full name and abbreviation. Some supplements also publish
response codelists, "<instrument> ... ORRES for AIMS0101 Through AIMS0107 TN/TC", whose definition names
the test codes they answer. This module reads all of that from whatever CT version it is given: there is
no hand list of instruments, so a newer CT brings its new instruments with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from crfgen_core.terminology.ct_index import (
    CODE,
    DEFINITION,
    NAME,
    PARENT,
    PREFERRED,
    SYNONYMS,
    VALUE,
    CTIndex,
    CTRow,
    split_synonyms,
)

# (test-code codelist name suffix, SDTM domain, category codelist name): the CT's own naming pattern.
QRS_KINDS = (
    ("Questionnaire Test Code", "QS", "Category of Questionnaire"),
    ("Functional Test Test Code", "FT", "Category of Functional Test"),
    ("Clinical Classification Test Code", "RS", "Category of Clinical Classification"),
)
_RESPONSE_NAME = re.compile(r" ORRES (?:for|the Same as) .*TN/TC$")
_CODE_WORD = re.compile(r"\b[A-Z][A-Z0-9]{2,7}\b")
_THROUGH = re.compile(r"\b([A-Z][A-Z0-9]{2,7}) through ([A-Z][A-Z0-9]{2,7})\b", re.IGNORECASE)
# "Mini-Mental State Examination (MMSE) (copyright...)": the full name, then the abbreviation in brackets
_LEAD_NAME = re.compile(r"^(?:The )?([^()]+?)\s*\(([^()]{2,60})\)")
_TEST_CODE_DEFINITION = re.compile(r"^(?:The )?(.+?) test code\.?$", re.IGNORECASE)
SAS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,7}")


@dataclass(frozen=True)
class QrsTest:
    """One test (question) of an instrument: its --TESTCD term and the response codelist CT links to it."""

    code: str
    name: str
    ct_name: str
    nci_code: str
    definition: str
    response_codelist: str | None = None

    @property
    def valid_sas_name(self) -> bool:
        """A test code becomes an item name, which must be a SAS name of at most 8 characters."""
        return SAS_NAME.fullmatch(self.code) is not None


@dataclass(frozen=True)
class QrsInstrument:
    """One instrument: its test-code codelist, category term, names as CT writes them, tests, responses."""

    domain: str
    prefix: str
    name: str
    short_name: str
    category_code: str
    category_codelist: str
    test_codelist: str  # "" when CT publishes the category only
    test_codelist_code: str
    name_codelist: str | None
    full_names: tuple[str, ...]
    abbreviations: tuple[str, ...]
    tests: tuple[QrsTest, ...]
    response_codelists: tuple[str, ...] = ()

    @property
    def form_key(self) -> str:
        """The design's form key: domain and category value, e.g. 'FT_ADAS_COG'."""
        return f"{self.domain}_{re.sub(r'[^A-Za-z0-9]+', '_', self.short_name).strip('_').upper()}"

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.short_name})"

    @property
    def has_tests(self) -> bool:
        """False for an instrument CT names by its category only (no published test codes)."""
        return bool(self.tests)

    @property
    def unlinked_response_codelists(self) -> tuple[str, ...]:
        """Response codelists of the instrument that name none of its test codes."""
        linked = {test.response_codelist for test in self.tests}
        return tuple(code for code in self.response_codelists if code not in linked)


@dataclass(eq=False)
class QrsIndex:
    """Every QRS instrument of one CT version, by form key (hashed by identity: one per CT object)."""

    ct_version: str
    instruments: dict[str, QrsInstrument] = field(default_factory=dict)
    # words of every CT term outside the QRS codelists: a word found here also names something else
    general_words: frozenset[str] = frozenset()

    def instrument(self, form_key: str) -> QrsInstrument | None:
        return self.instruments.get(form_key)


@dataclass(frozen=True)
class _Category:
    code: str
    domain: str
    codelist: str
    value: str
    synonyms: tuple[str, ...]
    definition: str
    preferred: str


def words(text: str) -> list[str]:
    """Given text, return its lower-case word tokens (the unit names are compared in)."""
    return re.findall(r"[a-z0-9]+", text.lower())


def _categories(ct: CTIndex) -> tuple[dict[tuple[str, str], _Category], set[str]]:
    """Return (domain, upper-case synonym) -> category term, and the category codelists' C-codes."""
    by_name = {row[NAME]: row for row in ct.codelist_rows()}
    found: dict[tuple[str, str], _Category] = {}
    codelists: set[str] = set()
    for _, domain, category_name in QRS_KINDS:
        codelist = by_name.get(category_name)
        if codelist is None:
            continue
        codelists.add(codelist[CODE])
        for row in ct.term_rows(codelist[CODE]):
            synonyms = tuple(split_synonyms(row[SYNONYMS]))
            category = _Category(
                row[CODE], domain, codelist[VALUE], row[VALUE], synonyms, row[DEFINITION], row[PREFERRED]
            )
            for synonym in synonyms:
                found.setdefault((domain, synonym.upper()), category)
    return found, codelists


def _strip_prefix(test_name: str, prefix: str) -> str:
    """'DAD01-Decide to Wash' -> 'Decide to Wash'; a name without the prefix is kept as written."""
    head = f"{prefix}-".upper()
    return test_name[len(head) :].strip() if test_name.upper().startswith(head) else test_name.strip()


def _response_links(ct: CTIndex, tests: dict[str, list[str]]) -> tuple[dict[str, dict[str, str]], set[str]]:
    """Return (test-code codelist -> {test code: ORRES codelist}, response codelist C-codes).

    A response codelist names its tests in its name and definition ("... for PHQ0101 through PHQ0109
    test and test code"); a range is expanded over the owner codelist's codes in code order.
    """
    owner_of: dict[str, str] = {}
    for codelist, codes in tests.items():
        for code in codes:
            owner_of.setdefault(code, codelist)
    links: dict[str, dict[str, str]] = {}
    response_codelists: set[str] = set()
    for row in ct.codelist_rows():
        if not _RESPONSE_NAME.search(row[NAME]):
            continue
        text = f"{row[NAME]} {row[DEFINITION]}"
        named = [code for code in _CODE_WORD.findall(text) if code in owner_of]
        if not named:
            continue
        response_codelists.add(row[CODE])
        owner = owner_of[named[0]]
        codes = tests[owner]
        wanted = {code for code in named if owner_of[code] == owner}
        for first, last in _THROUGH.findall(text):
            first, last = first.upper(), last.upper()
            if first in codes and last in codes:
                wanted.update(codes[codes.index(first) : codes.index(last) + 1])
        bucket = links.setdefault(owner, {})
        for code in sorted(wanted):
            bucket.setdefault(code, row[CODE])
        bucket.setdefault(f"#{row[CODE]}", row[CODE])
    return links, response_codelists


# a category synonym that is the test-code prefix ('ADC', 'MMS1', 'BD01'), not a name
_CODE_LIKE = re.compile(r"[A-Z]{2,8}\d{1,3}")


def _names(row: CTRow | None, name: str, category: _Category, prefix: str) -> tuple[list[str], list[str]]:
    """Return (full names, abbreviations) CT gives one instrument, most official first."""
    full_names = [name, category.preferred]
    abbreviations = [
        category.value,
        *(s for s in category.synonyms if s.upper() != prefix.upper() and not _CODE_LIKE.fullmatch(s)),
    ]
    lead = _LEAD_NAME.match(category.definition)
    if lead:
        full_names.append(lead.group(1).strip())
        if re.search(r"[A-Z]{2}", lead.group(2)):  # '(MoCA)' is a name; '(August 2002)' is not
            abbreviations.append(lead.group(2).strip())
    testcode = _TEST_CODE_DEFINITION.match(row[DEFINITION].strip()) if row else None
    if testcode:
        abbreviations.append(testcode.group(1).strip())
    return full_names, abbreviations


def _category_only(category: _Category) -> QrsInstrument:
    """An instrument CT names by category only (licensed content, no published test codes)."""
    full_names, abbreviations = _names(None, "", category, "")
    lead = _LEAD_NAME.match(category.definition)
    return QrsInstrument(
        domain=category.domain,
        prefix="",
        name=lead.group(1).strip() if lead else category.preferred or category.value,
        short_name=category.value,
        category_code=category.code,
        category_codelist=category.codelist,
        test_codelist="",
        test_codelist_code="",
        name_codelist=None,
        full_names=tuple(dict.fromkeys(n for n in full_names if n)),
        abbreviations=tuple(dict.fromkeys(a for a in abbreviations if a)),
        tests=(),
    )


def build_qrs_index(ct: CTIndex) -> QrsIndex:
    """Given a CT index, return every QRS instrument it publishes (test codes, names, category, responses)."""
    categories, qrs_codelists = _categories(ct)
    codelists = {row[VALUE]: row for row in ct.codelist_rows()}
    found: list[tuple[CTRow, str, str, str, _Category]] = []
    tests: dict[str, list[str]] = {}
    for row in codelists.values():
        kind = next(((s, d) for s, d, _ in QRS_KINDS if row[NAME].endswith(s)), None)
        if kind is None or not row[VALUE].upper().endswith("TC"):
            continue
        prefix = row[VALUE][:-2]
        category = categories.get((kind[1], prefix.upper()))
        if category is None:  # a test-code codelist CT gives no category for is not a QRS instrument
            continue
        found.append((row, kind[1], prefix, row[NAME][: -len(kind[0])].strip(), category))
        tests[row[CODE]] = sorted(term[VALUE] for term in ct.term_rows(row[CODE]))
    links, response_codelists = _response_links(ct, tests)
    index = QrsIndex(ct_version=ct.version)
    for row, domain, prefix, name, category in found:
        name_row = codelists.get(f"{prefix}TN")
        qrs_codelists.update({row[CODE], *(r[CODE] for r in (name_row,) if r)})
        linked = links.get(row[CODE], {})
        qrs_tests = []
        for term in sorted(ct.term_rows(row[CODE]), key=lambda t: t[VALUE]):
            ct_name = (split_synonyms(term[SYNONYMS]) or [term[PREFERRED]])[0]
            qrs_tests.append(
                QrsTest(
                    code=term[VALUE],
                    name=_strip_prefix(ct_name, prefix),
                    ct_name=ct_name,
                    nci_code=term[CODE],
                    definition=term[DEFINITION],
                    response_codelist=linked.get(term[VALUE]),
                )
            )
        full_names, abbreviations = _names(row, name, category, prefix)
        instrument = QrsInstrument(
            domain=domain,
            prefix=prefix,
            name=name,
            short_name=category.value,
            category_code=category.code,
            category_codelist=category.codelist,
            test_codelist=row[VALUE],
            test_codelist_code=row[CODE],
            name_codelist=name_row[VALUE] if name_row else None,
            full_names=tuple(dict.fromkeys(n for n in full_names if n)),
            abbreviations=tuple(dict.fromkeys(a for a in abbreviations if a)),
            tests=tuple(qrs_tests),
            response_codelists=tuple(sorted(v for k, v in linked.items() if k.startswith("#"))),
        )
        index.instruments.setdefault(instrument.form_key, instrument)
    with_tests = {i.category_code for i in index.instruments.values()}
    for category in {c.code: c for c in categories.values()}.values():
        if category.code not in with_tests:
            instrument = _category_only(category)
            index.instruments.setdefault(instrument.form_key, instrument)
    qrs_codelists |= response_codelists
    general: set[str] = set()
    for term in ct.all_rows():
        if term[CODE] in qrs_codelists or term[PARENT] in qrs_codelists:
            continue
        for text in (term[VALUE], term[SYNONYMS], term[PREFERRED]):
            general.update(words(text))
    index.general_words = frozenset(general)
    return index


@lru_cache(maxsize=4)
def qrs_index(ct: CTIndex) -> QrsIndex:
    """The QRS index of one CT index object (built once per object in a process)."""
    return build_qrs_index(ct)
