"""The published package manifest: what an auditor checks."""

from __future__ import annotations

from pydantic import Field

from crfgen_core.model.base import Contract
from crfgen_core.model.terminology import CTVersionRef


class PackageFile(Contract):
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size_bytes: int


class PublishedPackage(Contract):
    study: str
    version: str = Field(description="protocol version key: file stem + content hash prefix")
    protocol_file: str
    protocol_sha256: str
    ct: list[CTVersionRef] = Field(default_factory=list)
    standards: dict[str, str] = Field(default_factory=dict)
    code_version: str
    rule_set_version: str
    generated_at: str
    dagster_run_id: str | None = None
    upstream_materializations: dict[str, str] = Field(default_factory=dict)
    files: list[PackageFile] = Field(default_factory=list)
