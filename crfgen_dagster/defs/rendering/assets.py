"""Rendering: each package output from the design, written under <data_dir>/work/<partition>/<asset>/."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from crfgen_core.ingest.document import sha256_file
from crfgen_core.model.design import CRFDesign
from crfgen_core.model.package import PackageFile
from crfgen_core.publication.atomic_dir import atomic_directory
from crfgen_core.render.package_writer import render_output
from crfgen_dagster.defs.partitions import protocol_versions
from crfgen_dagster.defs.rendering.checks import (
    odm_check_results,
    odm_check_specs,
    redcap_check_results,
    redcap_check_specs,
)
from crfgen_dagster.defs.resources import CRFGenSettings
from crfgen_dagster.stage_files import StageFiles
from crfgen_dagster.versions import CODE_VERSION


def render_stage(
    context: dg.AssetExecutionContext, settings: CRFGenSettings, design: CRFDesign
) -> StageFiles:
    """Render this asset's output into its work folder (replaced atomically) and describe the files."""
    target = settings.work_dir(context.partition_key, context.asset_key.to_user_string())
    with atomic_directory(target, overwrite=True) as staging:
        written = render_output(design, context.asset_key.to_user_string(), staging)
        names = [p.name for p in written]
    files = [
        PackageFile(path=name, sha256=sha256_file(target / name), size_bytes=(target / name).stat().st_size)
        for name in names
    ]
    return StageFiles(directory=str(target), files=files)


def stage_output(stage: StageFiles) -> dg.Output[StageFiles]:
    return dg.Output(
        stage,
        data_version=dg.DataVersion(stage.content_hash()),
        metadata={
            "files": len(stage.files),
            "directory": dg.MetadataValue.path(stage.directory),
            **{
                f.path: dg.MetadataValue.path(str(p)) for f, p in zip(stage.files, stage.paths(), strict=True)
            },
        },
    )


@dg.asset(
    partitions_def=protocol_versions,
    code_version=CODE_VERSION,
    group_name="rendering",
    check_specs=odm_check_specs,
    kinds={"xml"},
)
def odm_xml(
    context: dg.AssetExecutionContext, settings: CRFGenSettings, crf_design: CRFDesign
) -> Iterator[dg.Output[StageFiles] | dg.AssetCheckResult]:
    """CDISC ODM 1.3.2 study metadata (odm.xml)."""
    stage = render_stage(context, settings, crf_design)
    yield stage_output(stage)
    yield from odm_check_results(stage.paths()[0])


@dg.asset(
    partitions_def=protocol_versions, code_version=CODE_VERSION, group_name="rendering", kinds={"html", "pdf"}
)
def annotated_crf(
    context: dg.AssetExecutionContext, settings: CRFGenSettings, crf_design: CRFDesign
) -> dg.Output[StageFiles]:
    """SDTM-annotated CRF (acrf.html, acrf.pdf)."""
    return stage_output(render_stage(context, settings, crf_design))


@dg.asset(partitions_def=protocol_versions, code_version=CODE_VERSION, group_name="rendering", kinds={"docx"})
def crf_book(
    context: dg.AssetExecutionContext, settings: CRFGenSettings, crf_design: CRFDesign
) -> dg.Output[StageFiles]:
    """The CRF book for reviewers (crf_book.docx)."""
    return stage_output(render_stage(context, settings, crf_design))


@dg.asset(
    partitions_def=protocol_versions,
    code_version=CODE_VERSION,
    group_name="rendering",
    check_specs=redcap_check_specs,
    kinds={"csv"},
)
def redcap_dictionary(
    context: dg.AssetExecutionContext, settings: CRFGenSettings, crf_design: CRFDesign
) -> Iterator[dg.Output[StageFiles] | dg.AssetCheckResult]:
    """REDCap data dictionary and longitudinal set-up (redcap_data_dictionary.csv, redcap_arms.csv,
    redcap_events.csv, redcap_instrument_event_mapping.csv, redcap_repeating_instruments.csv)."""
    stage = render_stage(context, settings, crf_design)
    yield stage_output(stage)
    yield from redcap_check_results(Path(stage.directory))
