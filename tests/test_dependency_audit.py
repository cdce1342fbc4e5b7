"""tools/dependency_audit.py: a finding fails the audit; an unanswered vulnerability service does not,
unless --require-service (reports shaped as pip-audit 2.x writes them with -f json)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "dependency_audit.py"
CLEAN = {"name": "lxml", "version": "6.0.2", "vulns": []}
UNANSWERED = {"name": "alembic", "skip_reason": "Dependency not found on PyPI and could not be audited"}
VULNERABLE = {
    "name": "jinja2",
    "version": "3.1.2",
    "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "aliases": [], "description": ""}],
}


def _judge(
    tmp_path: Path, dependencies: list[dict[str, object]], *flags: str
) -> subprocess.CompletedProcess[str]:
    report = tmp_path / "audit.json"
    report.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))
    command = [sys.executable, str(SCRIPT), "--report", str(report), *flags]
    return subprocess.run(command, capture_output=True, text=True)


def test_a_known_vulnerability_fails_even_when_other_packages_went_unanswered(tmp_path: Path) -> None:
    done = _judge(tmp_path, [CLEAN, UNANSWERED, VULNERABLE])
    assert done.returncode == 1
    assert "VULNERABLE jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in done.stdout


def test_an_unanswered_service_warns_and_passes_unless_the_service_is_required(tmp_path: Path) -> None:
    done = _judge(tmp_path, [CLEAN, UNANSWERED])
    assert done.returncode == 0 and "::warning::" in done.stdout and "1 of 2 package(s)" in done.stdout
    assert _judge(tmp_path, [CLEAN, UNANSWERED], "--require-service").returncode == 3


def test_a_clean_report_passes_quietly(tmp_path: Path) -> None:
    done = _judge(tmp_path, [CLEAN], "--require-service")
    assert done.returncode == 0 and "::warning::" not in done.stdout


def test_pip_audit_ending_without_a_report_is_an_unanswered_service(tmp_path: Path) -> None:
    missing = [sys.executable, str(SCRIPT), "--lock", str(tmp_path / "no-such.lock")]
    done = subprocess.run(missing, capture_output=True, text=True)
    assert done.returncode == 0 and "without a report" in done.stderr and "::warning::" in done.stdout
    assert subprocess.run([*missing, "--require-service"], capture_output=True).returncode == 3
