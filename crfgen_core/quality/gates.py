"""The blocking gates before publication, in one place: what `crf-gen generate` and Dagster both run.

Each gate belongs to the stage output it judges (the parsed protocol, the CRF design, the ODM file).
Dagster declares them as blocking asset checks on those assets; the command line runs them in order
and publishes nothing when one fails. Both read the same `GATES` table and the same functions, so the
command line can never publish what Dagster refuses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from crfgen_core.ingest.soa_size import MIN_SOA_ACTIVITIES, MIN_SOA_VISITS, soa_size
from crfgen_core.model.design import CRFDesign
from crfgen_core.model.protocol import ParsedProtocol
from crfgen_core.quality.gx_suites import DEFAULT_COVERAGE_THRESHOLD, run_design_suites
from crfgen_core.quality.gx_worker import GXWorker
from crfgen_core.quality.odm_xsd import odm_xsd_errors
from crfgen_core.quality.redcap_project_rules import check_redcap_project
from crfgen_core.quality.redcap_rules import check_redcap_dictionary
from crfgen_core.terminology.ct_index import CTIndex

GateStage = Literal["parsed_protocol", "crf_design", "odm_xml", "redcap_dictionary"]
REDCAP_DICTIONARY_FILE = "redcap_data_dictionary.csv"
MAX_PRINTED_FAILURES = 20


@dataclass(frozen=True)
class GateSpec:
    """One blocking gate: its name, the asset whose output it judges, and the rule in words."""

    name: str
    stage: GateStage
    description: str


@dataclass(frozen=True)
class GateResult:
    """One gate's verdict; `failures` are the offending rows, `metadata` what a reviewer reads beside."""

    name: str
    stage: GateStage
    passed: bool
    description: str
    rows_checked: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    observed: str = ""
    metadata: dict[str, str | int] = field(default_factory=dict)


GATES: tuple[GateSpec, ...] = (
    GateSpec(
        "soa_found",
        "parsed_protocol",
        f"At least one Schedule of Activities with visits, activities and marked cells; at least "
        f"{MIN_SOA_ACTIVITIES} activities and {MIN_SOA_VISITS} visits over all schedules.",
    ),
    GateSpec("item_oids_unique_not_null", "crf_design", "Item OIDs are present and each is defined once."),
    GateSpec(
        "item_data_types_allowed", "crf_design", "Item data types are in the ODM set the renderers support."
    ),
    GateSpec(
        "cdash_names_well_formed",
        "crf_design",
        "CDASH variable names are upper case, letter first, at most 8 characters (TESTCD_ prefix allowed).",
    ),
    GateSpec(
        "codelist_terms_in_ct",
        "crf_design",
        "Every term of a CT-linked codelist exists in the recorded CT version.",
    ),
    GateSpec(
        "mapping_coverage",
        "crf_design",
        "The share of mapped SoA activities reaches the configured threshold.",
    ),
    GateSpec("odm_xsd_valid", "odm_xml", "odm.xml validates against the official CDISC ODM 1.3.2 XSD."),
    GateSpec(
        "redcap_importable",
        "redcap_dictionary",
        "The REDCap dictionary, arms, events, instrument-event mapping and repeating set-up break no "
        "REDCap import rule (errors block, warnings are listed).",
    ),
)


class GatesFailedError(Exception):
    """A blocking gate failed: nothing may be published. Carries every result, failed or not."""

    def __init__(self, results: list[GateResult]) -> None:
        self.results = results
        failed = [r.name for r in results if not r.passed]
        super().__init__(f"blocking gate(s) failed: {', '.join(failed)}")

    @property
    def failed(self) -> list[GateResult]:
        return [r for r in self.results if not r.passed]


def gate_specs(stage: GateStage) -> list[GateSpec]:
    """Given a stage, return its gates in table order."""
    return [spec for spec in GATES if spec.stage == stage]


def _spec(name: str) -> GateSpec:
    return next(spec for spec in GATES if spec.name == name)


