"""POST /protocols: the version key the sensor will use, 413 before the body, 415, quarantine, 409, 429."""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import threading

import dagster as dg
import pytest
import uvicorn
from api_helpers import bearer, make_settings
from fastapi.testclient import TestClient
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from crfgen_api.app import create_app
from crfgen_api.auth.roles import Role
from crfgen_api.auth.tokens import TokenStore
from crfgen_core.examples import example_protocol_path
from crfgen_core.publication.manifest import package_version_key
from crfgen_core.review.audit_trail import read_events
from crfgen_core.review.review_store import ReviewStore
from crfgen_dagster.defs.ingestion.sensors import build_inbox_sensor
from crfgen_dagster.defs.resources import CRFGenSettings

DOCX = example_protocol_path("docx")


def post(client: TestClient, token: str, name: str, content: bytes):
    return client.post("/protocols", headers=bearer(token), files={"file": (name, content)})


def test_an_upload_lands_in_the_inbox_and_the_sensor_runs_it_under_the_returned_key(
    client, tokens, settings, instance
) -> None:
    content = DOCX.read_bytes()
    response = post(client, tokens[Role.UPLOADER], "../../etc/Study 42 (v2).docx", content)
    assert response.status_code == 202, response.text
    body = response.json()
    sha256 = hashlib.sha256(content).hexdigest()
    assert body["sha256"] == sha256 and body["file"] == "Study 42 (v2).docx"  # the last segment only
    assert body["version_key"] == package_version_key("Study 42 (v2).docx", sha256)
    assert (settings.data_dir / "inbox" / "Study 42 (v2).docx").read_bytes() == content
    assert [p.name for p in (settings.data_dir / "inbox").iterdir()] == [
        "Study 42 (v2).docx"
    ]  # no staging left
    status = client.get(body["status_url"], headers=bearer(tokens[Role.AUDITOR])).json()
    assert status["state"] == "waiting"

    # One tick of the real inbox sensor (settled at once) requests a run of exactly that partition.
    context = dg.build_sensor_context(
        instance=instance,
        resources={"settings": CRFGenSettings(data_dir=str(settings.data_dir), settle_seconds=0)},
    )
    result = build_inbox_sensor()(context)
    assert [r.partition_key for r in result.run_requests] == [body["version_key"]]

    # The same bytes again, under another name: the key is the one already stored.
    again = post(client, tokens[Role.UPLOADER], "renamed.docx", content).json()
    assert again["version_key"] == body["version_key"] and again["duplicate_of_stored"] is True


def test_a_declared_body_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch) -> None:
    """Over real HTTP: the client announces 10 GB and waits for `100 Continue`; the answer is 413 and
    not one byte of the body was sent."""
    monkeypatch.delenv("DAGSTER_PG_DB", raising=False)
    settings = make_settings(tmp_path)
    token = TokenStore(settings.tokens_file).create("t", Role.UPLOADER)[0]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            thread.join(0.05)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall(
                b"POST /protocols HTTP/1.1\r\nHost: x\r\n"
                + f"Authorization: Bearer {token}\r\n".encode()
                + b"Content-Type: multipart/form-data; boundary=b\r\n"
                b"Content-Length: 10737418240\r\nExpect: 100-continue\r\n\r\n"
            )
            answer = conn.recv(4096).decode()
        assert answer.startswith("HTTP/1.1 413"), answer
        assert "100 Continue" not in answer and "too_large" in answer
    finally:
        server.should_exit = True
        thread.join(30)


def test_a_body_growing_past_the_limit_while_streamed_is_cut_off(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("DAGSTER_PG_DB", raising=False)
    settings = make_settings(tmp_path, max_upload_bytes=100_000)
    token = TokenStore(settings.tokens_file).create("t", Role.UPLOADER)[0]
    boundary = "bnd"

    def chunked_body():  # no Content-Length: only the streaming cap can stop it
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n"
        ).encode()
        for _ in range(400):
            yield b"0" * 4096
        yield f"\r\n--{boundary}--\r\n".encode()

    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/protocols",
            headers={**bearer(token), "Content-Type": f"multipart/form-data; boundary={boundary}"},
            content=chunked_body(),
        )
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    assert not (settings.data_dir / "inbox").exists()  # refused while the form was parsed, before staging


