"""CRF codelists: subsets of the current CT version holding only the terms an item needs.

What a site sees: the CDISC submission value as the code with a readable label (not the NCI preferred
term: "Mild", not "Mild Adverse Event"), in the natural order of the scale (Yes before No; mild,
moderate, severe; content_rules `codelist_orders.csv`), and sized for the item: a whole codelist of
hundreds of terms (UNIT, FRM) is cut to the subset `codelist_subsets.csv` names for that variable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crfgen_core.mapping.content_rules import ContentTables, load_content_tables
from crfgen_core.mapping.oids import ct_codelist_oid, sponsor_codelist_oid
from crfgen_core.model.design import CodelistItem, CRFCodelist, Form
from crfgen_core.model.terminology import Term
from crfgen_core.terminology.ct_index import CTIndex

# a whole codelist longer than this, with no subset rule for the item, goes to the review list
MAX_UNREVIEWED_TERMS = 60
_WORDS = re.compile(r"[A-Za-z]")
_TOKENS = re.compile(r"[\s/,()-]+")
MIN_WORD_LETTERS = 4  # shorter capital tokens (CR, PD, QD) are abbreviations, not words
_SHORT_WORDS = {"OR", "OF", "TO", "BY", "NOT", "AND", "WITH", "IN", "ON", "PER", "NO", "THE", "FOR", "AT"}


def crf_decode(term: Term) -> str:
    """Given a CT term, return the label a site reads beside its code.

    A code in mixed case is a symbol (mg, mmHg): shown as is. A worded code (MILD, NOT RECOVERED/NOT
    RESOLVED, DOSE NOT CHANGED) keeps its words: the preferred term or synonym when it says the same,
    else sentence case. An abbreviation (Y, NA, QD, NON-CR/NON-PD) gets its spelled-out CDISC synonym,
    else the preferred term ("Yes", "Not Applicable", "Daily").
    """
    value = term.submission_value
    if value != value.upper() or not _WORDS.search(value):
        return value
    if _worded(value):
        for name in (term.preferred_term, *term.synonyms):
            if name and name.lower() == value.lower() and name != name.upper():
                return name
        return value[:1] + value[1:].lower()
    spelled = [
        s
        for s in term.synonyms
        if s[:1].isalpha() and s != s.upper() and len(s) > len(value) and "_" not in s
    ]
    return spelled[0] if spelled else (term.preferred_term or value)


def _worded(value: str) -> bool:
    tokens = [t for t in _TOKENS.split(value) if t]
    return bool(tokens) and all(
        (t.isalpha() and len(t) >= MIN_WORD_LETTERS) or t in _SHORT_WORDS for t in tokens
    )


@dataclass
class CodelistBook:
    """Collects the design's codelists (one per distinct subset) and what a reviewer must look at."""

    ct: CTIndex
    tables: ContentTables = field(default_factory=load_content_tables)
    codelists: dict[str, CRFCodelist] = field(default_factory=dict)
    unknown_values: list[str] = field(default_factory=list)

    def _note(self, text: str) -> None:
        if text not in self.unknown_values:  # the same subset is asked for once per test group
            self.unknown_values.append(text)

    def _natural_order(self, submission_value: str, terms: list[Term]) -> list[Term]:
        order = self.tables.codelist_orders.get(submission_value)
        if not order:
            return terms
        rank = {value: index for index, value in enumerate(order)}
        return sorted(terms, key=lambda t: (rank.get(t.submission_value, len(rank)), terms.index(t)))

    def _subset_for(self, variable: str, codelist: str) -> tuple[str, ...]:
        for (suffix, listed), values in self.tables.codelist_subsets.items():
            if listed == codelist and variable.endswith(suffix):
                return values
        return ()

    def ct_subset(
        self,
        codelist: str,
        values: list[str] | tuple[str, ...],
        context: str,
        variable: str = "",
        keep_order: bool = False,
    ) -> str | None:
        """Given a CT codelist (code or submission value) and wanted values, return the subset's OID.

        Values absent from this CT version are left out and reported. An empty value list means the
        subset `codelist_subsets.csv` gives for `variable`, else the whole codelist (a long one is
        reported). `keep_order` keeps the order given (units in the order a test lists them).
        Returns None when the codelist itself is not in this CT version.
        """
        found = self.ct.codelist(codelist)
        if found is None:
            self._note(f"{context}: codelist {codelist} not in CT {self.ct.ref.version}")
            return None
        wanted = list(values) or list(self._subset_for(variable, found.submission_value))
        if not wanted:
            wanted = [term.submission_value for term in found.terms]
            if len(wanted) > MAX_UNREVIEWED_TERMS:
                self._note(
                    f"{context}: the whole codelist {found.submission_value} ({len(wanted)} terms) is "
                    "attached; choose the terms this study needs"
                )
        terms: list[Term] = []
        for value in wanted:
            term = self.ct.term(found.code, value)
            if term is None:
                self._note(f"{context}: '{value}' not in {found.submission_value} (CT {self.ct.ref.version})")
            elif term not in terms:
                terms.append(term)
        if not terms:
            return None
        if not keep_order:
            terms = self._natural_order(found.submission_value, terms)
        coded = [term.submission_value for term in terms]
        full = len(terms) == len(found.terms)
        oid = ct_codelist_oid(found.submission_value, coded, full=full)
        if oid not in self.codelists:
            self.codelists[oid] = CRFCodelist(
                oid=oid,
                name=found.name if full else f"{found.name} (subset)",
                nci_code=found.code,
                submission_value=found.submission_value,
                extensible=found.extensible,
                ct_package=self.ct.ref.package,
                ct_version=self.ct.ref.version,
                items=[
                    CodelistItem(
                        coded_value=t.submission_value, decode=crf_decode(t), nci_code=t.code, order=i
                    )
                    for i, t in enumerate(terms, 1)
                ],
            )
        return oid

    def sponsor_list(
        self, form_key: str, variable: str, values: tuple[str, ...] | list[str], test_code: str | None = None
    ) -> str:
        """Given values with no CT codelist behind them, return the OID of a sponsor-defined list."""
        oid = sponsor_codelist_oid(form_key, variable, test_code)
        self.codelists.setdefault(
            oid,
            CRFCodelist(
                oid=oid,
                name=f"{variable} values",
                extensible=None,
                items=[
                    CodelistItem(coded_value=v, decode=_sponsor_decode(v), order=i)
                    for i, v in enumerate(values, 1)
                ],
            ),
        )
        return oid

    def longest_code(self, oid: str | None) -> int:
        """Given a codelist OID, return the length of its longest coded value (0 when unknown)."""
        codelist = self.codelists.get(oid or "")
        return max((len(item.coded_value) for item in codelist.items), default=0) if codelist else 0

    def fit_lengths(self, forms: list[Form]) -> None:
        """Make every coded text item as long as its longest code (CMYN holds 'NA', not one character),
        whichever builder made it."""
        for form in forms:
            for group in form.item_groups:
                for item in group.items:
                    if item.codelist_oid and item.data_type == "text":
                        item.length = max(item.length or 0, self.longest_code(item.codelist_oid)) or None

    def sorted_codelists(self) -> list[CRFCodelist]:
        return [self.codelists[oid] for oid in sorted(self.codelists)]


def _sponsor_decode(value: str) -> str:
    """A sponsor value in capitals (ALIVE, UNEQUIVOCAL PROGRESSION) reads in sentence case; codes stay."""
    if (value == value.upper() and " " in value) or (value.isalpha() and value.isupper() and len(value) > 3):
        return value[:1] + value[1:].lower()
    return value
