"""Fixtures for the synthetic SoA tests: the official scorer, loaded from ../shared by path."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from synthetic_soa.scoring import load_scorer


@pytest.fixture(scope="session")
def scorer(shared_dir: Path) -> ModuleType:
    return load_scorer(shared_dir)
