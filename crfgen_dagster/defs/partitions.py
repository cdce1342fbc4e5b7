"""One partition per protocol version: key = file stem + sha256 prefix (package_version_key)."""

from __future__ import annotations

import dagster as dg

# The name as a plain str: instance methods take the name, and the definition types it as optional.
PROTOCOL_VERSIONS = "protocol_versions"
protocol_versions = dg.DynamicPartitionsDefinition(name=PROTOCOL_VERSIONS)
