"""Measurement units of numeric findings: the units valid for a test, from CT, as ODM MeasurementUnits.

The units a test is recorded in come from `test_units.csv` (each row with its source), checked
against the CT unit codelists (VSRESU for vital signs, UNIT otherwise): a unit CT does not know is
reported, never invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crfgen_core.mapping.content_rules import ContentTables, load_content_tables
from crfgen_core.mapping.oids import slug
from crfgen_core.model.design import MeasurementUnit
from crfgen_core.terminology.ct_index import CTIndex

UNIT_CODELISTS = {"VS": ("VSRESU", "UNIT")}
DEFAULT_UNIT_CODELISTS = ("UNIT",)


@dataclass
class UnitBook:
    """Collects the design's MeasurementUnits, one per unit, keyed by its OID."""

    ct: CTIndex
    tables: ContentTables = field(default_factory=load_content_tables)
    units: dict[str, MeasurementUnit] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def unit_codelist(self, domain: str) -> str:
        """Given a domain, return the CT codelist its result units come from."""
        return UNIT_CODELISTS.get(domain, DEFAULT_UNIT_CODELISTS)[0]

    def units_for(self, domain: str, test_code: str) -> tuple[str, ...]:
        """Given a domain and --TESTCD, return the units it is recorded in (empty: unitless or unknown)."""
        return self.tables.test_units.get((domain, test_code), ())

    def oids_for(self, domain: str, test_code: str) -> list[str]:
        """Given a domain and --TESTCD, return the MeasurementUnit OIDs valid for it (registering them)."""
        oids: list[str] = []
        for name in self.units_for(domain, test_code):
            found = None
            for codelist in UNIT_CODELISTS.get(domain, DEFAULT_UNIT_CODELISTS):
                term = self.ct.term(codelist, name)
                if term is not None:
                    found = (codelist, term)
                    break
            if found is None:
                self.notes.append(f"{domain}.{test_code}: unit '{name}' not in CT {self.ct.ref.version}")
                continue
            codelist, term = found
            oid = f"MU.{slug(term.code)}"
            self.units.setdefault(
                oid, MeasurementUnit(oid=oid, name=name, nci_code=term.code, ct_codelist=codelist)
            )
            oids.append(oid)
        return oids

    def sorted_units(self) -> list[MeasurementUnit]:
        return [self.units[oid] for oid in sorted(self.units)]
