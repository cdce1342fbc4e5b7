"""Ingestion: the protocol bytes of one version, then what the document says."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from crfgen_core.ingest.document import identify
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.model.protocol import ParsedProtocol, ProtocolDocument
from crfgen_dagster.defs.ingestion.checks import protocol_check_results, protocol_check_specs
from crfgen_dagster.defs.partitions import protocol_versions
from crfgen_dagster.defs.resources import CRFGenSettings
from crfgen_dagster.inbox import inbox_dir, stored_protocol
from crfgen_dagster.versions import CODE_VERSION, content_version

OCR_POOL = "ocr"

quarantine = dg.AssetSpec(
    "quarantine",
    group_name="ingestion",
    code_version=CODE_VERSION,
    description=(
        "Files the inbox refused. The inbox sensor records one observation per file (name, reason code, "
        "reason, where it was moved under <data_dir>/quarantine/): see this asset's Events tab."
    ),
)


def no_protocol_file_line(partition_key: str, data_dir: Path) -> str:
    return (
        f"no protocol file behind partition {partition_key}: protocol partitions come from the inbox "
        f"(drop the file into {inbox_dir(data_dir)}); a partition added by hand in the UI cannot run"
    )


@dg.asset(
    partitions_def=protocol_versions, code_version=CODE_VERSION, group_name="ingestion", kinds={"pdf", "docx"}
)
def protocol_document(
    context: dg.AssetExecutionContext, settings: CRFGenSettings
) -> dg.Output[ProtocolDocument]:
    """The stored original protocol file of this version, identified by its sha256."""
    try:
        stored = stored_protocol(settings.data_path, context.partition_key)
    except FileNotFoundError:  # e.g. a partition added by hand in the UI: nothing to read, say so
        raise dg.Failure(
            description=no_protocol_file_line(context.partition_key, settings.data_path),
            allow_retries=False,
        ) from None
    document = identify(stored)
    return dg.Output(
        document,
        data_version=dg.DataVersion(document.sha256),
        metadata={
            "file": dg.MetadataValue.path(document.path),
            "sha256": document.sha256,
            "format": document.format,
            "size_bytes": document.size_bytes,
        },
    )


@dg.asset(
    partitions_def=protocol_versions,
    code_version=CODE_VERSION,
    group_name="ingestion",
    check_specs=protocol_check_specs,
    # OCR of scanned SoA pages (tesseract, 4-8 s a page on one core) is the CPU-heaviest step: its pool
    # caps how many run at once across runs and workers (`dagster instance concurrency set ocr N`).
    pool=OCR_POOL,
)
def parsed_protocol(
    protocol_document: ProtocolDocument,
) -> Iterator[dg.Output[ParsedProtocol] | dg.AssetCheckResult]:
    """Metadata, Schedules of Activities, eligibility and objectives as the document states them."""
    parsed = read_protocol(Path(protocol_document.path))
    yield dg.Output(
        parsed,
        data_version=content_version(parsed),
        metadata={
            "pages": parsed.document.pages or 0,
            "schedules": len(parsed.schedules),
            "visits": sum(len(s.visits) for s in parsed.schedules),
            "activities": sum(len(s.activities) for s in parsed.schedules),
            "marked_cells": sum(len(s.cells) for s in parsed.schedules),
            "inclusion_criteria": len(parsed.eligibility.inclusion),
            "exclusion_criteria": len(parsed.eligibility.exclusion),
            "objectives": len(parsed.objectives),
            "warnings": dg.MetadataValue.md(
                "\n".join(f"- {w.code}: {w.message}" for w in parsed.warnings) or "none"
            ),
        },
    )
    yield from protocol_check_results(parsed)
