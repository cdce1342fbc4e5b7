"""CRF codelists: subsets of the current CT version holding only the terms a form uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from crfgen_core.mapping.oids import ct_codelist_oid, sponsor_codelist_oid
from crfgen_core.model.design import CodelistItem, CRFCodelist
from crfgen_core.terminology.ct_index import CTIndex


@dataclass
class CodelistBook:
    """Collects the design's codelists (one per distinct subset) and the values CT did not know."""

    ct: CTIndex
    codelists: dict[str, CRFCodelist] = field(default_factory=dict)
    unknown_values: list[str] = field(default_factory=list)

    def ct_subset(self, codelist: str, values: list[str] | tuple[str, ...], context: str) -> str | None:
        """Given a CT codelist (code or submission value) and wanted values, return the subset's OID.

        Values absent from this CT version are left out and reported; an empty value list means the
        whole codelist. Returns None when the codelist itself is not in this CT version.
        """
        found = self.ct.codelist(codelist)
        if found is None:
            self.unknown_values.append(f"{context}: codelist {codelist} not in CT {self.ct.ref.version}")
            return None
        wanted = list(values) or [term.submission_value for term in found.terms]
        terms = []
        for value in wanted:
            term = self.ct.term(found.code, value)
            if term is None:
                self.unknown_values.append(
                    f"{context}: '{value}' not in {found.submission_value} (CT {self.ct.ref.version})"
                )
            elif term not in terms:
                terms.append(term)
        if not terms:
            return None
        coded = [term.submission_value for term in terms]
        oid = ct_codelist_oid(found.submission_value, coded, full=len(terms) == len(found.terms))
        if oid not in self.codelists:
            self.codelists[oid] = CRFCodelist(
                oid=oid,
                name=found.name if len(terms) == len(found.terms) else f"{found.name} (subset)",
                nci_code=found.code,
                submission_value=found.submission_value,
                extensible=found.extensible,
                ct_package=self.ct.ref.package,
                ct_version=self.ct.ref.version,
                items=[
                    CodelistItem(
                        coded_value=t.submission_value,
                        decode=t.preferred_term or t.submission_value,
                        nci_code=t.code,
                        order=i,
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
                items=[CodelistItem(coded_value=v, decode=v, order=i) for i, v in enumerate(values, 1)],
            ),
        )
        return oid

    def sorted_codelists(self) -> list[CRFCodelist]:
        return [self.codelists[oid] for oid in sorted(self.codelists)]