def test_a_file_over_the_limit_inside_a_small_declared_envelope_is_413(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("DAGSTER_PG_DB", raising=False)
    settings = make_settings(tmp_path, max_upload_bytes=20_000)
    token = TokenStore(settings.tokens_file).create("t", Role.UPLOADER)[0]
    with TestClient(create_app(settings)) as client:
        response = post(client, token, "big.docx", DOCX.read_bytes())  # 38 kB > 20 kB, under the allowance
    assert response.status_code == 413
    assert not list((settings.data_dir / "inbox").iterdir())


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"not a protocol"),
        ("fake.pdf", b"<html>no pdf here</html>"),
        ("a.docx", b"PK\x03\x04zip"),
    ],
)
def test_content_that_is_not_a_pdf_or_docx_is_415_and_not_kept(
    client, tokens, settings, name, content
) -> None:
    response = post(client, tokens[Role.UPLOADER], name, content)
    assert response.status_code == 415, response.text
    assert not any((settings.data_dir / "inbox").iterdir())
    assert not (settings.data_dir / "quarantine").exists()


def test_a_body_that_is_not_multipart_is_415(client, tokens) -> None:
    response = client.post("/protocols", headers=bearer(tokens[Role.UPLOADER]), json={"file": "x"})
    assert response.status_code == 415


def test_an_encrypted_pdf_is_quarantined_with_the_sensors_reason(client, tokens, settings, tmp_path) -> None:
    path = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(path), encrypt=StandardEncryption("user-secret", ownerPassword="owner-secret"))
    pdf.drawString(72, 720, "Protocol")
    pdf.save()
    response = post(client, tokens[Role.UPLOADER], "locked.pdf", path.read_bytes())
    assert response.status_code == 422 and response.json()["error"] == "quarantined"
    [kept] = [p for p in (settings.data_dir / "quarantine").iterdir() if not p.name.endswith(".reason.txt")]
    assert kept.name.endswith("-locked.pdf") and kept.read_bytes() == path.read_bytes()
    assert kept.with_name(kept.name + ".reason.txt").read_text().startswith("ENCRYPTED: ")
    key = package_version_key("locked.pdf", hashlib.sha256(path.read_bytes()).hexdigest())
    status = client.get(f"/protocols/{key}", headers=bearer(tokens[Role.UPLOADER])).json()
    assert status["state"] == "quarantined" and status["quarantine_reason"].startswith("ENCRYPTED")


def test_a_pdf_over_the_page_limit_is_quarantined(client, tokens, settings, monkeypatch) -> None:
    monkeypatch.setenv("CRFGEN_MAX_INPUT_PAGES", "1")  # the intake's own limit, read per file
    response = post(client, tokens[Role.UPLOADER], "long.pdf", example_protocol_path("pdf").read_bytes())
    assert response.status_code == 422 and "LIMIT_EXCEEDED" in response.json()["detail"]


def test_a_different_file_of_a_waiting_name_is_409_and_nothing_is_overwritten(
    client, tokens, settings
) -> None:
    token = tokens[Role.UPLOADER]
    assert post(client, token, "p.docx", DOCX.read_bytes()).status_code == 202
    assert post(client, token, "p.docx", DOCX.read_bytes()).status_code == 202  # same bytes: same file
    pdf = example_protocol_path("pdf").read_bytes()
    assert post(client, token, "p.docx", pdf).status_code == 409
    assert (settings.data_dir / "inbox" / "p.docx").read_bytes() == DOCX.read_bytes()


