"""A test name as written ("Alanine transaminase (ALT/SGPT)", "supine/standing pulse", "blood pressure")
to the --TESTCD terms of the current CT.

Order: a code written as such; the curated clinical names of `test_aliases.csv` (each row says why;
a row there wins because it records clinical usage CT's own names would read differently, e.g. a
bedside heart rate is PULSE); then CT submission values, preferred terms and CDISC synonyms over the
spellings of `test_names`; then the curated names over those spellings. A name nothing resolves comes
back with no term: the caller makes a free-text item and flags it, it never drops it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crfgen_core.ingest.panels.test_names import clean_tests, split_list
from crfgen_core.mapping.rule_set import RuleSet
from crfgen_core.mapping.test_names import normalise, test_name_variants
from crfgen_core.model.terminology import Term
from crfgen_core.terminology.ct_index import CTIndex

MIN_LISTED_TESTS = 1


@dataclass(frozen=True)
class ResolvedTest:
    """What a written test name means: its CT terms (blood pressure has two) and how it was found."""

    written: str
    terms: tuple[Term, ...]
    how: str

    @property
    def codes(self) -> list[str]:
        return [term.submission_value for term in self.terms]


@dataclass
class TestResolver:
    """Resolves test names per --TESTCD codelist; one instance per design (indexes are cached)."""

    __test__ = False  # a domain class named "Test...", not a pytest test class

    ct: CTIndex
    rules: RuleSet
    _index: dict[str, dict[str, Term]] = field(default_factory=dict)

    def _ct_index(self, codelist: str) -> dict[str, Term]:
        if codelist not in self._index:
            index: dict[str, Term] = {}
            found = self.ct.codelist(codelist)
            for term in found.terms if found else []:
                for name in (term.submission_value, term.preferred_term, *term.synonyms):
                    index.setdefault(normalise(name), term)
            self._index[codelist] = index
        return self._index[codelist]

    def _aliases(self, domain: str, codelist: str, name: str) -> tuple[Term, ...]:
        codes = self.rules.test_aliases.get((domain, name), ())
        terms = [self.ct.term(codelist, code) for code in codes]
        return tuple(term for term in terms if term is not None)

    def resolve(self, domain: str, codelist: str, written: str) -> ResolvedTest:
        """Given a domain, its --TESTCD codelist and a test name as written, return its terms."""
        exact = self.ct.term(codelist, written.strip())
        if exact is not None:
            return ResolvedTest(written, (exact,), "CT code")
        name = normalise(written)
        aliased = self._aliases(domain, codelist, name)
        if aliased:
            return ResolvedTest(written, aliased, "clinical synonym (test_aliases.csv)")
        index = self._ct_index(codelist)
        variants = test_name_variants(written, self.rules.test_name_prefixes, self.rules.test_name_suffixes)
        for variant in variants:
            if variant in index:
                return ResolvedTest(written, (index[variant],), f"CT name '{variant}'")
        for variant in variants:
            aliased = self._aliases(domain, codelist, variant)
            if aliased:
                return ResolvedTest(written, aliased, f"clinical synonym '{variant}' (test_aliases.csv)")
        return ResolvedTest(written, (), "no CT code")

    def listed_codes(self, domain: str, codelist: str, label: str) -> list[str]:
        """Given an SoA label that names tests ("T3, FT4, and TSH", "PT/INR and aPTT", "Urine drug
        screen"), return the codes of the parts CT or the synonyms know; a panel name gives none."""
        parts = clean_tests(split_list(label))
        if len(parts) < MIN_LISTED_TESTS:
            return []
        codes: list[str] = []
        for part in parts:
            codes.extend(c for c in self.resolve(domain, codelist, part).codes if c not in codes)
        return codes
