"""Publications, quarantines and CT changes are audit events, committed with the action: when the audit
trail cannot record the event, the action does not happen (or, for the inbox, is reported and retried)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review_db import publish

from crfgen_core.model.design import CRFDesign
from crfgen_core.publication.ledger import ledger_for_outbox
from crfgen_core.review.audit_trail import read_events, verify_chain
from crfgen_core.review.store.database import ReviewStoreError, open_engine, review_db_url
from crfgen_core.terminology.bundled import bundled_sdtm_bytes, open_seeded_store
from crfgen_core.terminology.ct_file import parse_ct_bytes
from crfgen_dagster.inbox import scan_inbox

# A closed port: what a stopped PostgreSQL looks like to the store.
UNREACHABLE = "postgresql+psycopg2://postgres@127.0.0.1:1/review"


def test_a_publication_is_an_event_naming_the_ledger_sha(example_design: CRFDesign, tmp_path: Path) -> None:
    published = publish(example_design, tmp_path)
    (event,) = read_events(open_engine(review_db_url(tmp_path)))
    assert (event.action, event.subject) == ("package.published", f"CRFGEN-EX-001/{published.directory.name}")
    assert json.loads(event.after_json or "")["manifest_sha256"] == published.manifest_sha256
    ledger = ledger_for_outbox(tmp_path / "outbox").read_text(encoding="utf-8")
    assert published.manifest_sha256 in ledger


def test_no_audit_trail_no_publication(
    example_design: CRFDesign, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRFGEN_REVIEW_DB_URL", UNREACHABLE)
    with pytest.raises(ReviewStoreError, match="unreachable"):
        publish(example_design, tmp_path)
    assert not (tmp_path / "outbox").exists() or not any((tmp_path / "outbox").rglob("manifest.json"))


def test_a_ct_change_is_an_event_and_needs_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_seeded_store(tmp_path)
    events = read_events(open_engine(review_db_url(tmp_path)))
    assert {e.action for e in events} == {"ct.current_changed"}
    assert {e.subject for e in events} == {f"ct/{p}" for p in store.packages()}
    assert all(e.before_json is None and e.reason.startswith("bundled snapshot") for e in events)
    sdtm = store.current("sdtm")
    assert sdtm is not None
    store.set_current("sdtm", sdtm.version)  # not a change: no event
    assert len(read_events(open_engine(review_db_url(tmp_path)))) == len(events)
    older_bytes = "\n".join(bundled_sdtm_bytes().decode("utf-8").splitlines()[:40]) + "\n"
    older = parse_ct_bytes(older_bytes.encode(), "SDTM Terminology 2000-01-01.txt")
    store.add(older, older_bytes.encode(), "SDTM Terminology 2000-01-01.txt")
    pointer = store.root / "sdtm" / "current"
    monkeypatch.setenv("CRFGEN_REVIEW_DB_URL", UNREACHABLE)
    with pytest.raises(ReviewStoreError):
        store.set_current("sdtm", "2000-01-01", reason="roll back")
    assert pointer.read_text(encoding="utf-8") == f"{sdtm.version}\n"  # no event, no change
    monkeypatch.delenv("CRFGEN_REVIEW_DB_URL")
    store.set_current("sdtm", "2000-01-01", reason="roll back")
    last = read_events(open_engine(review_db_url(tmp_path)))[-1]
    assert (last.reason, json.loads(last.before_json or "")["version"]) == ("roll back", sdtm.version)


def test_a_quarantine_is_an_event_and_waits_for_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notes.txt").write_text("not a protocol", encoding="utf-8")
    monkeypatch.setenv("CRFGEN_REVIEW_DB_URL", UNREACHABLE)
    scan = scan_inbox(tmp_path, {}, settle_seconds=0)
    assert scan.quarantined == [] and (inbox / "notes.txt").is_file()
    assert len(scan.problems) == 1 and "notes.txt: cannot quarantine (ReviewStoreError" in scan.problems[0]
    monkeypatch.delenv("CRFGEN_REVIEW_DB_URL")
    scan = scan_inbox(tmp_path, {}, settle_seconds=0)  # the next tick, the trail back
    (quarantined,) = scan.quarantined
    (event,) = read_events(open_engine(review_db_url(tmp_path)))
    assert (event.action, event.subject) == ("protocol.quarantined", "notes.txt")
    assert event.reason.startswith(quarantined.code)
    assert json.loads(event.after_json or "")["kept_at"] == str(quarantined.path)
    assert verify_chain(open_engine(review_db_url(tmp_path))).ok
