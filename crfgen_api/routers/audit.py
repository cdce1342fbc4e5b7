"""The audit trail for an auditor: events filtered by study, kind and time, paged; and the chain check."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from crfgen_api.auth.caller import Caller, require
from crfgen_api.auth.roles import Permission
from crfgen_api.outbox import SEGMENT
from crfgen_api.review.bodies import AuditPage, ChainCheck
from crfgen_api.review.store_access import review_store
from crfgen_core.review.audit_trail import RecordedEvent, verify_chain
from crfgen_core.review.store.models import AuditEventRow

router = APIRouter(tags=["audit"])
Auditor = Annotated[Caller, Depends(require(Permission.AUDIT))]
KIND = r"^[a-z_]+(\.[a-z_]+)?$"
MAX_PAGE = 500


def _stamp(moment: datetime) -> str:
    """The trail's own format (UTC, microseconds), so stored strings compare in time order."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@router.get("/audit", response_model=AuditPage, summary="Audit events, oldest first, filtered and paged")
def audit_events(
    request: Request,
    caller: Auditor,
    study: Annotated[str | None, Query(pattern=SEGMENT)] = None,
    kind: Annotated[
        str | None,
        Query(pattern=KIND, description="an action (`package.approved`) or its area (`package`)"),
    ] = None,
    since: Annotated[datetime | None, Query(description="at or after (ISO-8601; no zone: UTC)")] = None,
    until: Annotated[datetime | None, Query(description="before (ISO-8601; no zone: UTC)")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> AuditPage:
    where = []
    if study is not None:
        where.append(AuditEventRow.study == study)
    if kind is not None:
        where.append(
            AuditEventRow.action == kind
            if "." in kind
            else AuditEventRow.action.startswith(f"{kind}.", autoescape=True)
        )
    if since is not None:
        where.append(AuditEventRow.occurred_at >= _stamp(since))
    if until is not None:
        where.append(AuditEventRow.occurred_at < _stamp(until))
    with review_store(request) as store, store.engine.connect() as connection:
        total = connection.execute(
            sa.select(sa.func.count()).select_from(AuditEventRow).where(*where)
        ).scalar_one()
        rows = connection.execute(
            sa.select(AuditEventRow).where(*where).order_by(AuditEventRow.seq).offset(offset).limit(limit)
        ).mappings()
        events = [RecordedEvent.model_validate(dict(row)) for row in rows]
    following = offset + len(events)
    return AuditPage(
        total=total,
        offset=offset,
        limit=limit,
        next_offset=following if following < total else None,
        events=events,
    )


@router.get(
    "/audit/verify", response_model=ChainCheck, summary="Recompute the hash chain (crf-gen audit --trail)"
)
async def audit_verify(request: Request, caller: Auditor) -> ChainCheck:
    with review_store(request) as store:
        report = await run_in_threadpool(verify_chain, store.engine)
    return ChainCheck(
        ok=report.ok,
        events=report.events,
        head_seq=report.head_seq,
        head_hash=report.head_hash,
        broken=report.broken,
        broken_seq=report.broken_seq,
    )
