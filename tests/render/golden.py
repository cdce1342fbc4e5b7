"""Golden-file comparison: regenerate only with CRFGEN_UPDATE_GOLDEN=1 (never in CI: see the guard test)."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE_FLAG = "CRFGEN_UPDATE_GOLDEN"


def updating() -> bool:
    return os.environ.get(UPDATE_FLAG) == "1"


def assert_matches_golden(name: str, actual: bytes) -> None:
    """Given a golden file name and the bytes just produced, assert they are identical (or rewrite it)."""
    path = GOLDEN_DIR / name
    if updating():
        path.write_bytes(actual)
        return
    assert path.is_file(), f"missing golden file {path}; create it with {UPDATE_FLAG}=1"
    expected = path.read_bytes()
    assert actual == expected, f"{name} differs from its golden file; if intended, rerun with {UPDATE_FLAG}=1"
