"""The COSMoS standards library: biomedical concepts, SDTM and CRF specializations, with lookups."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from crfgen_core.standards.bc_models import (
    BiomedicalConcept,
    CRFSpecialization,
    CRFSpecItem,
    DataElementConcept,
    SdtmVariableSpec,
)

BC_FILE = "cdisc_biomedical_concepts_latest.csv"
BC_HIERARCHY_FILE = "cdisc_biomedical_concepts_hierarchy_latest.csv"
SDTM_SPECIALIZATIONS_FILE = "cdisc_sdtm_dataset_specializations_latest.csv"
CRF_SPECIALIZATIONS_FILE = "cdisc_crf_specializations_draft.csv"
# Corrections to the draft CRF specializations, each with its reason; applied only while the draft still
# holds the wrong value, so a corrected COSMoS release wins.
CRF_ERRATA_FILE = "cosmos_crf_errata.csv"


def name_key(text: str) -> str:
    """Given a concept name or synonym, return the key it is looked up by (lower case, words only)."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _int(value: str) -> int | None:
    try:
        return int(float(value))
    except ValueError:
        return None


@dataclass
class StandardsLibrary:
    """COSMoS content indexed by concept id, name/synonym and CRF group id."""

    package_date: str
    bc_package_date: str = ""
    sdtm_package_date: str = ""
    sha256: str = ""
    concepts: dict[str, BiomedicalConcept] = field(default_factory=dict)
    crf_groups: dict[str, CRFSpecialization] = field(default_factory=dict)
    sdtm_specs: dict[str, tuple[SdtmVariableSpec, ...]] = field(default_factory=dict)
    _by_name: dict[str, list[str]] = field(default_factory=dict)
    _crf_by_bc: dict[str, list[str]] = field(default_factory=dict)
    _sdtm_by_bc: dict[str, list[str]] = field(default_factory=dict)

    def concept(self, bc_id: str) -> BiomedicalConcept | None:
        """Given a concept C-code, return the concept or None."""
        return self.concepts.get(bc_id)

    def concepts_named(self, name: str) -> list[BiomedicalConcept]:
        """Given a name or synonym (any case/punctuation), return the concepts that carry it, by id."""
        return [self.concepts[bc] for bc in self._by_name.get(name_key(name), [])]

    def name_keys(self) -> dict[str, list[str]]:
        """Return every name/synonym key and the concept ids it points to (for fuzzy matching)."""
        return self._by_name

    def crf_group(self, group_id: str) -> CRFSpecialization | None:
        return self.crf_groups.get(group_id)

    def crf_groups_for(self, bc_id: str) -> list[CRFSpecialization]:
        """Given a concept id, return its CRF specializations in file order."""
        return [self.crf_groups[g] for g in self._crf_by_bc.get(bc_id, [])]

    def sdtm_domains_for(self, bc_id: str) -> list[str]:
        """Given a concept id, return the SDTM domains its dataset specializations target, sorted."""
        return sorted({spec.domain for g in self._sdtm_by_bc.get(bc_id, []) for spec in self.sdtm_specs[g]})

    def test_code_for(self, bc_id: str, domain: str) -> str | None:
        """Given a concept and domain, return the --TESTCD its SDTM or CRF specialization assigns."""
        for group_id in self._sdtm_by_bc.get(bc_id, []):
            for spec in self.sdtm_specs[group_id]:
                if spec.domain == domain and spec.variable == f"{domain}TESTCD" and spec.assigned_value:
                    return spec.assigned_value
        return next(
            (g.test_code for g in self.crf_groups_for(bc_id) if g.domain == domain and g.test_code), None
        )

    def crf_group_for_test(self, domain: str, test_code: str) -> CRFSpecialization | None:
        """Given a domain and --TESTCD, return the denormalized CRF group for it (normalized as fallback)."""
        found: CRFSpecialization | None = None
        for group in self.crf_groups.values():
            if group.domain != domain or group.test_code != test_code:
                continue
            if group.crf_group_id.endswith("_DENORMALIZED"):
                return group
            found = found or group
        return found


def _read(name: str) -> tuple[str, bytes]:
    raw = resources.files("crfgen_core.standards").joinpath("data", name).read_bytes()
    return raw.decode("utf-8-sig"), raw


def _load_concepts(library: StandardsLibrary, text: str, hierarchy: str) -> None:
    decs: dict[str, list[DataElementConcept]] = defaultdict(list)
    rows: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        library.bc_package_date = max(library.bc_package_date, row["package_date"])
        rows.setdefault(row["bc_id"], row)
        if row["dec_id"]:
            decs[row["bc_id"]].append(
                DataElementConcept(
                    row["dec_id"], row["dec_label"], row["data_type"], _split(row["example_set"])
                )
            )
    for row in csv.DictReader(io.StringIO(hierarchy)):
        rows.setdefault(
            row["bc_id"],
            {
                "short_name": row["bc_short_name"],
                "bc_id": row["bc_id"],
                "ncit_code": row["bc_id"],
                "parent_bc_id": row["parent_bc_id"],
                "bc_categories": row["bc_categories"],
                "synonyms": row["bc_synonyms"],
                "result_scales": row["result_scales"],
                "definition": row["bc_definition"],
            },
        )
    for bc_id, row in rows.items():
        concept = BiomedicalConcept(
            bc_id=bc_id,
            ncit_code=row["ncit_code"],
            short_name=row["short_name"],
            parent_bc_id=row["parent_bc_id"],
            categories=_split(row["bc_categories"]),
            synonyms=_split(row["synonyms"]),
            result_scales=_split(row["result_scales"]),
            definition=row["definition"],
            decs=tuple(decs.get(bc_id, ())),
        )
        library.concepts[bc_id] = concept
        for name in (concept.short_name, *concept.synonyms):
            ids = library._by_name.setdefault(name_key(name), [])
            if bc_id not in ids:
                ids.append(bc_id)


