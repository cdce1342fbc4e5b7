"""/health answers without authentication; /health/ready is 503 with the failing check named."""

from __future__ import annotations

import shutil
import socket

from api_helpers import REPO
from fastapi.testclient import TestClient

from crfgen_api.app import create_app
from crfgen_api.readiness import deployment_checks
from crfgen_dagster.db_check import CheckResult


def test_liveness_needs_no_token(client) -> None:
    response = client.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readiness_lists_the_db_check_checks_and_the_daemon(client) -> None:
    response = client.get("/health/ready")
    checks = {c["name"]: c for c in response.json()["checks"]}
    deployment = ("instance", "storage", "schema", "data-dir", "review-store", "ct")
    assert list(checks) == [*deployment, "daemon"]
    assert all(checks[name]["status"] == "OK" for name in deployment)
    # no dagster-daemon runs in this test: the sensor would never take an upload, so not ready
    assert checks["daemon"]["status"] == "FAIL" and "SENSOR" in checks["daemon"]["detail"]
    assert response.status_code == 503 and response.json()["ready"] is False


def _only_deployment_checks(settings) -> TestClient:
    return TestClient(create_app(settings, checks=[deployment_checks]))


def test_ready_is_200_when_every_check_passes(settings) -> None:
    with _only_deployment_checks(settings) as client:
        response = client.get("/health/ready")
    assert response.status_code == 200 and response.json()["ready"] is True


def test_a_missing_data_directory_is_503_naming_it(settings) -> None:
    gone = settings.model_copy(update={"data_dir": settings.data_dir / "absent"})
    with _only_deployment_checks(gone) as client:
        response = client.get("/health/ready")
    assert response.status_code == 503
    [failed] = [c for c in response.json()["checks"] if c["status"] == "FAIL"]
    assert failed["name"] == "data-dir" and "does not exist" in failed["detail"]


def test_postgres_that_does_not_answer_is_503_without_a_traceback(settings, monkeypatch) -> None:
    with socket.socket() as probe:  # a port nothing listens on: a stopped server, seen from the client
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # the production instance configuration (deploy/dagster.yaml), pointed at that port
    shutil.copyfile(REPO / "deploy" / "dagster.yaml", settings.dagster_home / "dagster.yaml")
    for name, value in {
        "DAGSTER_PG_DB": "crfgen_absent",
        "DAGSTER_PG_HOST": "127.0.0.1",
        "DAGSTER_PG_PORT": str(port),
        "DAGSTER_PG_USERNAME": "postgres",
        "DAGSTER_PG_PASSWORD": "",
        "DAGSTER_MAX_CONCURRENT_RUNS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    with _only_deployment_checks(settings) as client:
        response = client.get("/health/ready")
    assert response.status_code == 503
    checks = {c["name"]: c for c in response.json()["checks"]}
    assert checks["storage"]["status"] == "FAIL" and "Connection refused" in checks["storage"]["detail"]
    assert "Traceback" not in response.text


def test_checks_plug_in_and_a_check_that_raises_is_a_failure_not_a_500(settings) -> None:
    def review_store(settings, instance):
        return [CheckResult("review-store", "OK", "sqlite at revision head")]

    def broken(settings, instance):
        raise RuntimeError("cannot reach the thing")

    with TestClient(create_app(settings, checks=[review_store, broken])) as client:
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert [(c["name"], c["status"]) for c in response.json()["checks"]] == [
        ("review-store", "OK"),
        ("broken", "FAIL"),
    ]
