"""Layering is enforced, not hoped for: crfgen_core must never import dagster (nor crfgen_api), and the
API never loads the Dagster definitions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "crfgen_core never imports dagster KEPT" in result.stdout
    assert "crfgen_dagster never imports crfgen_api KEPT" in result.stdout
    assert "crfgen_api never imports the Dagster definitions KEPT" in result.stdout


def test_importing_the_core_does_not_load_dagster() -> None:
    code = "import sys, crfgen_core.pipeline, crfgen_core.cli; print('dagster' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
