"""Build the manifest.json of a CRF package from the files in its directory."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from crfgen_core import __version__
from crfgen_core.ingest.document import sha256_file
from crfgen_core.model.design import CRFDesign
from crfgen_core.model.package import PackageFile, PublishedPackage

MANIFEST_NAME = "manifest.json"


def package_version_key(file_name: str, sha256: str) -> str:
    """Given a protocol file name and content hash, return the stable version key (stem + hash prefix)."""
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in Path(file_name).stem)[:60]
    return f"{stem}-{sha256[:12]}"


def build_manifest(
    design: CRFDesign,
    package_dir: Path,
    *,
    dagster_run_id: str | None = None,
    upstream_materializations: dict[str, str] | None = None,
) -> PublishedPackage:
    """Given a design and the directory holding its rendered files, return the manifest."""
    files = [
        PackageFile(path=p.name, sha256=sha256_file(p), size_bytes=p.stat().st_size)
        for p in sorted(package_dir.iterdir())
        if p.is_file() and p.name != MANIFEST_NAME
    ]
    return PublishedPackage(
        study=design.study_name,
        version=package_version_key(design.protocol_file, design.protocol_sha256),
        protocol_file=design.protocol_file,
        protocol_sha256=design.protocol_sha256,
        ct=design.ct,
        standards=design.standards,
        code_version=__version__,
        rule_set_version=design.rule_set_version,
        generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        dagster_run_id=dagster_run_id,
        upstream_materializations=upstream_materializations or {},
        files=files,
    )