Errata = dict[str, list[tuple[str, str, str]]]  # crf_item -> (field, draft value, corrected value)


def _errata(text: str) -> Errata:
    errata: Errata = defaultdict(list)
    for row in csv.DictReader(io.StringIO(text)):
        errata[row["crf_item"]].append((row["field"], row["draft_value"], row["corrected_value"]))
    return errata


def _corrected(row: dict[str, str], errata: Errata) -> dict[str, str]:
    fixed = dict(row)
    for name, draft, corrected in errata.get(row["crf_item"], ()):
        if fixed.get(name) == draft:
            fixed[name] = corrected
    return fixed


def _load_crf(library: StandardsLibrary, text: str, errata_text: str) -> None:
    items: dict[str, list[CRFSpecItem]] = defaultdict(list)
    heads: dict[str, dict[str, str]] = {}
    errata = _errata(errata_text)
    for raw_row in csv.DictReader(io.StringIO(text)):
        row = _corrected(raw_row, errata)
        library.package_date = max(library.package_date, row["package_date"])
        heads.setdefault(row["crf_group_id"], row)
        items[row["crf_group_id"]].append(
            CRFSpecItem(
                crf_group_id=row["crf_group_id"],
                bc_id=row["bc_id"],
                domain=row["domain"],
                short_name=row["short_name"],
                variable_name=row["crf_item"]
                if "_" not in row["crf_item"] and row["crf_item"]
                else row["variable_name"],
                question_text=row["question_text"],
                prompt=row["prompt"],
                order=_int(row["order_number"]) or 0,
                mandatory=row["mandatory_variable"] == "Y",
                data_type=row["data_type"],
                length=_int(row["length"]),
                significant_digits=_int(row["significant_digits"]),
                hidden=row["display_hidden"] == "Y",
                codelist=row["codelist"],
                codelist_submission_value=row["codelist_submission_value"],
                value_list=_split(row["value_list"]),
                prepopulated_term=row["prepopulated_term"],
                prepopulated_code=row["prepopulated_code"],
                sdtm_target=row["sdtm_target_variable"],
                sdtm_annotation=row["sdtm_annotation"],
            )
        )
    for group_id, head in heads.items():
        ordered = tuple(sorted(items[group_id], key=lambda item: item.order))
        library.crf_groups[group_id] = CRFSpecialization(
            group_id,
            head["bc_id"],
            head["domain"],
            head["short_name"],
            head["implementation_option"],
            ordered,
        )
        library._crf_by_bc.setdefault(head["bc_id"], []).append(group_id)


def _load_sdtm(library: StandardsLibrary, text: str) -> None:
    specs: dict[str, list[SdtmVariableSpec]] = defaultdict(list)
    for row in csv.DictReader(io.StringIO(text)):
        library.sdtm_package_date = max(library.sdtm_package_date, row["package_date"])
        specs[row["vlm_group_id"]].append(
            SdtmVariableSpec(
                vlm_group_id=row["vlm_group_id"],
                bc_id=row["bc_id"],
                domain=row["domain"],
                short_name=row["short_name"],
                variable=row["sdtm_variable"],
                codelist=row["codelist"],
                codelist_submission_value=row["codelist_submission_value"],
                value_list=_split(row["value_list"]),
                assigned_term=row["assigned_term"],
                assigned_value=row["assigned_value"],
                role=row["role"],
                data_type=row["data_type"],
                mandatory=row["mandatory_variable"] == "Y",
            )
        )
    for group_id, group in specs.items():
        library.sdtm_specs[group_id] = tuple(group)
        library._sdtm_by_bc.setdefault(group[0].bc_id, []).append(group_id)


@lru_cache(maxsize=1)
def load_bundled_standards() -> StandardsLibrary:
    """Return the COSMoS snapshot shipped as package data (parsed once per process)."""
    digest = hashlib.sha256()
    texts: dict[str, str] = {}
    for name in (
        BC_FILE, BC_HIERARCHY_FILE, SDTM_SPECIALIZATIONS_FILE, CRF_SPECIALIZATIONS_FILE, CRF_ERRATA_FILE
    ):
        texts[name], raw = _read(name)
        digest.update(raw)
    library = StandardsLibrary(package_date="", sha256=digest.hexdigest())
    _load_concepts(library, texts[BC_FILE], texts[BC_HIERARCHY_FILE])
    _load_crf(library, texts[CRF_SPECIALIZATIONS_FILE], texts[CRF_ERRATA_FILE])
    _load_sdtm(library, texts[SDTM_SPECIALIZATIONS_FILE])
    return library
