"""The whole protocol-to-CRF pipeline without Dagster: what `crf-gen generate` runs."""

from __future__ import annotations

from pathlib import Path

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.model.package import PublishedPackage
from crfgen_core.publication.atomic_dir import atomic_directory
from crfgen_core.publication.publisher import seal_package
from crfgen_core.render import render_package
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct
from crfgen_core.terminology.ct_index import CTIndex


def generate(
    protocol: Path, out_dir: Path, *, ct: CTIndex | None = None, overwrite: bool = False
) -> PublishedPackage:
    """Given a protocol file, write the complete CRF package to `out_dir` atomically; return its manifest."""
    parsed = read_protocol(protocol)
    design = design_crf(parsed, ct or load_bundled_ct(), load_bundled_standards())
    with atomic_directory(out_dir, overwrite=overwrite) as staging:
        render_package(design, staging)
        manifest = seal_package(design, staging)
    return manifest
