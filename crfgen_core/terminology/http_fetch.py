"""One HTTP(S) GET with what a nightly download needs: timeout, retries with exponential backoff,
conditional request (ETag / Last-Modified), a size limit, a Content-Length check and the sha256.

Standard library only (urllib), so crfgen_core's direct dependencies stay explicit.
"""

from __future__ import annotations

import hashlib
import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from crfgen_core.model.base import Contract
from crfgen_core.terminology.errors import CTFetchError

_CHUNK = 1 << 16
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


class HttpValidators(Contract):
    """What a server told us about the last good download, sent back to make the next one conditional."""

    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class FetchPolicy:
    timeout_s: float = 60.0
    attempts: int = 4
    backoff_s: float = 2.0  # waits backoff, 2*backoff, 4*backoff, ... between attempts
    max_bytes: int = 256 * 1024 * 1024
    user_agent: str = "crfgen-ct-refresh/1"


@dataclass(frozen=True)
class FetchResponse:
    url: str
    status: int  # 200, or 304 when the conditional request found nothing new
    body: bytes
    sha256: str
    validators: HttpValidators


def fetch(url: str, policy: FetchPolicy, validators: HttpValidators | None = None) -> FetchResponse:
    """Given an http(s) URL, return the complete body (or a 304); raise CTFetchError with the reason."""
    if not url.startswith(("http://", "https://")):
        raise CTFetchError(url, "only http:// and https:// URLs are fetched", kind="network")
    last: CTFetchError | None = None
    for attempt in range(policy.attempts):
        if attempt:
            time.sleep(policy.backoff_s * 2 ** (attempt - 1))
        try:
            return _fetch_once(url, policy, validators)
        except CTFetchError as exc:
            last = exc
            if exc.kind in {"oversized", "http-status"}:
                break
    assert last is not None
    raise CTFetchError(url, f"{last.reason} (after {attempt + 1} attempt(s))", kind=last.kind)


def _fetch_once(url: str, policy: FetchPolicy, validators: HttpValidators | None) -> FetchResponse:
    request = urllib.request.Request(url, headers={"User-Agent": policy.user_agent})
    if validators and validators.etag:
        request.add_header("If-None-Match", validators.etag)
    if validators and validators.last_modified:
        request.add_header("If-Modified-Since", validators.last_modified)
    try:
        with urllib.request.urlopen(request, timeout=policy.timeout_s) as response:
            body = _read_body(url, response, policy.max_bytes)
            got = HttpValidators(
                etag=response.headers.get("ETag", ""), last_modified=response.headers.get("Last-Modified", "")
            )
            return FetchResponse(url, response.status, body, hashlib.sha256(body).hexdigest(), got)
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return FetchResponse(url, 304, b"", "", validators or HttpValidators())
        kind = "network" if exc.code in _RETRY_STATUS else "http-status"
        raise CTFetchError(url, f"HTTP {exc.code} {exc.reason}", kind=kind) from exc
    except TimeoutError as exc:
        raise CTFetchError(url, f"timed out after {policy.timeout_s} s", kind="timeout") from exc
    except http.client.IncompleteRead as exc:
        raise CTFetchError(
            url, f"connection closed after {len(exc.partial)} bytes", kind="truncated"
        ) from exc
    except urllib.error.URLError as exc:  # the reason is an OSError: say it, not urllib's repr of it
        reason = getattr(exc.reason, "strerror", None) or str(exc.reason)
        host = urllib.parse.urlsplit(url).netloc
        raise CTFetchError(url, f"cannot reach {host}: {reason}", kind="network") from exc
    except (http.client.HTTPException, ConnectionError) as exc:
        raise CTFetchError(url, f"network error: {type(exc).__name__}: {exc}", kind="network") from exc


def _read_body(url: str, response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length")
    expected = int(declared) if declared and declared.isdigit() else None
    if expected is not None and expected > max_bytes:
        raise CTFetchError(
            url, f"Content-Length {expected} exceeds the limit of {max_bytes} bytes", "oversized"
        )
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read(_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise CTFetchError(url, f"body exceeds the limit of {max_bytes} bytes", kind="oversized")
        chunks.append(chunk)
    if expected is not None and size != expected:
        raise CTFetchError(url, f"received {size} of {expected} bytes (Content-Length)", kind="truncated")
    return b"".join(chunks)
