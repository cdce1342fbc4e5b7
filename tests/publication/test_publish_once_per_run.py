"""A run publishes a protocol once: its step retried after the package was renamed into place (the worker
died before reporting) gets that package back; another run, or no run id, is a new revision."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crfgen_core.examples import example_protocol_path
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign
from crfgen_core.publication.audit import audit_package
from crfgen_core.publication.ledger import ledger_for_outbox
from crfgen_core.publication.publisher import current_package, publish_package
from crfgen_core.review.audit_trail import AuditAction, has_event, read_events
from crfgen_core.review.store.database import URL_ENV, open_engine, review_db_url
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct


@pytest.fixture(scope="module")
def design() -> CRFDesign:
    return design_crf(
        read_protocol(example_protocol_path("pdf")), load_bundled_ct(), load_bundled_standards()
    )


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "rendered" / "source.pdf"
    path.parent.mkdir()
    shutil.copyfile(example_protocol_path("pdf"), path)
    return path


def test_the_same_run_publishing_again_gets_its_package_back(
    design: CRFDesign, source: Path, tmp_path: Path
) -> None:
    outbox = tmp_path / "data" / "outbox"
    first = publish_package(design, [source], outbox, dagster_run_id="run-a")
    (first.directory.parent / "current").unlink()  # the worker died between the rename and the pointer
    retried = publish_package(design, [source], outbox, dagster_run_id="run-a")
    assert retried.directory == first.directory and retried.manifest_sha256 == first.manifest_sha256
    assert retried.manifest == first.manifest
    assert [p.name for p in first.directory.parent.iterdir() if p.is_dir()] == [first.directory.name]
    assert current_package(first.directory.parent) == first.directory
    assert len(ledger_for_outbox(outbox).read_text().splitlines()) == 1
    assert audit_package(first.directory).anchor


def test_another_run_or_a_record_without_its_package_publishes_a_new_one(
    design: CRFDesign, source: Path, tmp_path: Path
) -> None:
    outbox = tmp_path / "data" / "outbox"
    first = publish_package(design, [source], outbox, dagster_run_id="run-a")
    other = publish_package(design, [source], outbox, dagster_run_id="run-b")
    assert other.directory.name == f"{first.directory.name}-r2"
    shutil.rmtree(other.directory)  # recorded, but the rename never happened
    again = publish_package(design, [source], outbox, dagster_run_id="run-b")
    assert again.directory.name == f"{first.directory.name}-r2" and again.directory.is_dir()
    assert audit_package(again.directory).anchor


def test_a_retried_step_records_the_publication_the_dead_worker_did_not_audit(
    design: CRFDesign, source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = tmp_path / "data" / "outbox"
    # The package is renamed into place, but its event lands elsewhere: as if it was never committed.
    monkeypatch.setenv(URL_ENV, f"sqlite:///{tmp_path / 'lost.sqlite3'}")
    first = publish_package(design, [source], outbox, dagster_run_id="run-a")
    monkeypatch.delenv(URL_ENV)
    package = f"{first.directory.parent.name}/{first.directory.name}"
    assert not has_event(tmp_path / "data", AuditAction.PACKAGE_PUBLISHED, package)
    publish_package(design, [source], outbox, dagster_run_id="run-a")
    publish_package(design, [source], outbox, dagster_run_id="run-a")
    events = read_events(open_engine(review_db_url(tmp_path / "data")))
    assert [(e.action, e.subject) for e in events] == [(AuditAction.PACKAGE_PUBLISHED.value, package)]
