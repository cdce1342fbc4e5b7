"""One partition per protocol version: key = file stem + sha256 prefix (package_version_key)."""

from __future__ import annotations

import dagster as dg

protocol_versions = dg.DynamicPartitionsDefinition(name="protocol_versions")