def protocol_gates(parsed: ParsedProtocol) -> list[GateResult]:
    """Given a parsed protocol, return the verdicts of the gates on it (a CRF needs a real SoA).

    An SoA that is missing, has an empty schedule, or is too small over all its schedules (see
    crfgen_core.ingest.soa_size) fails: a near-empty CRF must never be published silently.
    """
    problems = [
        f"{s.id} ({s.title}): {len(s.visits)} visits, {len(s.activities)} activities, {len(s.cells)} cells"
        for s in parsed.schedules
        if not (s.visits and s.activities and s.cells)
    ]
    size = soa_size(parsed.schedules)
    if parsed.schedules and size.too_small:
        problems.append(size.shortfall())
    passed = bool(parsed.schedules) and not problems
    reasons = (problems or ["no Schedule of Activities table found"]) if not passed else []
    spec = _spec("soa_found")
    return [
        GateResult(
            spec.name,
            spec.stage,
            passed,
            spec.description,
            rows_checked=len(parsed.schedules),
            failures=[{"rule": "schedule", "reason": reason} for reason in reasons],
            metadata={
                "schedules": len(parsed.schedules),
                "activities": size.activities,
                "visits": size.visits,
                "warnings": "\n".join(f"- {w.code}: {w.message}" for w in parsed.warnings) or "none",
            },
        )
    ]


def design_gates(
    design: CRFDesign,
    ct: CTIndex,
    coverage_threshold: float = DEFAULT_COVERAGE_THRESHOLD,
    worker: GXWorker | None = None,
) -> list[GateResult]:
    """Given a design and the CT version it recorded, return the verdicts of the GX suites (run in
    `worker`'s process when given, else in this one)."""
    outcomes = (
        worker.run_design_suites(design, ct, coverage_threshold)
        if worker is not None
        else run_design_suites(design, ct, coverage_threshold=coverage_threshold)
    )
    results = []
    for outcome in outcomes:
        spec = _spec(outcome.name)
        results.append(
            GateResult(
                spec.name,
                spec.stage,
                outcome.success,
                spec.description,
                rows_checked=outcome.rows_checked,
                failures=outcome.failures,
                observed=outcome.observed,
            )
        )
    return results


def odm_gates(odm_path: Path) -> list[GateResult]:
    """Given a written odm.xml, return the verdict of the official XSD."""
    errors = odm_xsd_errors(odm_path)
    spec = _spec("odm_xsd_valid")
    return [
        GateResult(
            spec.name,
            spec.stage,
            not errors,
            spec.description,
            rows_checked=1,
            failures=[{"rule": "xsd", "error": error} for error in errors],
            metadata={"file": str(odm_path)},
        )
    ]


def redcap_gates(directory: Path) -> list[GateResult]:
    """Given the folder holding the REDCap dictionary and project files, return the import-rule verdict."""
    dictionary = directory / REDCAP_DICTIONARY_FILE
    issues = [*check_redcap_dictionary(dictionary), *check_redcap_project(directory, dictionary)]
    errors = [i for i in issues if i.severity == "error"]
    spec = _spec("redcap_importable")
    return [
        GateResult(
            spec.name,
            spec.stage,
            not errors,
            spec.description,
            rows_checked=1,
            failures=[
                {"rule": i.rule, "line": str(i.line), "field": i.field, "error": i.message} for i in errors
            ],
            metadata={
                "warnings": "\n".join(f"- {i}" for i in issues if i.severity == "warning") or "none",
            },
        )
    ]


def raise_if_failed(results: list[GateResult]) -> None:
    """Raise GatesFailedError when any result failed."""
    if any(not r.passed for r in results):
        raise GatesFailedError(results)


def failure_report(results: list[GateResult], limit: int = MAX_PRINTED_FAILURES) -> str:
    """Given gate results, return the failed gates with their first failing rows, for a terminal."""
    lines: list[str] = []
    for result in results:
        if result.passed:
            continue
        observed = f" (observed {result.observed})" if result.observed else ""
        lines.append(f"gate {result.name} FAILED on {result.stage}{observed}: {result.description}")
        for row in result.failures[:limit]:
            lines.append("  - " + ", ".join(f"{k}={v}" for k, v in row.items() if v))
        if len(result.failures) > limit:
            lines.append(f"  ... {len(result.failures) - limit} more row(s)")
    return "\n".join(lines)
