"""Dependency audit that fails on findings, not on an unreachable vulnerability service.

`pip-audit --strict` exits 1 both when a pinned package has a known vulnerability and when it cannot ask
the service (no network, PyPI's JSON API not mirrored): CI could not tell a finding from an outage. This
runs pip-audit on the lock file with JSON output and decides itself:
- any vulnerability: exit 1, one line per finding (package, version, id, fixed versions);
- packages the service could not answer for: a warning naming how many (a GitHub `::warning::` line),
  exit 0, or exit 3 with --require-service (release builds, which must have a real answer);
- pip-audit crashing before any answer (DNS, TLS): the same as an unanswered service.

    .venv/bin/python tools/dependency_audit.py [--lock requirements.lock] [--require-service]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

UNANSWERED_EXIT = 3


def audit(lock: Path) -> dict[str, Any] | None:
    """Run pip-audit on `lock`; return its JSON report, or None when it ended without one."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "-r", str(lock), "--disable-pip", "--no-deps",
                   "--progress-spinner", "off", "-f", "json", "-o", str(report)]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True)
        if not report.is_file():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"pip-audit ended without a report (exit {done.returncode}): {last}", file=sys.stderr)
            return None
        return dict(json.loads(report.read_text()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=Path("requirements.lock"))
    parser.add_argument("--require-service", action="store_true", help="an unanswered package fails too")
    parser.add_argument("--report", type=Path, help="judge this pip-audit JSON report instead of running it")
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text()) if args.report else audit(args.lock)
    dependencies = (report or {}).get("dependencies", [])
    findings = [(dep, vuln) for dep in dependencies for vuln in dep.get("vulns", [])]
    for dep, vuln in findings:
        fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed release"
        print(f"VULNERABLE {dep['name']} {dep.get('version', '?')}: {vuln['id']} (fixed in {fixed})")
    unanswered = [dep["name"] for dep in dependencies if dep.get("skip_reason")]
    if report is None or unanswered:
        what = "no report" if report is None else f"{len(unanswered)} of {len(dependencies)} package(s)"
        print(f"::warning::dependency audit incomplete: the vulnerability service did not answer ({what})")
    if findings:
        print(f"dependency audit: {len(findings)} known vulnerabilit(ies)")
        return 1
    if args.require_service and (report is None or unanswered):
        return UNANSWERED_EXIT
    audited = len(dependencies) - len(unanswered)
    print(f"dependency audit: no known vulnerabilities in {audited} audited package(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
