"""Small reads of the Dagster event log shared by sensors and the publication asset."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg


def latest_materialization(instance: dg.DagsterInstance, asset: str, partition: str | None = None) -> Any:
    """Return the latest materialization record of `asset` (of one partition when given), or None."""
    records_filter = dg.AssetRecordsFilter(
        asset_key=dg.AssetKey(asset), asset_partitions=[partition] if partition else None
    )
    records = instance.fetch_materializations(records_filter, limit=1).records
    return records[0] if records else None


def metadata_text(metadata: Mapping[str, Any], key: str) -> str:
    """Return a metadata entry's plain value as text ('' when absent)."""
    entry = metadata.get(key)
    return "" if entry is None else str(getattr(entry, "value", entry))
