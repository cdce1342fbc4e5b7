"""Publication: outbox/<study>/<version>/ with manifest.json, only when every blocking check passed."""

import dagster as dg

from crfgen_core.model.design import CRFDesign
from crfgen_core.publication.publisher import publish_package
from crfgen_core.render.package_writer import render_output
from crfgen_dagster.defs.jobs import PROTOCOL_ASSETS
from crfgen_dagster.defs.partitions import protocol_versions
from crfgen_dagster.defs.resources import CRFGenSettings
from crfgen_dagster.instance_records import latest_materialization
from crfgen_dagster.leftovers import supporting_scratch
from crfgen_dagster.stage_files import StageFiles
from crfgen_dagster.versions import CODE_VERSION

# Every protocol asset before this one: the manifest names the materialization of each.
UPSTREAM = tuple(asset for asset in PROTOCOL_ASSETS if asset != "crf_package")


@dg.asset(
    partitions_def=protocol_versions, code_version=CODE_VERSION, group_name="publication", kinds={"folder"}
)
def crf_package(
    context: dg.AssetExecutionContext,
    settings: CRFGenSettings,
    crf_design: CRFDesign,
    odm_xml: StageFiles,
    annotated_crf: StageFiles,
    crf_book: StageFiles,
    redcap_dictionary: StageFiles,
) -> dg.MaterializeResult[None]:
    """The published, immutable package; manifest.json ties every file to protocol, CT, code and run."""
    upstream = {}
    for asset in UPSTREAM:
        record = latest_materialization(context.instance, asset, context.partition_key)
        if record is not None:
            upstream[asset] = f"{record.run_id}:{record.storage_id}"
    with supporting_scratch(settings.data_path) as scratch:  # a killed run's is removed by the inbox tick
        supporting = render_output(crf_design, "supporting", scratch)
        files = [
            *odm_xml.paths(),
            *annotated_crf.paths(),
            *crf_book.paths(),
            *redcap_dictionary.paths(),
            *supporting,
        ]
        published = publish_package(
            crf_design,
            files,
            settings.data_path / "outbox",
            dagster_run_id=context.run.run_id,
            upstream_materializations=upstream,
        )
    manifest = published.manifest
    return dg.MaterializeResult(
        data_version=dg.DataVersion(manifest.protocol_sha256[:16] + manifest.version),
        metadata={
            "package_dir": dg.MetadataValue.path(str(published.directory)),
            "manifest": dg.MetadataValue.path(str(published.directory / "manifest.json")),
            # the anchor `crf-gen audit` checks (with the ledger): kept in the instance, outside the package
            "manifest_sha256": published.manifest_sha256,
            "study": manifest.study,
            "version": manifest.version,
            "files": len(manifest.files),
            "protocol_sha256": manifest.protocol_sha256,
            "ct": ", ".join(f"{c.package} {c.version}" for c in manifest.ct),
            "file_list": dg.MetadataValue.md(
                "\n".join(f"- {f.path} ({f.size_bytes} bytes)" for f in manifest.files)
            ),
        },
    )
