"""Typed records of the COSMoS export: biomedical concepts and their SDTM and CRF specializations."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataElementConcept:
    """One DEC of a biomedical concept (what a result, unit or specimen of the concept is)."""

    dec_id: str
    label: str
    data_type: str
    example_set: tuple[str, ...]


@dataclass(frozen=True)
class BiomedicalConcept:
    """One COSMoS biomedical concept, identified by its NCIt C-code."""

    bc_id: str
    ncit_code: str
    short_name: str
    parent_bc_id: str
    categories: tuple[str, ...]
    synonyms: tuple[str, ...]
    result_scales: tuple[str, ...]
    definition: str
    decs: tuple[DataElementConcept, ...]


@dataclass(frozen=True)
class SdtmVariableSpec:
    """One variable of an SDTM dataset specialization (value-level metadata for one concept)."""

    vlm_group_id: str
    bc_id: str
    domain: str
    short_name: str
    variable: str
    codelist: str
    codelist_submission_value: str
    value_list: tuple[str, ...]
    assigned_term: str
    assigned_value: str
    role: str
    data_type: str
    mandatory: bool


@dataclass(frozen=True)
class CRFSpecItem:
    """One CDASH item of a COSMoS CRF specialization, in CDASHIG wording."""

    crf_group_id: str
    bc_id: str
    domain: str
    short_name: str
    variable_name: str  # CDASH item name: crf_item when it is a plain name, else variable_name
    question_text: str
    prompt: str
    order: int
    mandatory: bool
    data_type: str
    length: int | None
    significant_digits: int | None
    hidden: bool
    codelist: str
    codelist_submission_value: str
    value_list: tuple[str, ...]
    prepopulated_term: str
    prepopulated_code: str
    sdtm_target: str
    sdtm_annotation: str


@dataclass(frozen=True)
class CRFSpecialization:
    """One COSMoS CRF group: the items a form collects for one concept (e.g. SYSBP_DENORMALIZED)."""

    crf_group_id: str
    bc_id: str
    domain: str
    short_name: str
    implementation_option: str
    items: tuple[CRFSpecItem, ...]

    @property
    def test_code(self) -> str | None:
        """The --TESTCD this group is bound to, read from its annotation ('... when VSTESTCD = SYSBP')."""
        for item in self.items:
            marker = f"{self.domain}TESTCD = "
            if marker in item.sdtm_annotation:
                return item.sdtm_annotation.split(marker, 1)[1].split()[0].strip(";,")
        return None
