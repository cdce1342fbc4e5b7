"""The API's response bodies (pydantic v2): what /openapi.json publishes to client systems."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from crfgen_core.model.package import PublishedPackage


class Liveness(BaseModel):
    status: Literal["ok"] = "ok"


class Check(BaseModel):
    name: str
    status: Literal["OK", "FAIL", "SKIP"]
    detail: str


class Readiness(BaseModel):
    ready: bool
    checks: list[Check]


class Upload(BaseModel):
    version_key: str = Field(description="the protocol version: `<file stem>-<sha256[:12]>`")
    sha256: str
    file: str
    size_bytes: int
    status: Literal["queued"] = "queued"
    duplicate_of_stored: bool = Field(description="these bytes were taken before (the key is theirs)")
    status_url: str


class CheckOutcome(BaseModel):
    asset: str
    check: str
    passed: bool
    severity: str
    description: str | None = None


class RunSummary(BaseModel):
    run_id: str
    job: str
    status: str = Field(description="Dagster run status: QUEUED, STARTED, SUCCESS, FAILURE, CANCELED...")
    created_at: float | None = None
    ended_at: float | None = None


VersionState = Literal["waiting", "quarantined", "queued", "running", "failed", "published", "taken"]


class VersionStatus(BaseModel):
    version_key: str
    state: VersionState = Field(
        description="waiting (in the inbox), quarantined, taken (stored, no run yet), queued, running, "
        "failed (latest run did not publish), published"
    )
    run: RunSummary | None = None
    checks: list[CheckOutcome] = Field(default_factory=list)
    package: str | None = Field(None, description="`<study>/<version folder>` once published")
    quarantine_reason: str | None = None


class Study(BaseModel):
    study: str
    packages: int
    current: str | None = Field(None, description="version folder of the most recent publication")


class StudyVersion(BaseModel):
    package: str = Field(description="`<study>/<version folder>`: the path of /packages/{study}/{version}")
    version_key: str
    protocol_sha256: str
    dagster_run_id: str | None
    status: VersionStatus


class PackageManifest(BaseModel):
    package: str
    download_url: str
    manifest: PublishedPackage
