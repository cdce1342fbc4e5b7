"""401 without a valid token, 403 for a role without the permission; tokens hashed at rest; OIDC."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import stat
import time
from pathlib import Path

import jwt
import pytest
from api_helpers import bearer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from crfgen_api.app import create_app
from crfgen_api.auth.roles import Role
from crfgen_api.auth.tokens import TokenStore
from crfgen_api.settings import ApiSettings, OidcSettings
from crfgen_core.cli import main as crf_gen
from crfgen_core.examples import example_protocol_path

UPLOADERS = {Role.UPLOADER, Role.ADMIN}


def upload(client: TestClient, headers: dict[str, str]) -> int:
    path = example_protocol_path("docx")
    return client.post(
        "/protocols", headers=headers, files={"file": (path.name, path.read_bytes())}
    ).status_code


def test_no_or_unknown_token_is_401_and_says_how_to_authenticate(client, tokens) -> None:
    missing = client.get("/studies")
    assert missing.status_code == 401 and missing.json()["error"] == "unauthenticated"
    assert client.get("/studies", headers=bearer("crfgen_000000000000_" + "x" * 43)).status_code == 401
    assert client.get("/studies", headers=bearer("not-a-token")).status_code == 401
    assert client.get("/studies", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401
    assert upload(client, {}) == 401


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reads_and_only_uploaders_and_admins_upload(client, tokens, role: Role) -> None:
    assert client.get("/studies", headers=bearer(tokens[role])).status_code == 200
    status = upload(client, bearer(tokens[role]))
    assert status == (202 if role in UPLOADERS else 403)


def test_a_revoked_token_is_refused_on_the_next_request(client, tokens, settings) -> None:
    headers = bearer(tokens[Role.AUDITOR])
    assert client.get("/studies", headers=headers).status_code == 200
    TokenStore(settings.tokens_file).revoke("test-auditor")
    assert client.get("/studies", headers=headers).status_code == 401


def test_tokens_are_stored_as_digests_in_a_private_file(tokens, settings) -> None:
    text = settings.tokens_file.read_text()
    assert not any(token in text for token in tokens.values())
    assert stat.S_IMODE(settings.tokens_file.stat().st_mode) == 0o600
    assert {record["role"] for record in json.loads(text)["tokens"]} == {role.value for role in Role}


def test_the_cli_creates_a_working_token_lists_it_and_revokes_it(settings, capsys) -> None:
    data = ["api-token", "--data-dir", str(settings.data_dir)]
    assert crf_gen([*data, "create", "--name", "edc-bridge", "--role", "uploader"]) == 0
    token = capsys.readouterr().out.strip()
    with TestClient(create_app(settings)) as client:
        assert upload(client, bearer(token)) == 202
        assert crf_gen([*data, "list"]) == 0
        listed = capsys.readouterr().out
        assert "edc-bridge" in listed and "uploader" in listed and token not in listed
        assert crf_gen([*data, "revoke", "edc-bridge"]) == 0
        assert client.get("/studies", headers=bearer(token)).status_code == 401
    assert crf_gen([*data, "revoke", "edc-bridge"]) == 1  # nothing active by that name any more


# --- OIDC -----------------------------------------------------------------------------------------

ISSUER, AUDIENCE = "https://idp.example.test/realms/crf", "crfgen-api"


@pytest.fixture
def oidc(tmp_path: Path, settings: ApiSettings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**public_jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}))
    configured = settings.model_copy(
        update={"oidc": OidcSettings(issuer=ISSUER, audience=AUDIENCE, jwks_file=jwks)}
    )
    with TestClient(create_app(configured)) as client:
        yield client, key


def _jwt(key, **claims) -> str:
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "dr.reviewer", "exp": int(time.time()) + 300, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": "k1"})


def _hs256_signed_with(secret: bytes) -> str:
    """A JWT whose header says HS256, its MAC keyed with `secret` (pyjwt refuses to make one)."""
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": int(time.time()) + 60, "roles": ["admin"]}

    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    signing_input = f"{part({'alg': 'HS256', 'kid': 'k1', 'typ': 'JWT'})}.{part(claims)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def test_an_oidc_bearer_with_the_uploader_role_uploads(oidc) -> None:
    client, key = oidc
    assert upload(client, bearer(_jwt(key, roles=["uploader"]))) == 202
    assert upload(client, bearer(_jwt(key, roles="reviewer auditor"))) == 403


def test_oidc_tokens_that_do_not_verify_are_401(oidc) -> None:
    client, key = oidc
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    refused = [
        _jwt(key, roles=["admin"], aud="someone-else"),
        _jwt(key, roles=["admin"], iss="https://evil.example.test"),
        _jwt(key, roles=["admin"], exp=int(time.time()) - 60),
        _jwt(other, roles=["admin"]),  # signed by a key the JWKS does not hold
        _hs256_signed_with(public_pem),  # the classic algorithm confusion
        _jwt(key, roles=["admin"])[:-4] + "AAAA",  # signature tampered with
    ]
    for token in refused:
        response = client.get("/studies", headers=bearer(token))
        assert response.status_code == 401, token
        assert "Traceback" not in response.text
