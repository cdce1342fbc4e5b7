"""Jobs: one run per protocol version (in-process by default: ~2x faster drop-to-done than one process
per step; Celery workers with CRFGEN_EXECUTOR=celery), and the reference data."""

from __future__ import annotations

import dagster as dg

from crfgen_dagster.protocol_executor import protocol_executor

PROTOCOL_ASSETS = (
    "protocol_document",
    "parsed_protocol",
    "review_corrections",
    "crf_design",
    "odm_xml",
    "annotated_crf",
    "crf_book",
    "redcap_dictionary",
    "crf_package",
)
REFERENCE_ASSETS = ("controlled_terminology", "cdisc_standards")

protocol_job = dg.define_asset_job(
    "protocol_job",
    selection=dg.AssetSelection.assets(*PROTOCOL_ASSETS),
    executor_def=protocol_executor,
    description="Build and publish the CRF package of one protocol version (one partition).",
)

reference_data_job = dg.define_asset_job(
    "reference_data_job",
    selection=dg.AssetSelection.assets(*REFERENCE_ASSETS),
    executor_def=dg.in_process_executor,
    description="Load CDISC controlled terminology and standards (needed before any design).",
)

ct_refresh_job = dg.define_asset_job(
    "ct_refresh_job",
    selection=dg.AssetSelection.assets("controlled_terminology"),
    executor_def=dg.in_process_executor,
    description=(
        "Refresh CDISC CT now: Launchpad > set ops.controlled_terminology.config.source (URL, folder or "
        "file; empty = CRFGEN_CT_SOURCE) > Launch run. A new version triggers ct_change_sensor."
    ),
)

corrections_job = dg.define_asset_job(
    "corrections_job",
    selection=dg.AssetSelection.assets("review_corrections").downstream(),
    executor_def=protocol_executor,
    description="Rebuild one protocol version's design and package after its study's corrections changed.",
)
