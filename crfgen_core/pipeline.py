"""The whole protocol-to-CRF pipeline without Dagster: what `crf-gen generate` runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.model.design import CorrectionOutcome
from crfgen_core.model.package import PublishedPackage
from crfgen_core.model.protocol import ExtractionWarning
from crfgen_core.publication.atomic_dir import NotAPackageError, atomic_directory
from crfgen_core.publication.manifest import MANIFEST_NAME
from crfgen_core.publication.publisher import seal_package
from crfgen_core.quality.gates import design_gates, odm_gates, protocol_gates, raise_if_failed, redcap_gates
from crfgen_core.quality.gx_suites import DEFAULT_COVERAGE_THRESHOLD
from crfgen_core.render import render_package
from crfgen_core.review.apply import apply_corrections
from crfgen_core.review.corrections import CorrectionSet
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct
from crfgen_core.terminology.ct_index import CTIndex

ODM_FILE_NAME = "odm.xml"


def generate(
    protocol: Path,
    out_dir: Path,
    *,
    ct: CTIndex | None = None,
    overwrite: bool = False,
    gates: bool = True,
    coverage_threshold: float = DEFAULT_COVERAGE_THRESHOLD,
    on_warning: Callable[[ExtractionWarning], None] | None = None,
    corrections: CorrectionSet | None = None,
    on_correction: Callable[[CorrectionOutcome], None] | None = None,
) -> PublishedPackage:
    """Given a protocol file, write the complete CRF package to `out_dir` atomically; return its manifest.

    With `gates` (the default) the same blocking gates as the Dagster checks run on the parsed protocol,
    the design, the written odm.xml and the REDCap files; the first stage that fails raises
    GatesFailedError and nothing is published (the staging directory is removed). Each extraction
    warning is passed to `on_warning` (the command line prints it) before any gate runs; all of them are
    also listed in review.md. `corrections` (the study's reviewer corrections) are applied as in
    crfgen_core.review.apply; each outcome is passed to `on_correction`, and the package holds them
    (corrections.json, crf_design.json, review.md). `overwrite` replaces only a directory holding a
    manifest.json (a package), in one atomic exchange; any other existing folder raises NotAPackageError
    before anything is read.
    """
    if overwrite and (out_dir.exists() or out_dir.is_symlink()) and not (out_dir / MANIFEST_NAME).is_file():
        raise NotAPackageError(
            f"{out_dir} exists and holds no {MANIFEST_NAME}, so it is not a CRF package; "
            "--overwrite replaces only a package directory (choose another --out or remove it yourself)"
        )
    ct = ct or load_bundled_ct()
    parsed = read_protocol(protocol)
    for warning in parsed.warnings:
        if on_warning is not None:
            on_warning(warning)
    results = protocol_gates(parsed) if gates else []
    if gates:
        raise_if_failed(results)
    design = apply_corrections(parsed, corrections, ct, load_bundled_standards()).design
    for outcome in design.corrections:
        if on_correction is not None:
            on_correction(outcome)
    if gates:
        results += design_gates(design, ct, coverage_threshold)
        raise_if_failed(results)
    with atomic_directory(out_dir, overwrite=overwrite) as staging:
        render_package(design, staging)
        if gates:
            results += odm_gates(staging / ODM_FILE_NAME) + redcap_gates(staging)
            raise_if_failed(results)
        manifest = seal_package(design, staging)
    return manifest
