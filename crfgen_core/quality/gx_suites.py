"""Great Expectations 1.x suites over the CRF design tables: the gates before publication.

Each suite turns one part of the design into a flat table (item definitions, codelist terms, SoA
mappings) and validates it with GX; a failure comes back row by row so a reviewer sees which item,
term or activity is wrong. GX is imported lazily: its import is slow, switches on
`logging.captureWarnings` (undone here) and prints progress bars (switched off here).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any, get_args

import pandas as pd

from crfgen_core.model.design import CRFDesign, OdmDataType
from crfgen_core.terminology.ct_index import CTIndex

ALLOWED_DATA_TYPES = sorted(get_args(OdmDataType))
# CDASH variable names: SAS V5 rules (upper case, letter first, at most 8 characters); a horizontal
# test-per-item layout prefixes the --TESTCD (CDASHIG: SYSBP_VSORRES), each part following the same rules.
CDASH_NAME_PATTERN = r"^(?:[A-Z][A-Z0-9]{0,7}_)?[A-Z][A-Z0-9]{0,7}$"
DEFAULT_COVERAGE_THRESHOLD = 0.5
MAX_FAILURE_ROWS = 200


@dataclass(frozen=True)
class SuiteOutcome:
    """One suite's verdict; `failures` holds the offending rows (at most MAX_FAILURE_ROWS)."""

    name: str
    description: str
    success: bool
    rows_checked: int
    failures: list[dict[str, str]] = field(default_factory=list)
    observed: str = ""


def item_table(design: CRFDesign) -> pd.DataFrame:
    """Given a design, return one row per distinct item definition (an item reused verbatim counts once)."""
    rows: dict[str, dict[str, Any]] = {}
    for form in design.forms:
        for group in form.item_groups:
            for item in group.items:
                key = item.model_dump_json()
                rows.setdefault(
                    key,
                    {
                        "form": form.oid,
                        "item_group": group.oid,
                        "oid": item.oid or None,
                        "name": item.name,
                        "data_type": item.data_type,
                    },
                )
    return pd.DataFrame(list(rows.values()), columns=["form", "item_group", "oid", "name", "data_type"])


def codelist_term_table(design: CRFDesign, ct: CTIndex) -> tuple[pd.DataFrame, list[str]]:
    """Given a design and CT, return its CT-linked codelist terms and the valid `code|value|version` keys."""
    rows: list[dict[str, Any]] = []
    valid: set[str] = set()
    for codelist in design.codelists:
        if codelist.nci_code is None and codelist.ct_package is None:
            continue  # sponsor-defined codelist: not claimed to come from CT
        ct_codelist = ct.codelist(codelist.nci_code or codelist.submission_value or codelist.name)
        code = ct_codelist.code if ct_codelist else (codelist.nci_code or "?")
        if ct_codelist is not None:
            valid.update(f"{code}|{t.submission_value}|{ct.ref.version}" for t in ct_codelist.terms)
        for item in codelist.items:
            rows.append(
                {
                    "codelist": codelist.oid,
                    "codelist_code": code,
                    "term": item.coded_value,
                    "ct_version": codelist.ct_version or "",
                    "key": f"{code}|{item.coded_value}|{codelist.ct_version or ''}",
                }
            )
    frame = pd.DataFrame(rows, columns=["codelist", "codelist_code", "term", "ct_version", "key"])
    return frame, sorted(valid)


def mapping_table(design: CRFDesign) -> pd.DataFrame:
    """Given a design, return one row per SoA activity with `mapped` 1 (data or procedure) or 0."""
    rows = [
        {
            "activity": m.activity,
            "schedule": m.schedule,
            "kind": m.kind,
            "reason": m.reason,
            "mapped": 0 if m.kind == "unmapped" else 1,
        }
        for m in design.mappings
    ]
    return pd.DataFrame(rows, columns=["activity", "schedule", "kind", "reason", "mapped"])


