"""OIDC bearer tokens: a JWT signed by a key of the configured JWKS file, for the configured issuer and
audience, carrying roles in a claim. The JWKS is a local file (mounted, rotated by the operator): the API
never fetches keys over the network."""

from __future__ import annotations

import json
from typing import Any

import jwt

from crfgen_api.auth.roles import Role
from crfgen_api.settings import OidcSettings

# Asymmetric algorithms only: an HS* token would be signed with a secret the API does not hold.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


class OidcRejected(Exception):
    """The bearer token is not a valid JWT for this API; the message says why (no token content)."""


class OidcVerifier:
    def __init__(self, settings: OidcSettings) -> None:
        self.settings = settings
        self._keys: tuple[int, jwt.PyJWKSet] | None = None

    def _key_set(self) -> jwt.PyJWKSet:
        mtime = self.settings.jwks_file.stat().st_mtime_ns
        if self._keys is None or self._keys[0] != mtime:
            data = json.loads(self.settings.jwks_file.read_text(encoding="utf-8"))
            self._keys = (mtime, jwt.PyJWKSet.from_dict(data))
        return self._keys[1]

    def verify(self, token: str) -> tuple[str, frozenset[Role]]:
        """Given a bearer token, return (subject, roles) or raise OidcRejected."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            keys = self._key_set()
            key = keys[kid] if kid else (keys.keys[0] if len(keys.keys) == 1 else None)
            if key is None:
                raise OidcRejected("the token names no key (kid) and the key set has several")
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=ALGORITHMS,
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except KeyError as exc:
            raise OidcRejected("signed with a key not in the configured key set") from exc
        except (jwt.PyJWTError, OSError, ValueError) as exc:
            raise OidcRejected(f"invalid bearer token: {type(exc).__name__}: {exc}") from exc
        return str(claims["sub"]), _roles(claims.get(self.settings.roles_claim))


def _roles(value: object) -> frozenset[Role]:
    """Roles from a claim given as a list or a space-separated string; unknown names are ignored."""
    names = value.split() if isinstance(value, str) else value if isinstance(value, list) else []
    known = {role.value for role in Role}
    return frozenset(Role(name) for name in names if isinstance(name, str) and name in known)
