"""CT impact report: which designs (and published packages) were built on a CT version now superseded."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from crfgen_core.model.terminology import CTVersionRef


@dataclass(frozen=True)
class AffectedDesign:
    """One protocol version whose latest design used another CT version than the current one."""

    partition_key: str
    study: str
    ct_version: str
    package_dir: str | None = None


def write_impact_report(
    report_dir: Path,
    new_ct: CTVersionRef,
    affected: list[AffectedDesign],
    action: str,
    *,
    now: datetime | None = None,
) -> Path:
    """Write <stamp>-<package>-<version>.md and .json listing the affected designs; return the .md path."""
    now = now or datetime.now(UTC)
    report_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{now.strftime('%Y%m%dT%H%M%SZ')}-{new_ct.package}-{new_ct.version}"
    lines = [
        f"# CT impact report: {new_ct.package} {new_ct.version}",
        "",
        f"Generated {now.isoformat(timespec='seconds')}; action: **{action}**.",
        "",
        f"{len(affected)} design(s) were built on an earlier CT version.",
        "",
    ]
    if affected:
        lines += ["| protocol version | study | CT version used | published package |", "|---|---|---|---|"]
        lines += [
            f"| {a.partition_key} | {a.study} | {a.ct_version} | {a.package_dir or '-'} |" for a in affected
        ]
    (report_dir / f"{stem}.json").write_text(
        json.dumps(
            {
                "ct": new_ct.model_dump(),
                "action": action,
                "generated_at": now.isoformat(),
                "affected": [asdict(a) for a in affected],
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    path = report_dir / f"{stem}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
