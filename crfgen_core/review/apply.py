"""Apply a study's corrections to a build: SoA-level ones to the parsed protocol, then the design is built,
then design-level ones; each correction's outcome (applied, unchanged, orphaned, rejected) goes into the
design, and every orphaned or rejected one is also an open review item."""

from __future__ import annotations

from dataclasses import dataclass

from crfgen_core.mapping import design_crf
from crfgen_core.mapping.rule_set import load_rule_set
from crfgen_core.model.design import CorrectionOutcome, CorrectionStatus, CRFDesign, ReviewEntry
from crfgen_core.model.protocol import ParsedProtocol
from crfgen_core.review.corrections import Correction, CorrectionSet
from crfgen_core.review.design_fixes import apply_design_fixes
from crfgen_core.review.keys import study_key
from crfgen_core.review.open_items import annotate_review
from crfgen_core.review.schedule_fixes import apply_schedule_fixes
from crfgen_core.standards.cosmos import StandardsLibrary
from crfgen_core.terminology.ct_index import CTIndex


class StudyMismatchError(ValueError):
    """Corrections recorded for another study than the protocol's."""


@dataclass(frozen=True)
class CorrectedBuild:
    """The corrected protocol and the design built from it (its `corrections` list the outcomes)."""

    parsed: ParsedProtocol
    design: CRFDesign

    def count(self, status: CorrectionStatus) -> int:
        return sum(1 for outcome in self.design.corrections if outcome.status == status)


def _outcome(fix: Correction, status: CorrectionStatus, detail: str) -> CorrectionOutcome:
    return CorrectionOutcome(
        id=fix.id,
        kind=fix.kind,
        target=fix.target_key(),
        status=status,
        detail=detail,
        author=fix.author,
        created_at=fix.created_at.isoformat(),
        reason=fix.reason,
        correction=fix.model_dump(mode="json"),
    )


def _review_entry(outcome: CorrectionOutcome) -> ReviewEntry:
    return ReviewEntry(
        activity=f"(correction {outcome.kind})",
        reason=f"{outcome.status}: {outcome.detail}; correction {outcome.id} by {outcome.author} "
        f"('{outcome.reason}') did not apply: re-key it to this version or withdraw it",
        key=outcome.target,
    )


def apply_corrections(
    parsed: ParsedProtocol,
    corrections: CorrectionSet | None,
    ct: CTIndex,
    standards: StandardsLibrary,
) -> CorrectedBuild:
    """Given a parsed protocol, its study's corrections (None = none), CT and standards, return the
    corrected protocol and the design built from it.

    Corrections apply in their recorded order, each to the result of the ones before; one whose key is
    not in this version is orphaned (reported, never an error), so a set recorded on one protocol version
    applies to the next wherever its keys still exist. Raises StudyMismatchError for another study's set.
    """
    study = study_key(parsed)
    fixes = corrections.corrections if corrections is not None else []
    if corrections is not None and corrections.study != study:
        raise StudyMismatchError(
            f"the corrections are for study '{corrections.study}', the protocol is study '{study}'"
        )
    scheduled = apply_schedule_fixes(parsed, fixes, load_rule_set(), standards)
    built = design_crf(scheduled.parsed, ct, standards, scheduled.readings)
    design, designed = apply_design_fixes(built, fixes)
    results = {**scheduled.outcomes, **designed}
    outcomes = [_outcome(fix, *results[fix.id]) for fix in fixes]
    review = [
        *design.review,
        *(_review_entry(o) for o in outcomes if o.status in ("orphaned", "rejected")),
    ]
    design = design.model_copy(update={"corrections": outcomes, "review": review})
    design = design.model_copy(update={"review": annotate_review(scheduled.parsed, design, study)})
    return CorrectedBuild(parsed=scheduled.parsed, design=design)
