"""Every write is recorded with its caller. Now: one JSON line per write on the `crfgen_api.writes`
logger. The review store's audit trail (issue 15) plugs in as another `WriteRecorder` on app.state."""

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
