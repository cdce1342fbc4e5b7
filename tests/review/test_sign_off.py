"""Sign-off: a published package is a draft; an approval is bound to its manifest's sha256 and listed
under outbox/<study>/approved/; a changed package needs a new approval; the two-person rule refuses the
author of a correction in the package, or its submitter."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from review_db import publish

from crfgen_core.cli import main as crf_gen
from crfgen_core.examples import example_protocol_path
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.model.design import CRFDesign
from crfgen_core.review.apply import apply_corrections
from crfgen_core.review.audit_trail import read_events
from crfgen_core.review.corrections import ItemDrop
from crfgen_core.review.keys import study_key
from crfgen_core.review.review_store import ReviewStore
from crfgen_core.review.sign_off import (
    PackageStatus,
    SignOffRefusedError,
    approved_dir,
    decide,
    read_approval,
    review_status,
)
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_approval_is_bound_to_the_manifest_and_listed(example_design: CRFDesign, tmp_path: Path) -> None:
    package = publish(example_design, tmp_path).directory
    store = ReviewStore(tmp_path)
    assert review_status(store, package).status is PackageStatus.DRAFT
    decision = decide(store, package, decision="approved", signer="Dr Lee", reason="all forms checked")
    assert decision.manifest_sha256 == _sha(package / "manifest.json")
    assert review_status(store, package).status is PackageStatus.APPROVED
    listed = approved_dir(package) / package.name
    assert listed.is_symlink() and os.readlink(listed) == f"../{package.name}"
    assert listed.resolve() == package.resolve()
    record = read_approval(package)
    assert record is not None and record.manifest_sha256 == _sha(package / "manifest.json")
    assert [(a.signer, a.reason) for a in record.approvals] == [("Dr Lee", "all forms checked")]
    assert [e.action for e in read_events(store.engine)] == ["package.published", "package.approved"]
    assert sorted(p.name for p in package.iterdir()) == ["crf_design.json", "manifest.json"]  # untouched


def test_a_changed_package_needs_a_new_approval(example_design: CRFDesign, tmp_path: Path) -> None:
    first = publish(example_design, tmp_path).directory
    store = ReviewStore(tmp_path)
    decide(store, first, decision="approved", signer="Dr Lee", reason="ok")
    rebuilt = publish(example_design, tmp_path).directory  # same protocol, rebuilt: a new revision
    assert rebuilt.name == f"{first.name}-r2"
    assert review_status(store, rebuilt).status is PackageStatus.DRAFT
    assert read_approval(rebuilt) is None
    decide(store, rebuilt, decision="approved", signer="Dr Lee", reason="ok again")
    assert {p.name for p in approved_dir(first).iterdir()} == {
        first.name,
        f"{first.name}.approval.json",
        rebuilt.name,
        f"{rebuilt.name}.approval.json",
    }
    # a package whose files no longer match what was approved is CHANGED and cannot be approved as it is
    (first / "crf_design.json").write_text("{}", encoding="utf-8")
    changed = review_status(store, first)
    assert changed.status is PackageStatus.CHANGED
    assert any("crf_design.json: sha256" in p for p in changed.problems)
    with pytest.raises(SignOffRefusedError, match="does not verify"):
        decide(store, first, decision="approved", signer="Dr Lee", reason="again")


def test_a_rejection_then_an_approval(example_design: CRFDesign, tmp_path: Path) -> None:
    package = publish(example_design, tmp_path).directory
    store = ReviewStore(tmp_path)
    decide(store, package, decision="rejected", signer="Dr Lee", reason="visit 3 missing")
    assert review_status(store, package).status is PackageStatus.REJECTED
    assert not approved_dir(package).exists()
    decide(store, package, decision="approved", signer="Dr Lee", reason="visit 3 is a phone call: fine")
    assert review_status(store, package).status is PackageStatus.APPROVED
    assert (approved_dir(package) / package.name).is_symlink()
    decide(store, package, decision="rejected", signer="Dr Kim", reason="visit 3 is on site after all")
    assert review_status(store, package).status is PackageStatus.REJECTED
    assert list(approved_dir(package).iterdir()) == []  # the approval is revoked from the listing
    decide(store, package, decision="approved", signer="Dr Kim", reason="fixed by amendment note")
    record = read_approval(package)
    assert record is not None and [a.signer for a in record.approvals] == ["Dr Kim"]


def test_the_two_person_rule_refuses_the_author_and_the_submitter(
    example_design: CRFDesign,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = ReviewStore(tmp_path)
    parsed = read_protocol(example_protocol_path("docx"))
    form = example_design.forms[-1]
    item = form.item_groups[0].items[-1]
    store.record(
        ItemDrop(
            study=study_key(parsed), author="alice", reason="not collected", form=form.oid, item=item.oid
        )
    )
    build = apply_corrections(
        parsed, store.correction_set(study_key(parsed)), load_bundled_ct(), load_bundled_standards()
    )
    assert [(o.author, o.status) for o in build.design.corrections] == [("alice", "applied")]
    monkeypatch.setenv("CRFGEN_ACTOR", "carol@builder")
    package = publish(build.design, tmp_path).directory
    monkeypatch.setenv("CRFGEN_REVIEW_TWO_PERSON", "1")
    data = ["--data-dir", str(tmp_path)]
    for signer in ("Alice", "carol"):
        assert crf_gen(["review", "approve", str(package), "--signer", signer, "--reason", "ok", *data]) == 1
        assert "refused: two-person rule" in capsys.readouterr().err
    assert review_status(store, package).status is PackageStatus.DRAFT
    assert (
        crf_gen(["review", "approve", str(package), "--signer", "bob", "--reason", "second pair", *data]) == 0
    )
    out = capsys.readouterr().out
    assert f"approved by bob, manifest sha256 {_sha(package / 'manifest.json')}" in out
    record = read_approval(package)
    assert record is not None and record.two_person_rule
    # without the rule, the author may approve
    monkeypatch.delenv("CRFGEN_REVIEW_TWO_PERSON")
    assert crf_gen(["review", "approve", str(package), "--signer", "alice", "--reason", "ok", *data]) == 0
    capsys.readouterr()
    assert crf_gen(["review", "status", str(package), *data]) == 0
    status = capsys.readouterr().out.splitlines()
    sha = _sha(package / "manifest.json")
    assert status[0].endswith(f"approved (manifest sha256 {sha})")
    assert status[1] == f"  listed as approved (2 approval(s)) for this manifest {sha}"
    assert [line.split(" by ")[1].split(":")[0] for line in status[2:]] == ["bob", "alice"]


def test_an_unpublished_folder_cannot_be_approved(example_design: CRFDesign, tmp_path: Path) -> None:
    package = publish(example_design, tmp_path).directory
    (tmp_path / "ledger" / "publications.jsonl").unlink()  # nothing vouches for the manifest any more
    with pytest.raises(SignOffRefusedError, match="no publication ledger"):
        decide(ReviewStore(tmp_path), package, decision="approved", signer="Dr Lee", reason="ok")
