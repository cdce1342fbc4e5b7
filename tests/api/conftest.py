"""An API app over a temporary data directory and SQLite Dagster instance, and one token per role."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from crfgen_api.app import create_app
from crfgen_api.auth.roles import Role
from crfgen_api.auth.tokens import TokenStore
from crfgen_api.settings import ApiSettings

REPO = Path(__file__).resolve().parents[2]


def make_settings(root: Path, **overrides: object) -> ApiSettings:
    home = root / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "dagster.yaml", home / "dagster.yaml")
    (root / "data").mkdir(exist_ok=True)
    values: dict[str, object] = {
        "data_dir": root / "data",
        "dagster_home": home,
        "max_upload_bytes": 5 * 1024 * 1024,
        **overrides,
    }
    return ApiSettings.model_validate(values)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ApiSettings:
    monkeypatch.delenv("DAGSTER_PG_DB", raising=False)  # the SQLite instance, whatever the shell says
    monkeypatch.delenv("DAGSTER_PG_URL", raising=False)
    settings = make_settings(tmp_path)
    # the repository's dagster.yaml keeps SQLite under $DAGSTER_HOME (else under the working directory)
    monkeypatch.setenv("DAGSTER_HOME", str(settings.dagster_home))
    return settings


@pytest.fixture
def tokens(settings: ApiSettings) -> dict[Role, str]:
    store = TokenStore(settings.tokens_file)
    return {role: store.create(f"test-{role.value}", role)[0] for role in Role}


@pytest.fixture
def client(settings: ApiSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client
