"""An API app over a temporary data directory and SQLite Dagster instance, and one token per role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import make_settings
from fastapi.testclient import TestClient

from crfgen_api.app import create_app
from crfgen_api.auth.roles import Role
from crfgen_api.auth.tokens import TokenStore
from crfgen_api.settings import ApiSettings


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
