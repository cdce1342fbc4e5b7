"""Request and response bodies of the corrections, sign-off and audit routers (pydantic v2)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, JsonValue

from crfgen_core.review.audit_trail import RecordedEvent


class StoredCorrectionOut(BaseModel):
    correction: dict[str, JsonValue] = Field(description="the correction in the portable format")
    withdrawn: bool
    withdrawn_by: str | None = None
    withdrawn_at: str | None = None
    withdrawn_reason: str | None = None


class CorrectionRecorded(BaseModel):
    correction: dict[str, JsonValue]
    audit_seq: int
    pipeline_file: str = Field(description="the study's corrections file the pipeline reads (rebuilds)")


class CorrectionWithdrawn(BaseModel):
    correction_id: str
    audit_seq: int


class DecisionBody(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class DecisionOut(BaseModel):
    study: str
    package: str
    manifest_sha256: str
    decision: Literal["approved", "rejected"]
    signer: str
    reason: str
    decided_at: str
    audit_seq: int | None = None


class ReviewStatusOut(BaseModel):
    package: str
    manifest_sha256: str
    status: Literal["draft", "approved", "rejected", "changed"]
    decisions: list[DecisionOut]
    problems: list[str] = Field(description="why the package does not verify (empty: it does)")
    approved_listing: str | None = Field(None, description="outbox path of the approved/ entry, if listed")


class AuditPage(BaseModel):
    total: int = Field(description="events matching the filters")
    offset: int
    limit: int
    next_offset: int | None
    events: list[RecordedEvent]


class ChainCheck(BaseModel):
    ok: bool
    events: int
    head_seq: int
    head_hash: str
    broken: str | None = None
    broken_seq: int | None = None
