"""Sign-off of a published package: approve or reject its current manifest (crfgen_core.review.sign_off:
bound to the manifest's sha256, two-person rule honoured), and its review status."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool

from crfgen_api.auth.caller import Caller, require
from crfgen_api.auth.roles import Permission
from crfgen_api.errors import ApiError
from crfgen_api.outbox import SEGMENT, package_folder
from crfgen_api.review.bodies import DecisionBody, DecisionOut, ReviewStatusOut
from crfgen_api.review.store_access import actor, review_store
from crfgen_core.review.review_store import Decision
from crfgen_core.review.sign_off import (
    SignOffRefusedError,
    approved_dir,
    decide,
    read_approval,
    review_status,
)

router = APIRouter(tags=["approvals"])
Study = Annotated[str, Path(pattern=SEGMENT)]
Version = Annotated[str, Path(pattern=SEGMENT, description="the version folder under outbox/<study>/")]
REFUSED: dict[int | str, dict[str, Any]] = {
    409: {"description": "the package does not verify, or the two-person rule excludes the caller"}
}


def _out(decision: Decision) -> DecisionOut:
    return DecisionOut.model_validate(decision, from_attributes=True)


def decide_package(
    request: Request, study: str, version: str, caller: Caller, verdict: str, reason: str
) -> DecisionOut:
    folder = package_folder(request.app.state.settings.data_dir, study, version)
    with review_store(request) as store:
        try:
            decision = decide(
                store, folder, decision=verdict, signer=caller.name, reason=reason, actor=actor(caller)
            )
        except SignOffRefusedError as exc:
            raise ApiError(
                409, "sign_off_refused", str(exc).replace(str(folder), f"{study}/{version}")
            ) from exc
    return _out(decision)


@router.post(
    "/packages/{study}/{version}/approve",
    response_model=DecisionOut,
    summary="Approve the package's current manifest (signer: the caller)",
    responses=REFUSED,
)
async def approve(
    request: Request,
    study: Study,
    version: Version,
    body: DecisionBody,
    caller: Annotated[Caller, Depends(require(Permission.APPROVE))],
) -> DecisionOut:
    # decide() verifies every file's hash: off the event loop
    return await run_in_threadpool(decide_package, request, study, version, caller, "approved", body.reason)


@router.post(
    "/packages/{study}/{version}/reject",
    response_model=DecisionOut,
    summary="Reject the package's current manifest (revokes its approvals)",
    responses=REFUSED,
)
async def reject(
    request: Request,
    study: Study,
    version: Version,
    body: DecisionBody,
    caller: Annotated[Caller, Depends(require(Permission.APPROVE))],
) -> DecisionOut:
    return await run_in_threadpool(decide_package, request, study, version, caller, "rejected", body.reason)


def package_review(request: Request, study: str, version: str) -> ReviewStatusOut:
    folder = package_folder(request.app.state.settings.data_dir, study, version)
    with review_store(request) as store:
        current = review_status(store, folder)
    listed = read_approval(folder) is not None and (approved_dir(folder) / folder.name).is_symlink()
    status: Literal["draft", "approved", "rejected", "changed"] = current.status.value
    return ReviewStatusOut(
        package=current.package,
        manifest_sha256=current.manifest_sha256,
        status=status,
        decisions=[_out(d) for d in current.decisions],
        problems=current.problems,
        approved_listing=f"{study}/approved/{folder.name}" if listed else None,
    )


@router.get(
    "/packages/{study}/{version}/review",
    response_model=ReviewStatusOut,
    summary="The package's sign-off status: draft, approved, rejected or changed, and every decision",
)
async def review(
    request: Request,
    study: Study,
    version: Version,
    caller: Annotated[Caller, Depends(require(Permission.READ))],
) -> ReviewStatusOut:
    return await run_in_threadpool(package_review, request, study, version)
