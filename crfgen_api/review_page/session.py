"""The page's login session: an HttpOnly, SameSite=Strict cookie holding the caller's API token, and a
CSRF token derived from it that every form posts back.

The CSRF token is HMAC-SHA256(token, "crfgen-review-csrf"): per session (per token), stateless (any API
worker checks it), and not computable by a page that cannot read the HttpOnly cookie. POSTs from another
origin are refused before that (the Origin header, when sent, must be this host).
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials

from crfgen_api.auth.caller import Authenticator, Caller
from crfgen_api.auth.roles import Permission, permits
from crfgen_api.errors import ApiError

COOKIE = "crfgen_review"
COOKIE_PATH = "/review"
CSRF_FIELD = "csrf"
_CSRF_CONTEXT = b"crfgen-review-csrf"


class LoginRequired(Exception):
    """No valid session: the page sends the browser to the login form."""


def csrf_token(token: str) -> str:
    return hmac.new(token.encode("utf-8"), _CSRF_CONTEXT, hashlib.sha256).hexdigest()


def authenticate(request: Request, token: str) -> Caller:
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator.authenticate(HTTPAuthorizationCredentials(scheme="Bearer", credentials=token))


def page_caller(request: Request) -> Caller:
    """The caller of a page request (from the cookie); no or a revoked token: LoginRequired."""
    token = request.cookies.get(COOKIE, "")
    if not token:
        raise LoginRequired
    try:
        caller = authenticate(request, token)
    except ApiError as exc:
        raise LoginRequired from exc
    request.state.caller = caller
    request.state.session_token = token
    return caller


def same_origin(request: Request) -> None:
    """Refuse a form posted from another site (browsers send Origin on POST)."""
    origin = request.headers.get("origin")
    if origin is not None and origin.rstrip("/") != f"{request.url.scheme}://{request.url.netloc}":
        raise ApiError(403, "csrf", "the form was posted from another site")


def check_csrf(request: Request, sent: str) -> None:
    same_origin(request)
    expected = csrf_token(request.state.session_token)
    if not hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8")):
        raise ApiError(403, "csrf", "the form's CSRF token is missing or not this session's; reload the page")


def require_on_page(caller: Caller, permission: Permission) -> None:
    if not permits(caller.roles, permission):
        held = ", ".join(sorted(caller.roles)) or "no role"
        raise ApiError(403, "forbidden", f"{permission.value} needs another role than {held}")
