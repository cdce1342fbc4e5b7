"""Studies, versions with run and check status, manifests and zips of a package built through Dagster."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from api_helpers import bearer, make_settings
from fastapi.testclient import TestClient

from crfgen_api.app import create_app
from crfgen_api.auth.roles import Role
from crfgen_api.auth.tokens import TokenStore
from crfgen_core.examples import example_protocol_path
from crfgen_dagster.local_run import materialize_protocol

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str, Path, str]]:
    """One protocol built and published through the asset graph into the instance the API reads."""
    root = tmp_path_factory.mktemp("api")
    saved = {name: os.environ.pop(name, None) for name in ("DAGSTER_PG_DB", "DAGSTER_PG_URL", "DAGSTER_HOME")}
    try:
        settings = make_settings(root)
        os.environ["DAGSTER_HOME"] = str(settings.dagster_home)  # where the SQLite storage goes
        with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
            key, result = materialize_protocol(example_protocol_path("docx"), settings.data_dir, instance)
        assert result.success
        token = TokenStore(settings.tokens_file).create("reader", Role.AUDITOR)[0]
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            yield client, token, settings.data_dir, key
    finally:
        os.environ.pop("DAGSTER_HOME", None)
        os.environ.update({name: value for name, value in saved.items() if value is not None})


def test_studies_and_versions_show_the_run_and_its_checks(published) -> None:
    client, token, _, key = published
    [study] = client.get("/studies", headers=bearer(token)).json()
    assert study["packages"] == 1 and study["current"]
    [version] = client.get(f"/studies/{study['study']}/versions", headers=bearer(token)).json()
    assert version["version_key"] == key and version["package"] == f"{study['study']}/{study['current']}"
    status = version["status"]
    assert status["state"] == "published" and status["run"]["status"] == "SUCCESS"
    assert status["run"]["run_id"] == version["dagster_run_id"]
    checks = {c["check"]: c for c in status["checks"]}
    assert "soa_found" in checks and all(c["passed"] for c in checks.values() if c["severity"] == "ERROR")
    assert client.get(f"/protocols/{key}", headers=bearer(token)).json()["state"] == "published"


def test_the_manifest_and_the_zip_hold_exactly_the_published_files(published) -> None:
    client, token, _, _ = published
    [study] = client.get("/studies", headers=bearer(token)).json()
    package = client.get(f"/packages/{study['study']}/{study['current']}", headers=bearer(token)).json()
    manifest = package["manifest"]
    download = client.get(package["download_url"], headers=bearer(token))
    assert download.status_code == 200 and download.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        contents = {Path(name).name: archive.read(name) for name in archive.namelist()}
        assert all(name.startswith(f"{package['package']}/") for name in archive.namelist())
    for entry in manifest["files"]:
        assert hashlib.sha256(contents[entry["path"]]).hexdigest() == entry["sha256"]
    assert json.loads(contents["manifest.json"])["version"] == manifest["version"]


@pytest.mark.parametrize(
    "path",
    [
        "/packages/../outbox",
        "/packages/%2e%2e/%2e%2e",
        "/packages/..%2F..%2Fetc/passwd",
        "/packages/.hidden/x",
        "/studies/..%2Fprotocols/versions",
        "/protocols/..%2F..%2Fetc%2Fpasswd",
    ],
)
def test_traversal_in_path_parameters_is_refused(published, path: str) -> None:
    client, token, _, _ = published
    response = client.get(path, headers=bearer(token))
    assert response.status_code in (404, 422), response.text
    assert "root:" not in response.text


def test_a_link_out_of_the_outbox_is_not_followed(published, tmp_path: Path) -> None:
    client, token, data_dir, _ = published
    outside = tmp_path / "secret"
    (outside / "v1").mkdir(parents=True)
    (outside / "v1" / "manifest.json").write_text("{}")
    link = data_dir / "outbox" / "escape"
    link.symlink_to(outside)
    try:
        assert client.get("/packages/escape/v1", headers=bearer(token)).status_code == 404
        assert client.get("/packages/escape/v1/download", headers=bearer(token)).status_code == 404
    finally:
        link.unlink()


def test_a_damaged_manifest_is_a_500_without_a_traceback(published) -> None:
    client, token, data_dir, _ = published
    folder = data_dir / "outbox" / "damaged" / "v1"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text('{"study": ')
    try:
        response = client.get("/packages/damaged/v1", headers=bearer(token))
    finally:
        shutil.rmtree(folder.parent)
    assert response.status_code == 500 and response.json()["error"] == "internal_error"
    assert "Traceback" not in response.text and "manifest" not in response.text
