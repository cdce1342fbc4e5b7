"""The hash-chained audit trail: an edited, inserted or deleted row is found by `crf-gen audit --trail`,
which names the first broken row; the export carries what an inspector needs to recompute the chain."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from review_db import throwaway_pg_url

from crfgen_core.cli import main as crf_gen
from crfgen_core.review.audit_trail import (
    GENESIS_HASH,
    AuditAction,
    AuditEvent,
    RecordedEvent,
    audited,
    read_events,
    row_hash,
    verify_chain,
)
from crfgen_core.review.store.database import open_engine, review_db_url, upgrade

EVENTS = 5


def _record(count: int, data_dir: Path | None = None, url: str | None = None) -> None:
    for n in range(1, count + 1):
        with audited(data_dir, url=url) as audit:
            audit.record(
                AuditEvent(
                    actor=f"reviewer{n % 2}",
                    action=AuditAction.CORRECTION_RECORDED,
                    study="STUDY-1",
                    subject=f"soa_cell schedule:soa/activity:a{n}/visit:v{n}",
                    reason=f"reason {n}",
                    after={"n": n, "text": "X"},
                )
            )


def _sql(data_dir: Path, statement: str) -> None:
    with open_engine(review_db_url(data_dir)).begin() as connection:
        connection.execute(sa.text(statement))


def _trail(data_dir: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[str]]:
    code = crf_gen(["audit", "--trail", "--data-dir", str(data_dir), *extra])
    return code, capsys.readouterr().out.splitlines()


def test_an_intact_chain_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _record(EVENTS, tmp_path)
    code, lines = _trail(tmp_path, capsys)
    assert code == 0
    head = read_events(open_engine(review_db_url(tmp_path)))[-1]
    assert lines[-1] == f"OK {EVENTS} event(s), chain intact; head seq {EVENTS} sha256 {head.row_hash}"


def test_an_edited_row_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _record(EVENTS, tmp_path)
    _sql(tmp_path, "UPDATE review_audit_events SET reason = 'nothing to see' WHERE seq = 3")
    code, lines = _trail(tmp_path, capsys)
    assert code == 1
    assert lines[-2] == (
        "FAIL seq 3 (correction.recorded soa_cell schedule:soa/activity:a3/visit:v3): "
        "content does not match its row hash (edited)"
    )
    assert lines[-1] == f"audit trail: BROKEN at seq 3; {EVENTS} event(s) read"


def test_an_edited_row_with_its_hash_recomputed_breaks_the_next_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _record(EVENTS, tmp_path)
    engine = open_engine(review_db_url(tmp_path))
    third = read_events(engine)[2]
    forged = third.model_copy(update={"actor": "someone else"})
    _sql(
        tmp_path,
        "UPDATE review_audit_events SET actor = 'someone else', "
        f"row_hash = '{row_hash(third.prev_hash, forged)}' WHERE seq = 3",
    )
    code, lines = _trail(tmp_path, capsys)
    assert code == 1
    assert lines[-2].startswith("FAIL seq 4: prev_hash ") and "is not the hash of seq 3" in lines[-2]


@pytest.mark.parametrize(
    ("deleted", "named"), [(3, "FAIL seq 3 missing before seq 4 (deleted)"), (1, "FAIL seq 1")]
)
def test_a_deleted_row_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], deleted: int, named: str
) -> None:
    _record(EVENTS, tmp_path)
    _sql(tmp_path, f"DELETE FROM review_audit_events WHERE seq = {deleted}")
    code, lines = _trail(tmp_path, capsys)
    assert code == 1
    assert lines[-2].startswith(named)
    assert lines[-1].startswith(f"audit trail: BROKEN at seq {deleted};")


def test_deleting_the_newest_rows_disagrees_with_the_head(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _record(EVENTS, tmp_path)
    _sql(tmp_path, f"DELETE FROM review_audit_events WHERE seq >= {EVENTS - 1}")
    code, lines = _trail(tmp_path, capsys)
    assert code == 1
    assert f"but the last event is seq {EVENTS - 2}: seq {EVENTS - 1}..{EVENTS} deleted" in lines[-2]


def test_an_inserted_row_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _record(EVENTS, tmp_path)
    for seq in range(EVENTS, 2, -1):  # make room at seq 3, newest first (seq is unique)
        _sql(tmp_path, f"UPDATE review_audit_events SET seq = {seq + 1} WHERE seq = {seq}")
    _sql(
        tmp_path,
        "INSERT INTO review_audit_events (seq, occurred_at, actor, action, study, subject, reason, "
        "prev_hash, row_hash) VALUES (3, '2026-01-01T00:00:00+00:00', 'mallory', 'package.approved', "
        f"'STUDY-1', 'x', 'y', '{'a' * 64}', '{'b' * 64}')",
    )
    code, lines = _trail(tmp_path, capsys)
    assert code == 1
    assert lines[-2].startswith("FAIL seq 3: prev_hash aaaaaaaaaaaa...")


def test_the_export_lets_an_inspector_recompute_the_chain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _record(EVENTS, tmp_path)
    code, lines = _trail(tmp_path, capsys, "--export", str(tmp_path / "trail.csv"))
    assert code == 0 and f"exported {EVENTS} event(s) to {tmp_path / 'trail.csv'}" in lines
    with (tmp_path / "trail.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    prev = GENESIS_HASH
    for row in rows:  # recomputed from the CSV alone, with the formula docs/review.md gives
        event = RecordedEvent.model_validate(
            {
                **row,
                "seq": int(row["seq"]),
                "study": row["study"] or None,
                "before_json": row["before_json"] or None,
                "after_json": row["after_json"] or None,
            }
        )
        assert event.prev_hash == prev and row_hash(prev, event) == event.row_hash
        prev = event.row_hash
    assert _trail(tmp_path, capsys, "--export", str(tmp_path / "trail.json"))[0] == 0
    exported = json.loads((tmp_path / "trail.json").read_text(encoding="utf-8"))
    assert [e["after"]["n"] for e in exported] == list(range(1, EVENTS + 1))
    assert [e["row_hash"] for e in exported] == [r["row_hash"] for r in rows]


def test_concurrent_writers_extend_one_chain(tmp_path: Path) -> None:
    """Two processes appending at once: every append chains from the one before, none forks the chain."""
    open_engine(review_db_url(tmp_path))  # migrated once, before the writers start
    script = (
        "import sys; from pathlib import Path; "
        "from crfgen_core.review.audit_trail import AuditAction, AuditEvent, audited\n"
        "for n in range(25):\n"
        "    with audited(Path(sys.argv[1])) as audit:\n"
        "        audit.record(AuditEvent(actor=sys.argv[2], action=AuditAction.CT_CURRENT_CHANGED, "
        "subject=f'ct/{n}', reason='concurrency'))\n"
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path), name])
        for name in ("writer-a", "writer-b")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    report = verify_chain(open_engine(review_db_url(tmp_path)))
    assert report.ok and report.events == report.head_seq == 50


@pytest.mark.postgres
def test_postgresql_chain_detects_an_edit() -> None:
    with throwaway_pg_url() as url:
        upgrade(url)
        _record(EVENTS, url=url)
        engine = open_engine(url)
        assert verify_chain(engine).ok
        with engine.begin() as connection:
            forged = sa.text("UPDATE review_audit_events SET after_json = :after WHERE seq = 2")
            connection.execute(forged, {"after": '{"n":99}'})
        report = verify_chain(engine)
        assert report.broken_seq == 2 and "edited" in str(report.broken)


@pytest.mark.postgres
def test_postgresql_concurrent_writers_and_the_store_api(tmp_path: Path) -> None:
    """On PostgreSQL the table lock serializes appends from separate processes; corrections and their
    events commit together there too."""
    from crfgen_core.review.corrections import SoaCellFix
    from crfgen_core.review.review_store import ReviewStore

    with throwaway_pg_url() as url:
        upgrade(url)
        script = (
            "import sys\n"
            "from crfgen_core.review.audit_trail import AuditAction, AuditEvent, audited\n"
            "for n in range(25):\n"
            "    with audited(url=sys.argv[1]) as audit:\n"
            "        audit.record(AuditEvent(actor=sys.argv[2], action=AuditAction.CT_CURRENT_CHANGED, "
            "subject=f'ct/{n}', reason='concurrency'))\n"
        )
        writers = [subprocess.Popen([sys.executable, "-c", script, url, name]) for name in ("pg-a", "pg-b")]
        assert [w.wait(timeout=120) for w in writers] == [0, 0]
        store = ReviewStore(tmp_path, url=url)
        cell = SoaCellFix(
            study="STUDY-1", author="alice", reason="r", schedule="soa", activity="a", visit="v", action="set"
        )
        store.record(cell)
        store.withdraw(cell.id, by="bob", reason="wrong")
        report = verify_chain(store.engine)
        assert report.ok and report.events == report.head_seq == 52
        assert [e.action for e in read_events(store.engine)[-2:]] == [
            "correction.recorded",
            "correction.withdrawn",
        ]
