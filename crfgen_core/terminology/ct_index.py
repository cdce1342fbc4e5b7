"""Lookup structure over one CT package version: codelist and term access are dict lookups.

Readers hand over plain rows in the NCI EVS tab layout (trusted, already checked) so that loading the
43,698-term SDTM file does not validate one pydantic model per term; the pydantic models (`Codelist`,
`Term`, `CTPackage`) are built on demand at the boundary and cached.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from crfgen_core.model.terminology import Codelist, CTPackage, CTVersionRef, Term

# One row in NCI EVS tab column order:
# code, codelist code ("" for a codelist), extensible, name, submission value, synonyms ("; "),
# definition, NCI preferred term.
CTRow = Sequence[str]
CODE, PARENT, EXTENSIBLE, NAME, VALUE, SYNONYMS, DEFINITION, PREFERRED = range(8)
ROW_WIDTH = 8


def split_synonyms(raw: str) -> list[str]:
    return [s.strip() for s in raw.split(";") if s.strip()]


class CTIndex:
    """One CT package version: codelists by C-code and submission value, terms by (codelist, value)."""

    def __init__(self, package: CTPackage) -> None:
        rows: list[CTRow] = []
        for codelist in package.codelists:
            rows.append(_codelist_row(codelist))
            rows.extend(_term_row(codelist.code, term) for term in codelist.terms)
        self._init_rows(package.package, package.version, package.source, package.sha256, rows)
        self._package: CTPackage | None = package

    @classmethod
    def from_rows(
        cls, package: str, version: str, source: str, sha256: str, rows: Sequence[CTRow]
    ) -> CTIndex:
        """Given trusted rows (codelist rows before or after their terms), return the index."""
        index = cls.__new__(cls)
        index._init_rows(package, version, source, sha256, rows)
        index._package = None
        return index

    def _init_rows(self, package: str, version: str, source: str, sha256: str, rows: Sequence[CTRow]) -> None:
        self.package_name = package
        self.version = version
        self.source = source
        self.sha256 = sha256
        self._rows = rows
        codelists: dict[str, CTRow] = {}
        terms: dict[tuple[str, str], CTRow] = {}
        for row in rows:
            parent = row[PARENT]
            if parent:
                terms[(parent, row[VALUE])] = row
            else:
                codelists[row[CODE]] = row
        self._codelist_rows = codelists
        self._term_rows = terms
        self._by_submission_value: dict[str, str] = {}
        for code, row in codelists.items():
            self._by_submission_value.setdefault(row[VALUE].upper(), code)
        self._members: dict[str, list[CTRow]] | None = None
        self._codelist_models: dict[str, Codelist] = {}
        self._term_models: dict[tuple[str, str], Term] = {}

    @property
    def ref(self) -> CTVersionRef:
        return CTVersionRef(package=self.package_name, version=self.version, sha256=self.sha256)

    @property
    def package(self) -> CTPackage:
        """The whole package as the pydantic contract (built once, on first use)."""
        if self._package is None:
            self._package = CTPackage.model_construct(
                package=self.package_name,
                version=self.version,
                source=self.source,
                sha256=self.sha256,
                codelists=[self._codelist_model(code) for code in self._codelist_rows],
            )
        return self._package

    @property
    def codelist_count(self) -> int:
        return len(self._codelist_rows)

    @property
    def term_count(self) -> int:
        return len(self._term_rows)

    def codelist_code(self, code_or_submission_value: str) -> str | None:
        """Given a codelist C-code (C66742) or submission value (NY), return its C-code or None."""
        if code_or_submission_value in self._codelist_rows:
            return code_or_submission_value
        return self._by_submission_value.get(code_or_submission_value.upper())

    def codelist(self, code_or_submission_value: str) -> Codelist | None:
        """Given a codelist C-code (C66742) or submission value (NY), return the codelist or None."""
        code = self.codelist_code(code_or_submission_value)
        return None if code is None else self._codelist_model(code)

    def term(self, codelist: str, submission_value: str) -> Term | None:
        """Given a codelist (code or submission value) and a term submission value, return the term."""
        code = self.codelist_code(codelist)
        if code is None:
            return None
        key = (code, submission_value)
        return self._term_model(key) if key in self._term_rows else None

    def _term_model(self, key: tuple[str, str]) -> Term:
        found = self._term_models.get(key)
        if found is None:
            found = self._term_models[key] = _term_model(self._term_rows[key])
        return found

    def codelist_rows(self) -> Iterator[CTRow]:
        return iter(self._codelist_rows.values())

    def term_rows(self, codelist_code: str) -> list[CTRow]:
        """Given a codelist C-code, return its term rows in publication order."""
        return self._member_rows().get(codelist_code, [])

    def all_rows(self) -> Sequence[CTRow]:
        return self._rows

    def _member_rows(self) -> dict[str, list[CTRow]]:
        if self._members is None:
            members: dict[str, list[CTRow]] = {code: [] for code in self._codelist_rows}
            for row in self._term_rows.values():
                members[row[PARENT]].append(row)
            self._members = members
        return self._members

    def _codelist_model(self, code: str) -> Codelist:
        found = self._codelist_models.get(code)
        if found is None:
            row = self._codelist_rows[code]
            found = Codelist.model_construct(
                code=row[CODE],
                name=row[NAME],
                submission_value=row[VALUE],
                extensible=row[EXTENSIBLE].strip().lower() == "yes",
                synonyms=split_synonyms(row[SYNONYMS]),
                definition=row[DEFINITION],
                preferred_term=row[PREFERRED],
                terms=[self._term_model((code, term[VALUE])) for term in self.term_rows(code)],
            )
            self._codelist_models[code] = found
        return found

    def __len__(self) -> int:
        return len(self._codelist_rows)


def _term_model(row: CTRow) -> Term:
    return Term.model_construct(
        code=row[CODE],
        submission_value=row[VALUE],
        synonyms=split_synonyms(row[SYNONYMS]),
        definition=row[DEFINITION],
        preferred_term=row[PREFERRED],
    )


def _codelist_row(codelist: Codelist) -> CTRow:
    extensible = "Yes" if codelist.extensible else "No"
    return (
        codelist.code,
        "",
        extensible,
        codelist.name,
        codelist.submission_value,
        "; ".join(codelist.synonyms),
        codelist.definition,
        codelist.preferred_term,
    )


def _term_row(parent: str, term: Term) -> CTRow:
    return (
        term.code,
        parent,
        "",
        "",
        term.submission_value,
        "; ".join(term.synonyms),
        term.definition,
        term.preferred_term,
    )
