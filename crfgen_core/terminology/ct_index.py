"""Lookup structure over one CT package: codelist and term access are dict lookups."""

from __future__ import annotations

from crfgen_core.model.terminology import Codelist, CTPackage, CTVersionRef, Term


class CTIndex:
    """Given a CTPackage, index codelists by C-code and submission value, terms by (codelist, value)."""

    def __init__(self, package: CTPackage) -> None:
        self.package = package
        self._by_code: dict[str, Codelist] = {}
        self._by_submission_value: dict[str, Codelist] = {}
        self._terms: dict[tuple[str, str], Term] = {}
        for codelist in package.codelists:
            self._by_code[codelist.code] = codelist
            self._by_submission_value.setdefault(codelist.submission_value.upper(), codelist)
            for term in codelist.terms:
                self._terms[(codelist.code, term.submission_value)] = term

    @property
    def ref(self) -> CTVersionRef:
        return self.package.ref

    def codelist(self, code_or_submission_value: str) -> Codelist | None:
        """Given a codelist C-code (C66742) or submission value (NY), return the codelist or None."""
        found = self._by_code.get(code_or_submission_value)
        if found is None:
            found = self._by_submission_value.get(code_or_submission_value.upper())
        return found

    def term(self, codelist: str, submission_value: str) -> Term | None:
        """Given a codelist (code or submission value) and a term submission value, return the term."""
        found = self.codelist(codelist)
        if found is None:
            return None
        return self._terms.get((found.code, submission_value))

    def __len__(self) -> int:
        return len(self._by_code)
