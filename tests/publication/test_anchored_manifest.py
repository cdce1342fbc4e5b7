"""Anchored manifests: a file edited AND its hash rewritten in manifest.json is caught, because the
manifest's own sha256 was recorded in the publication ledger, outside the package."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from crfgen_core.cli import main as crf_gen
from crfgen_core.examples import example_protocol_path
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign
from crfgen_core.publication.audit import audit_package
from crfgen_core.publication.ledger import ledger_for_outbox
from crfgen_core.publication.publisher import Publication, publish_package
from crfgen_core.render import render_package
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct


@pytest.fixture(scope="module")
def design() -> CRFDesign:
    return design_crf(
        read_protocol(example_protocol_path("docx")), load_bundled_ct(), load_bundled_standards()
    )


def _publish(design: CRFDesign, root: Path) -> Publication:
    rendered = root / "rendered"
    rendered.mkdir(parents=True)
    render_package(design, rendered)
    files = [p for p in sorted(rendered.iterdir()) if p.name not in ("crf_design.json", "manifest.json")]
    return publish_package(design, files, root / "data" / "outbox", dagster_run_id="run-1")


def _rewrite_file_and_its_manifest_line(package: Path, name: str, data: bytes) -> None:
    (package / name).write_bytes(data)
    manifest = json.loads((package / "manifest.json").read_text())
    for entry in manifest["files"]:
        if entry["path"] == name:
            entry["sha256"] = hashlib.sha256(data).hexdigest()
            entry["size_bytes"] = len(data)
    (package / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def test_a_file_and_its_manifest_hash_rewritten_fail_the_audit(design: CRFDesign, tmp_path: Path) -> None:
    published = _publish(design, tmp_path)
    package = published.directory
    assert audit_package(package).ok and audit_package(package).anchor
    assert crf_gen(["audit", str(package)]) == 0
    odm = (package / "odm.xml").read_bytes()
    tampered = odm.replace(b'Mandatory="Yes"', b'Mandatory="No"', 1)
    assert tampered != odm
    _rewrite_file_and_its_manifest_line(package, "odm.xml", tampered)
    report = audit_package(package)
    assert report.files_verified == len(report.manifest.files)  # the manifest alone is fooled ...
    assert [p for p in report.problems if p.startswith("manifest.json: sha256")]  # ... the anchor is not
    assert crf_gen(["audit", str(package)]) == 1


def test_a_package_without_a_record_is_reported_not_verified(
    design: CRFDesign, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    published = _publish(design, tmp_path)
    ledger = ledger_for_outbox(tmp_path / "data" / "outbox")
    lines = ledger.read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["manifest_sha256"] == published.manifest_sha256
    ledger.write_text("")  # the record is lost
    report = audit_package(published.directory)
    assert report.ok and report.unanchored and "no record of" in report.unanchored
    capsys.readouterr()
    assert crf_gen(["audit", str(published.directory)]) == 3
    assert "NOT ANCHORED" in capsys.readouterr().out
    ledger.unlink()
    assert "no publication ledger" in (audit_package(published.directory).unanchored or "")


def test_appends_keep_every_record_and_survive_a_torn_line(design: CRFDesign, tmp_path: Path) -> None:
    first = _publish(design, tmp_path / "a")
    ledger = ledger_for_outbox(tmp_path / "a" / "data" / "outbox")
    with ledger.open("a") as handle:
        handle.write('{"package": "torn')  # a crash in the middle of a write
    outbox = tmp_path / "a" / "data" / "outbox"
    second = publish_package(design, [], outbox)
    assert second.directory.name.endswith("-r2")
    assert audit_package(first.directory).anchor and audit_package(second.directory).anchor
    assert len(ledger.read_text().splitlines()) == 3
