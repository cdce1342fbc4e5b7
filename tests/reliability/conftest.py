"""Hostile files are built once per session into a temporary folder; tests copy them before moving any."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_files import HOSTILE


@pytest.fixture(scope="session")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Case id -> a hostile file (read-only use: tests that move files copy them first)."""
    folder = tmp_path_factory.mktemp("hostile")
    return {case_id: case.build(folder) for case_id, case in HOSTILE.items()}
