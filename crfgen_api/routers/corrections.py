"""A study's corrections: list, record one, withdraw one (the review store; each change audited with the
caller as actor, and the study's pipeline file rewritten so the design rebuilds)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import JsonValue

from crfgen_api.auth.caller import Caller, require
from crfgen_api.auth.roles import Permission
from crfgen_api.errors import ApiError
from crfgen_api.outbox import SEGMENT, study_folder
from crfgen_api.review.bodies import CorrectionRecorded, CorrectionWithdrawn, StoredCorrectionOut
from crfgen_api.review.correction_input import correction_from_body
from crfgen_api.review.store_access import actor, review_store
from crfgen_core.review.review_store import CorrectionConflictError, UnknownCorrectionError
from crfgen_core.review.study_file import study_corrections_path

router = APIRouter(tags=["corrections"])
Study = Annotated[str, Path(pattern=SEGMENT, description="study key: the outbox/<study> folder")]
CORRECTION_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
Reviewer = Annotated[Caller, Depends(require(Permission.REVIEW))]

EXAMPLE = {
    "kind": "soa_cell",
    "schedule": "schedule-of-activities",
    "activity": "vital-signs",
    "visit": "visit-2",
    "action": "set",
    "reason": "tick missed on p. 12",
}


@router.get(
    "/studies/{study}/corrections",
    response_model=list[StoredCorrectionOut],
    summary="A study's corrections, in the order they were recorded",
)
def list_corrections(
    request: Request,
    study: Study,
    caller: Reviewer,
    include_withdrawn: Annotated[bool, Query(alias="all", description="withdrawn ones too")] = False,
) -> list[StoredCorrectionOut]:
    with review_store(request) as store:
        stored = store.corrections(study, include_withdrawn=include_withdrawn)
    return [
        StoredCorrectionOut(
            correction=s.correction.model_dump(mode="json"),
            withdrawn=s.withdrawn,
            withdrawn_by=s.withdrawn_by,
            withdrawn_at=s.withdrawn_at,
            withdrawn_reason=s.withdrawn_reason,
        )
        for s in stored
    ]


@router.post(
    "/studies/{study}/corrections",
    status_code=201,
    response_model=CorrectionRecorded,
    summary="Record one correction (author: the caller; created_at: now)",
    responses={
        404: {"description": "no published study of that key"},
        409: {"description": "that correction id is already recorded"},
        422: {"description": "not a correction of the portable format (docs/corrections.md)"},
    },
)
def record_correction(
    request: Request,
    study: Study,
    caller: Reviewer,
    body: Annotated[
        dict[str, JsonValue],
        Body(
            description="a correction in the portable format (docs/corrections.schema.json) without "
            "`author` and `created_at`; `study` may be left out",
            examples=[EXAMPLE],
        ),
    ],
) -> CorrectionRecorded:
    study_folder(request.app.state.settings.data_dir, study)  # corrections are for a published study
    correction = correction_from_body(body, study=study, author=caller.name)
    with review_store(request) as store:
        try:
            event = store.record(correction, actor=actor(caller), note="through the API")
        except CorrectionConflictError as exc:
            raise ApiError(409, "conflict", str(exc)) from exc
    return CorrectionRecorded(
        correction=correction.model_dump(mode="json"),
        audit_seq=event.seq,
        pipeline_file=str(study_corrections_path(request.app.state.settings.data_dir, study)),
    )


@router.delete(
    "/studies/{study}/corrections/{correction_id}",
    response_model=CorrectionWithdrawn,
    summary="Withdraw a correction (kept in the store and the trail, no longer applied)",
    responses={404: {"description": "no active correction of that id in this study"}},
)
def withdraw_correction(
    request: Request,
    study: Study,
    correction_id: Annotated[str, Path(pattern=CORRECTION_ID)],
    caller: Reviewer,
    reason: Annotated[str, Query(min_length=1, max_length=2000, description="why it is withdrawn")],
) -> CorrectionWithdrawn:
    with review_store(request) as store:
        if correction_id not in {s.correction.id for s in store.corrections(study)}:
            raise ApiError(404, "not_found", f"no active correction {correction_id} in study {study}")
        try:
            event = store.withdraw(correction_id, by=actor(caller), reason=reason)
        except UnknownCorrectionError as exc:
            raise ApiError(404, "not_found", str(exc)) from exc
    return CorrectionWithdrawn(correction_id=correction_id, audit_seq=event.seq)
