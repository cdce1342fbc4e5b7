"""Corrections, sign-off and audit over HTTP: each write through the review store with the caller as the
audit actor; role refusals; bad input answered as JSON without a traceback; the review page's CSRF and
role checks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import bearer
from fastapi.testclient import TestClient

from crfgen_api.auth.roles import Role
from crfgen_api.review_page.session import csrf_token
from crfgen_api.settings import ApiSettings
from crfgen_core.examples import example_protocol_path
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.model.design import CRFDesign
from crfgen_core.publication.publisher import publish_package
from crfgen_core.review.audit_trail import read_events
from crfgen_core.review.review_store import ReviewStore
from crfgen_core.review.sign_off import approved_dir
from crfgen_core.review.study_file import read_study_corrections
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct

CELL = {
    "kind": "soa_cell",
    "schedule": "schedule-of-activities",
    "activity": "vital-signs",
    "visit": "visit-2",
    "action": "set",
    "reason": "tick missed",
}


@pytest.fixture(scope="module")
def design() -> CRFDesign:
    return design_crf(
        read_protocol(example_protocol_path("docx")), load_bundled_ct(), load_bundled_standards()
    )


@pytest.fixture
def package(design: CRFDesign, settings: ApiSettings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ("CRFGEN_REVIEW_DB_URL", "CRFGEN_REVIEW_PG_DB", "CRFGEN_REVIEW_TWO_PERSON"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CRFGEN_ACTOR", "test-approver")  # the submitter (two-person rule test)
    yield publish_package(design, [], settings.data_dir / "outbox").directory


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text


def test_corrections_are_recorded_listed_and_withdrawn_with_the_caller(
    client: TestClient, tokens: dict[Role, str], package: Path, settings: ApiSettings
) -> None:
    study = package.parent.name
    reviewer = bearer(tokens[Role.REVIEWER])
    answer = client.post(f"/studies/{study}/corrections", json=CELL, headers=reviewer)
    assert answer.status_code == 201, answer.text
    recorded = answer.json()
    assert recorded["correction"]["author"] == "test-reviewer"
    cid = recorded["correction"]["id"]
    assert [c.id for c in read_study_corrections(settings.data_dir, study).corrections] == [cid]
    store = ReviewStore(settings.data_dir)
    event = read_events(store.engine)[-1]
    assert event.seq == recorded["audit_seq"] and event.action == "correction.recorded"
    assert event.actor.startswith("test-reviewer (token:")
    listed = client.get(f"/studies/{study}/corrections", headers=reviewer).json()
    assert [c["correction"]["id"] for c in listed] == [cid]
    # the same id again is a conflict, not a second row
    again = client.post(f"/studies/{study}/corrections", json={**CELL, "id": cid}, headers=reviewer)
    assert again.status_code == 409
    gone = client.delete(f"/studies/{study}/corrections/{cid}", params={"reason": "wrong"}, headers=reviewer)
    assert gone.status_code == 200 and gone.json()["correction_id"] == cid
    assert client.get(f"/studies/{study}/corrections", headers=reviewer).json() == []
    everything = client.get(f"/studies/{study}/corrections?all=true", headers=reviewer).json()
    assert everything[0]["withdrawn"] and everything[0]["withdrawn_reason"] == "wrong"
    assert read_study_corrections(settings.data_dir, study).corrections == []
    assert read_events(store.engine)[-1].action == "correction.withdrawn"
    missing = client.delete(f"/studies/{study}/corrections/{cid}", params={"reason": "x"}, headers=reviewer)
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({**CELL, "author": "mallory"}, "author"),
        ({**CELL, "created_at": "2020-01-01T00:00:00Z"}, "created_at"),
        ({**CELL, "study": "OTHER"}, "OTHER"),
        ({**CELL, "kind": "no_such_kind"}, "kind"),
        ({"kind": "soa_cell"}, "reason"),
    ],
)
def test_a_bad_correction_is_a_422_naming_the_problem(
    client: TestClient, tokens: dict[Role, str], package: Path, body: dict[str, object], needle: str
) -> None:
    answer = client.post(
        f"/studies/{package.parent.name}/corrections", json=body, headers=bearer(tokens[Role.REVIEWER])
    )
    assert answer.status_code == 422 and answer.json()["error"] == "invalid_correction"
    assert needle in answer.text
    _no_traceback(answer.text)


def test_roles_and_path_parameters(client: TestClient, tokens: dict[Role, str], package: Path) -> None:
    study, version = package.parent.name, package.name
    cases = [
        ("post", f"/studies/{study}/corrections", Role.UPLOADER, 403),
        ("post", f"/studies/{study}/corrections", Role.AUDITOR, 403),
        ("post", f"/packages/{study}/{version}/approve", Role.REVIEWER, 403),
        ("post", f"/packages/{study}/{version}/reject", Role.AUDITOR, 403),
        ("get", "/audit", Role.APPROVER, 403),
        ("get", "/audit/verify", Role.REVIEWER, 403),
        ("get", f"/studies/{study}/corrections", Role.UPLOADER, 403),
    ]
    for method, path, role, status in cases:
        answer = client.request(method, path, json={"reason": "r", **CELL}, headers=bearer(tokens[role]))
        assert answer.status_code == status, (path, role)
    assert client.get("/audit").status_code == 401
    assert client.post(f"/studies/{study}/corrections", json=CELL).status_code == 401
    reviewer = bearer(tokens[Role.REVIEWER])
    for path in ("/studies/.hidden/corrections", "/studies/a%20b/corrections"):
        answer = client.post(path, json=CELL, headers=reviewer)
        assert answer.status_code == 422 and answer.json()["error"] == "invalid_request"
    assert client.post("/studies/NO-SUCH-STUDY/corrections", json=CELL, headers=reviewer).status_code == 404
    bad_id = client.delete(f"/studies/{study}/corrections/..%2Fx", params={"reason": "r"}, headers=reviewer)
    assert bad_id.status_code in (404, 422)
    auditor = bearer(tokens[Role.AUDITOR])
    for query in ("kind=DROP%20TABLE", "since=yesterday", "limit=100000", "offset=-1"):
        answer = client.get(f"/audit?{query}", headers=auditor)
        assert answer.status_code == 422
        _no_traceback(answer.text)


def test_approve_and_reject_bind_to_the_manifest(
    client: TestClient, tokens: dict[Role, str], package: Path, settings: ApiSettings
) -> None:
    study, version = package.parent.name, package.name
    approver = bearer(tokens[Role.ADMIN])
    assert client.get(f"/packages/{study}/{version}/review", headers=approver).json()["status"] == "draft"
    empty = client.post(f"/packages/{study}/{version}/approve", json={"reason": ""}, headers=approver)
    assert empty.status_code == 422
    approved = client.post(f"/packages/{study}/{version}/approve", json={"reason": "ok"}, headers=approver)
    assert approved.status_code == 200, approved.text
    assert approved.json()["signer"] == "test-admin"
    status = client.get(f"/packages/{study}/{version}/review", headers=approver).json()
    assert status["status"] == "approved" and status["approved_listing"] == f"{study}/approved/{version}"
    assert (approved_dir(package) / version).is_symlink()
    event = read_events(ReviewStore(settings.data_dir).engine)[-1]
    assert event.action == "package.approved" and event.actor.startswith("test-admin (token:")
    rejected = client.post(f"/packages/{study}/{version}/reject", json={"reason": "no"}, headers=approver)
    assert rejected.status_code == 200
    assert client.get(f"/packages/{study}/{version}/review", headers=approver).json()["status"] == "rejected"
    assert not (approved_dir(package) / version).exists()


def test_the_two_person_rule_refuses_the_submitter(
    client: TestClient, tokens: dict[Role, str], package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRFGEN_REVIEW_TWO_PERSON", "1")
    answer = client.post(
        f"/packages/{package.parent.name}/{package.name}/approve",
        json={"reason": "mine"},
        headers=bearer(tokens[Role.APPROVER]),  # named test-approver, who published it
    )
    assert answer.status_code == 409 and answer.json()["error"] == "sign_off_refused"
    assert "two-person rule" in answer.json()["detail"] and str(package) not in answer.text


def test_audit_is_filtered_paged_and_verified(
    client: TestClient, tokens: dict[Role, str], package: Path, settings: ApiSettings
) -> None:
    study = package.parent.name
    for activity in ("vital-signs", "ecg", "weight"):
        body = {**CELL, "activity": activity}
        assert (
            client.post(
                f"/studies/{study}/corrections", json=body, headers=bearer(tokens[Role.REVIEWER])
            ).status_code
            == 201
        )
    auditor = bearer(tokens[Role.AUDITOR])
    everything = client.get("/audit", headers=auditor).json()
    assert everything["total"] == 4  # the publication and three corrections
    first = client.get(f"/audit?kind=correction&study={study}&limit=2", headers=auditor).json()
    assert first["total"] == 3 and len(first["events"]) == 2 and first["next_offset"] == 2
    rest = client.get(f"/audit?kind=correction&study={study}&limit=2&offset=2", headers=auditor).json()
    assert len(rest["events"]) == 1 and rest["next_offset"] is None
    assert client.get("/audit?kind=package.published", headers=auditor).json()["total"] == 1
    assert client.get("/audit?since=2999-01-01T00:00:00Z", headers=auditor).json()["total"] == 0
    assert client.get("/audit?until=2000-01-01", headers=auditor).json()["total"] == 0
    assert client.get("/audit/verify", headers=auditor).json()["ok"] is True
    with sqlite3.connect(settings.data_dir / "review" / "review.sqlite3") as db:
        db.execute("UPDATE review_audit_events SET reason = 'edited' WHERE seq = 2")
    verdict = client.get("/audit/verify", headers=auditor).json()
    assert verdict["ok"] is False and verdict["broken_seq"] == 2 and "edited" in verdict["broken"]


def _log_in(client: TestClient, token: str) -> str:
    answer = client.post("/review/login", data={"token": token}, follow_redirects=False)
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    return csrf_token(token)


def test_the_page_refuses_missing_csrf_foreign_origins_and_wrong_roles(
    client: TestClient, tokens: dict[Role, str], package: Path, settings: ApiSettings
) -> None:
    study, version = package.parent.name, package.name
    base = f"/review/{study}/{version}"
    assert client.get(base, follow_redirects=False).headers["location"] == "/review/login"
    csrf = _log_in(client, tokens[Role.REVIEWER])
    page = client.get(base)
    assert page.status_code == 200 and csrf in page.text and 'id="approve"' not in page.text
    # the correction keys come from the package's own schedule map: no pipeline stage file here
    assert not (settings.data_dir / "stages").exists()
    assert 'id="soa-cell-form"' in page.text and 'name="schedule" value="schedule-of-activities"' in page.text
    assert f'<option value="{CELL["activity"]}">' in page.text
    assert f'<option value="{CELL["visit"]}">' in page.text
    form = {
        "schedule": "s",
        "activity": "a",
        "visit": "v",
        "action": "set",
        "reason": "r",
    }
    for data, headers in (
        (form, {}),
        ({**form, "csrf": "0" * 64}, {}),
        ({**form, "csrf": csrf}, {"Origin": "https://evil.example"}),
    ):
        refused = client.post(f"{base}/soa-cell", data=data, headers=headers, follow_redirects=False)
        assert refused.status_code in (403, 422) and "text/html" in refused.headers["content-type"]
        _no_traceback(refused.text)
    assert ReviewStore(settings.data_dir).corrections(study) == []
    decision = client.post(f"{base}/decision", data={"csrf": csrf, "verdict": "approved", "reason": "r"})
    assert decision.status_code == 403  # a reviewer may not approve
    recorded = client.post(f"{base}/soa-cell", data={**form, "csrf": csrf}, follow_redirects=False)
    assert recorded.status_code == 303 and "recorded=" in recorded.headers["location"]
    assert "The design is stale" in client.get(recorded.headers["location"]).text
    other_csrf = _log_in(client, tokens[Role.APPROVER])
    assert other_csrf != csrf
    approved = client.post(
        f"{base}/decision",
        data={"csrf": other_csrf, "verdict": "approved", "reason": "ok"},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    assert (approved_dir(package) / version).is_symlink()
    assert client.get(f"{base}/page/1.png").status_code == 404  # no stored PDF here: refused, not a crash
    assert client.get(f"/review/{study}/..%2F..%2Fetc").status_code in (404, 422)


def test_a_damaged_package_is_an_error_page_without_a_traceback(
    client: TestClient, tokens: dict[Role, str], package: Path
) -> None:
    _log_in(client, tokens[Role.REVIEWER])
    design = package / "crf_design.json"
    design.chmod(0o644)
    design.write_text("{not json", encoding="utf-8")
    answer = client.get(f"/review/{package.parent.name}/{package.name}")
    assert answer.status_code == 500 and "text/html" in answer.headers["content-type"]
    assert "incident" in answer.text
    _no_traceback(answer.text)