@pytest.mark.parametrize("name", [".hidden.pdf", "draft.pdf.part", "a\x01b.pdf", "..", ""])
def test_hidden_temporary_or_unprintable_names_are_refused(client, tokens, settings, name) -> None:
    # built by hand: a client library would escape the control character
    body = (
        f'--b\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'.encode()
        + DOCX.read_bytes()
        + b"\r\n--b--\r\n"
    )
    headers = {**bearer(tokens[Role.UPLOADER]), "Content-Type": "multipart/form-data; boundary=b"}
    response = client.post("/protocols", headers=headers, content=body)
    assert response.status_code == 422, response.text
    inbox = settings.data_dir / "inbox"
    assert not (inbox.exists() and any(inbox.iterdir()))  # staging folders included


def test_uploads_past_the_burst_are_429_with_retry_after(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("DAGSTER_PG_DB", raising=False)
    settings = make_settings(tmp_path, upload_burst=2, uploads_per_minute=1)
    store = TokenStore(settings.tokens_file)
    first, second = store.create("a", Role.UPLOADER)[0], store.create("b", Role.UPLOADER)[0]
    with TestClient(create_app(settings)) as client:
        codes = [post(client, first, f"p{i}.txt", b"x").status_code for i in range(3)]
        assert codes == [415, 415, 429]  # refused uploads count too: the limit protects the server
        limited = post(client, first, "p.txt", b"x")
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        assert post(client, second, "p.txt", b"x").status_code == 415  # another caller has its own bucket


def test_a_file_between_the_inbox_and_its_intake_record_is_taken_not_404(client, tokens, settings) -> None:
    """The sensor moves the file into protocols/<sha256>/ first and writes intake.json after it."""
    content = DOCX.read_bytes()
    body = post(client, tokens[Role.UPLOADER], "study.docx", content).json()
    folder = settings.data_dir / "protocols" / body["sha256"]
    folder.mkdir(parents=True)
    (settings.data_dir / "inbox" / "study.docx").rename(folder / "study.docx")
    status = client.get(body["status_url"], headers=bearer(tokens[Role.UPLOADER]))
    assert status.status_code == 200 and status.json()["state"] == "taken"


def test_every_upload_is_logged_with_its_caller_accepted_or_refused(client, tokens, settings, caplog) -> None:
    caplog.set_level(logging.INFO, logger="crfgen_api.writes")
    token = tokens[Role.UPLOADER]
    token_id = token.split("_")[1]
    accepted = post(client, token, "study.docx", DOCX.read_bytes()).json()
    post(client, token, "notes.txt", b"text")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "crfgen_api.writes"]
    assert [(line["caller"], line["action"], line["outcome"]) for line in lines] == [
        (f"token:{token_id}", "protocol.upload", "queued"),
        (f"token:{token_id}", "protocol.upload", "unsupported_format"),
    ]
    assert lines[0]["target"] == accepted["version_key"] and lines[0]["sha256"] == accepted["sha256"]
    assert lines[0]["caller_name"] == "test-uploader" and lines[0]["roles"] == ["uploader"]


def test_accepted_and_quarantined_uploads_are_audit_events_with_the_caller(client, tokens, settings) -> None:
    token = tokens[Role.UPLOADER]
    post(client, token, "study.docx", DOCX.read_bytes())
    post(client, token, "notes.txt", b"text")  # refused before anything is kept: no event
    events = read_events(ReviewStore(settings.data_dir).engine)
    assert [(e.action, e.subject) for e in events] == [("protocol.uploaded", "study.docx")]
    assert events[0].actor == f"test-uploader (token:{token.split('_')[1]})"
    assert (settings.data_dir / "inbox" / "study.docx").is_file()


def test_an_upload_is_not_linked_when_the_audit_trail_cannot_be_written(
    client, tokens, settings, monkeypatch
) -> None:
    monkeypatch.setenv("CRFGEN_REVIEW_DB_URL", "postgresql+psycopg2://nobody@127.0.0.1:9/none")
    response = post(client, tokens[Role.UPLOADER], "study.docx", DOCX.read_bytes())
    assert response.status_code == 503 and response.json()["error"] == "review_store_unavailable"
    assert not (settings.data_dir / "inbox" / "study.docx").exists()
    assert "Traceback" not in response.text
