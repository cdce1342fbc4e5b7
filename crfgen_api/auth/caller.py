"""The caller of a request (FastAPI dependencies): authenticated, then checked for one permission."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from crfgen_api.auth.oidc import OidcRejected, OidcVerifier
from crfgen_api.auth.roles import Permission, Role, permits
from crfgen_api.auth.tokens import TOKEN_PREFIX, TokenStore
from crfgen_api.errors import ApiError

bearer = HTTPBearer(auto_error=False, description="An API token (crf-gen api-token create) or an OIDC JWT")


@dataclass(frozen=True)
class Caller:
    """Who made a request: `kind:id` names them in logs and, later, the audit trail."""

    kind: str  # "token" or "oidc"
    id: str
    name: str
    roles: frozenset[Role]

    @property
    def principal(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Authenticator:
    tokens: TokenStore
    oidc: OidcVerifier | None

    def authenticate(self, credentials: HTTPAuthorizationCredentials | None) -> Caller:
        if credentials is None or not credentials.credentials:
            raise ApiError(401, "unauthenticated", "send Authorization: Bearer <token>")
        token = credentials.credentials
        if token.startswith(TOKEN_PREFIX) or self.oidc is None:
            record = self.tokens.verify(token)
            if record is None:
                raise ApiError(401, "unauthenticated", "unknown or revoked API token")
            return Caller("token", record.id, record.name, frozenset({record.role}))
        try:
            subject, roles = self.oidc.verify(token)
        except OidcRejected as exc:
            raise ApiError(401, "unauthenticated", str(exc)) from exc
        return Caller("oidc", subject, subject, roles)


def current_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    authenticator: Authenticator = request.app.state.authenticator
    caller = authenticator.authenticate(credentials)
    request.state.caller = caller
    return caller


def require(permission: Permission) -> Callable[[Caller], Caller]:
    """A dependency that lets the request through only for a caller with `permission` (else 403)."""

    def check(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
        if not permits(caller.roles, permission):
            held = ", ".join(sorted(caller.roles)) or "no role"
            raise ApiError(403, "forbidden", f"{permission.value} needs another role than {held}")
        return caller

    return check