def import_gx() -> Any:
    """Import GX with analytics and progress bars off, and give Python warnings back to their owner."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("TQDM_DISABLE", "1")
    import great_expectations as gx

    logging.captureWarnings(False)
    return gx


def _validate(gx: Any, context: Any, name: str, frame: pd.DataFrame, expectations: list[Any]) -> Any:
    asset = context.data_sources.get("crfgen").add_dataframe_asset(name=name)
    batch = asset.add_batch_definition_whole_dataframe(name).get_batch(batch_parameters={"dataframe": frame})
    suite = gx.ExpectationSuite(name=name)
    for expectation in expectations:
        suite.add_expectation(expectation)
    return batch.validate(suite, result_format="COMPLETE")


def _row_failures(result: Any, frame: pd.DataFrame, columns: list[str]) -> list[dict[str, str]]:
    failures: list[dict[str, str]] = []
    for expectation in result.results:
        if expectation.success:
            continue
        rule = str(expectation.expectation_config.type)
        for index in (expectation.result.get("unexpected_index_list") or [])[:MAX_FAILURE_ROWS]:
            row = frame.loc[index]
            failures.append(
                {
                    "rule": rule,
                    "row": str(index),
                    **{c: "" if pd.isna(row[c]) else str(row[c]) for c in columns},
                }
            )
        if not expectation.result.get("unexpected_index_list"):
            failures.append(
                {"rule": rule, "row": "-", "observed": str(expectation.result.get("observed_value"))}
            )
    return failures[:MAX_FAILURE_ROWS]


@dataclass(frozen=True)
class DesignTables:
    """What the suites read of a design and its CT: small enough to hand to another process."""

    items: pd.DataFrame
    terms: pd.DataFrame
    valid_keys: list[str]
    mappings: pd.DataFrame
    ct_label: str


def design_tables(design: CRFDesign, ct: CTIndex) -> DesignTables:
    """Given a design and the CT version it recorded, return the tables the suites validate."""
    terms, valid_keys = codelist_term_table(design, ct)
    return DesignTables(
        items=item_table(design),
        terms=terms,
        valid_keys=valid_keys,
        mappings=mapping_table(design),
        ct_label=f"{ct.ref.package} {ct.ref.version}",
    )


def run_design_suites(
    design: CRFDesign, ct: CTIndex, *, coverage_threshold: float = DEFAULT_COVERAGE_THRESHOLD
) -> list[SuiteOutcome]:
    """Given a design and the CT version it recorded, run every suite and return one outcome per suite."""
    return run_table_suites(design_tables(design, ct), coverage_threshold=coverage_threshold)


def run_table_suites(
    tables: DesignTables, *, coverage_threshold: float = DEFAULT_COVERAGE_THRESHOLD
) -> list[SuiteOutcome]:
    """Given a design's tables, run every suite and return one outcome per suite."""
    gx = import_gx()
    context = gx.get_context(mode="ephemeral")
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.data_sources.add_pandas("crfgen")
    e = gx.expectations
    items, terms, valid_keys, mappings = tables.items, tables.terms, tables.valid_keys, tables.mappings
    plans: list[tuple[str, str, pd.DataFrame, list[Any], list[str]]] = [
        (
            "item_oids_unique_not_null",
            "every item OID is present and defined once",
            items,
            [e.ExpectColumnValuesToNotBeNull(column="oid"), e.ExpectColumnValuesToBeUnique(column="oid")],
            ["form", "item_group", "oid", "name"],
        ),
        (
            "item_data_types_allowed",
            f"item data types are in {ALLOWED_DATA_TYPES}",
            items,
            [e.ExpectColumnValuesToBeInSet(column="data_type", value_set=ALLOWED_DATA_TYPES)],
            ["oid", "name", "data_type"],
        ),
        (
            "cdash_names_well_formed",
            f"CDASH variable names match {CDASH_NAME_PATTERN}",
            items,
            [e.ExpectColumnValuesToMatchRegex(column="name", regex=CDASH_NAME_PATTERN)],
            ["oid", "name"],
        ),
        (
            "codelist_terms_in_ct",
            f"every CT-linked codelist term exists in {tables.ct_label}",
            terms,
            [e.ExpectColumnValuesToBeInSet(column="key", value_set=valid_keys)],
            ["codelist", "codelist_code", "term", "ct_version"],
        ),
        (
            "mapping_coverage",
            f"share of SoA activities mapped is at least {coverage_threshold:.0%}",
            mappings,
            [e.ExpectColumnMeanToBeBetween(column="mapped", min_value=coverage_threshold, max_value=1.0)],
            ["activity", "schedule", "reason"],
        ),
    ]
    outcomes: list[SuiteOutcome] = []
    for name, description, frame, expectations, columns in plans:
        result = _validate(gx, context, name, frame, expectations)
        failures = _row_failures(result, frame, columns)
        if name == "mapping_coverage" and not result.success:
            failures = [
                {
                    "rule": "unmapped activity",
                    "row": str(i),
                    "activity": str(r.activity),
                    "schedule": str(r.schedule),
                    "reason": str(r.reason),
                }
                for i, r in frame[frame["mapped"] == 0].iterrows()
            ][:MAX_FAILURE_ROWS] or failures
        observed = ""
        if name == "mapping_coverage":
            observed = f"{frame['mapped'].mean():.2f}" if len(frame) else "no activities"
        outcomes.append(
            SuiteOutcome(
                name=name,
                description=description,
                success=bool(result.success),
                rows_checked=len(frame),
                failures=failures,
                observed=observed,
            )
        )
    return outcomes
