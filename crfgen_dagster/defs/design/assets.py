"""Design: the CRF (events, forms, items, codelists) built from the protocol, CT and standards."""

from collections import Counter
from collections.abc import Iterator

import dagster as dg

from crfgen_core.mapping.design_builder import RULE_SET_VERSION
from crfgen_core.model.design import CRFDesign
from crfgen_core.model.protocol import ParsedProtocol
from crfgen_core.model.terminology import CTVersionRef
from crfgen_core.review.apply import apply_corrections
from crfgen_core.review.corrections import CorrectionSet
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_dagster.defs.design.checks import design_check_results, design_check_specs
from crfgen_dagster.defs.partitions import protocol_versions
from crfgen_dagster.defs.resources import CRFGenSettings, GreatExpectationsWorker, TerminologySource
from crfgen_dagster.versions import CODE_VERSION, content_version


@dg.asset(
    partitions_def=protocol_versions,
    code_version=f"{CODE_VERSION}+rules.{RULE_SET_VERSION}",
    group_name="design",
    check_specs=design_check_specs,
)
def crf_design(
    parsed_protocol: ParsedProtocol,
    review_corrections: CorrectionSet,
    controlled_terminology: CTVersionRef,
    cdisc_standards: dict[str, str],
    settings: CRFGenSettings,
    terminology: TerminologySource,
    gx: GreatExpectationsWorker,
) -> Iterator[dg.Output[CRFDesign] | dg.AssetCheckResult]:
    """Study events, forms, items and codelists, each with provenance back to the SoA and CT version;
    the study's reviewer corrections applied (each one's outcome is in the design and review.md)."""
    ct = terminology.load_version(controlled_terminology)
    design = apply_corrections(parsed_protocol, review_corrections, ct, load_bundled_standards()).design
    outcomes = Counter(outcome.status for outcome in design.corrections)
    unmapped = [m for m in design.mappings if m.kind == "unmapped"]
    yield dg.Output(
        design,
        data_version=content_version(design),
        metadata={
            "study": design.study_name,
            "ct_version": ct.ref.version,
            "ct_package": ct.ref.package,
            "standards": ", ".join(f"{k} {v}" for k, v in design.standards.items()),
            "events": len(design.events),
            "forms": len(design.forms),
            "items": sum(len(g.items) for f in design.forms for g in f.item_groups),
            "codelists": len(design.codelists),
            "activities": len(design.mappings),
            "unmapped": len(unmapped),
            "unmapped_activities": dg.MetadataValue.md(
                "\n".join(f"- {m.activity} ({m.schedule}): {m.reason}" for m in unmapped) or "none"
            ),
            "review_items": len(design.review),
            "corrections_applied": outcomes["applied"],
            "corrections_orphaned": outcomes["orphaned"],
            "corrections_rejected": outcomes["rejected"],
        },
    )
    yield from design_check_results(design, ct, settings.coverage_threshold, gx.worker)
