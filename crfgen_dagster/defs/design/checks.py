"""Blocking Great Expectations gates on the CRF design tables (declared on crf_design)."""

import dagster as dg

from crfgen_core.model.design import CRFDesign
from crfgen_core.quality.gx_suites import SuiteOutcome, run_design_suites
from crfgen_core.terminology.ct_index import CTIndex

SUITE_DESCRIPTIONS = {
    "item_oids_unique_not_null": "Item OIDs are present and each is defined once.",
    "item_data_types_allowed": "Item data types are in the ODM set the renderers support.",
    "cdash_names_well_formed": "CDASH variable names are upper case, letter first, at most 8 characters.",
    "codelist_terms_in_ct": "Every term of a CT-linked codelist exists in the recorded CT version.",
    "mapping_coverage": "The share of mapped SoA activities reaches the configured threshold.",
}
design_check_specs = [
    dg.AssetCheckSpec(name, asset="crf_design", blocking=True, description=text)
    for name, text in SUITE_DESCRIPTIONS.items()
]


def _table(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "none"
    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row.get(c, "").replace("|", "\\|") for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def _result(outcome: SuiteOutcome) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        check_name=outcome.name,
        passed=outcome.success,
        metadata={
            "rule": outcome.description,
            "rows_checked": outcome.rows_checked,
            "failed_rows": len(outcome.failures),
            "observed": outcome.observed or "-",
            "failures": dg.MetadataValue.md(_table(outcome.failures)),
        },
    )


def design_check_results(
    design: CRFDesign, ct: CTIndex, coverage_threshold: float
) -> list[dg.AssetCheckResult]:
    """Given a design and its CT, run the GX suites; one check result per suite, failures row by row."""
    return [_result(o) for o in run_design_suites(design, ct, coverage_threshold=coverage_threshold)]
