"""Shared test fixtures: where ../shared is, and markers that skip honestly when it is absent."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import dagster as dg

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("CRFGEN_SHARED_DIR", REPO_ROOT.parent / "shared")).resolve()
CORPUS_DIR = SHARED_DIR / "corpus" / "protocols"
REFERENCE_DIR = SHARED_DIR / "corpus" / "reference"
STANDARDS_DIR = SHARED_DIR / "standards"

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `shared` skip with a reason when ../shared is absent, unless it is required."""
    if SHARED_DIR.is_dir():
        return
    if os.environ.get("CRFGEN_REQUIRE_SHARED") == "1":
        raise pytest.UsageError(f"CRFGEN_REQUIRE_SHARED=1 but the reference folder is missing: {SHARED_DIR}")
    skip = pytest.mark.skip(reason=f"../shared reference folder not found at {SHARED_DIR}")
    for item in items:
        if "shared" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED_DIR


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS_DIR


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    """A throwaway Dagster instance on which the protocol job's unpartitioned inputs (CT, standards) are
    materialized, as the inbox sensor requires before it requests a run."""
    import dagster as dg  # only the Dagster tests pay for the import

    with dg.instance_for_test() as test_instance:
        for asset in ("controlled_terminology", "cdisc_standards"):
            test_instance.report_runless_asset_event(dg.AssetMaterialization(asset))
        yield test_instance
