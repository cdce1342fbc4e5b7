"""Every upload attempt is logged with its caller: one JSON line on the `crfgen_api.writes` logger,
accepted or refused (a refusal changes nothing, so it is not an audit event). Real writes (an upload
linked into the inbox or quarantined, corrections, decisions) are events in the review store's audit
trail, recorded with the action itself (crfgen_api.uploads, routers/corrections.py, approvals.py)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Protocol

from crfgen_api.auth.caller import Caller

logger = logging.getLogger("crfgen_api.writes")


class WriteRecorder(Protocol):
    def record(
        self, caller: Caller, action: str, target: str, outcome: str, details: dict[str, object]
    ) -> None:
        """Record that `caller` did `action` on `target` with `outcome` (ok, refused, quarantined...)."""
        ...


class LogWriteRecorder:
    def record(
        self, caller: Caller, action: str, target: str, outcome: str, details: dict[str, object]
    ) -> None:
        line = {
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "caller": caller.principal,
            "caller_name": caller.name,
            "roles": sorted(caller.roles),
            "action": action,
            "target": target,
            "outcome": outcome,
            **details,
        }
        logger.info(json.dumps(line, sort_keys=True, default=str))
