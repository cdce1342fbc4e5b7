"""Review tests: the example protocol's design, and a review store environment of their own."""

from __future__ import annotations

import pytest

from crfgen_core.examples import example_protocol_path
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct


@pytest.fixture(scope="session")
def example_design() -> CRFDesign:
    return design_crf(
        read_protocol(example_protocol_path("docx")), load_bundled_ct(), load_bundled_standards()
    )


@pytest.fixture(autouse=True)
def _review_store_from_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test's store is the SQLite one under the data directory it passes, unless it sets a URL."""
    for name in ("CRFGEN_REVIEW_DB_URL", "CRFGEN_REVIEW_PG_DB", "CRFGEN_REVIEW_TWO_PERSON", "CRFGEN_ACTOR"):
        monkeypatch.delenv(name, raising=False)
