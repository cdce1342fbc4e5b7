"""The OpenAPI schema served at /openapi.json is the one checked into docs/api/openapi.json."""

from __future__ import annotations

import json

from api_helpers import REPO

from crfgen_api.openapi_schema import CHECKED_IN, schema_text


def test_the_checked_in_schema_is_current(client) -> None:
    checked_in = (REPO / CHECKED_IN).read_text(encoding="utf-8")
    assert checked_in == schema_text(), "run `python -m crfgen_api.openapi_schema` and commit the result"
    assert client.get("/openapi.json").json() == json.loads(checked_in)


def test_every_route_but_health_and_the_schema_requires_a_bearer_token(client) -> None:
    paths = json.loads((REPO / CHECKED_IN).read_text())["paths"]
    for path, methods in paths.items():
        for method, operation in methods.items():
            secured = bool(operation.get("security"))
            assert secured == (not path.startswith("/health")), f"{method.upper()} {path}"
