"""COSMoS CRF specializations loaded from the bundled CSV (walking-skeleton version)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

CRF_SPECIALIZATIONS_FILE = "cdisc_crf_specializations_draft.csv"


@dataclass(frozen=True)
class CRFSpecItem:
    """One CDASH item of a COSMoS CRF specialization."""

    crf_group_id: str
    domain: str
    short_name: str
    variable_name: str
    question_text: str
    prompt: str
    data_type: str
    length: int | None
    codelist: str
    order: int
    sdtm_annotation: str


@dataclass
class StandardsLibrary:
    package_date: str
    crf_items: dict[str, list[CRFSpecItem]] = field(default_factory=dict)

    def crf_group(self, group_id: str) -> list[CRFSpecItem]:
        return self.crf_items.get(group_id, [])


@lru_cache(maxsize=1)
def load_bundled_standards() -> StandardsLibrary:
    """Return the COSMoS CRF specializations shipped as package data."""
    raw = resources.files("crfgen_core.standards").joinpath("data", CRF_SPECIALIZATIONS_FILE).read_text("utf-8")
    library = StandardsLibrary(package_date="")
    for row in csv.DictReader(io.StringIO(raw)):
        library.package_date = max(library.package_date, row["package_date"])
        item = CRFSpecItem(
            crf_group_id=row["crf_group_id"],
            domain=row["domain"],
            short_name=row["short_name"],
            variable_name=row["variable_name"],
            question_text=row["question_text"],
            prompt=row["prompt"],
            data_type=row["data_type"],
            length=int(row["length"]) if row["length"].isdigit() else None,
            codelist=row["codelist"],
            order=int(row["order_number"]) if row["order_number"].isdigit() else 0,
            sdtm_annotation=row["sdtm_annotation"],
        )
        library.crf_items.setdefault(item.crf_group_id, []).append(item)
    return library
