"""One review store per app, opened on first use (a store that is down fails the request, not the app),
and the caller as the audit trail names them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from fastapi import Request

from crfgen_api.auth.caller import Caller
from crfgen_api.errors import ApiError
from crfgen_core.review.audit_trail import AuditTrailError
from crfgen_core.review.review_store import ReviewStore
from crfgen_core.review.store.database import ReviewStoreError


class StoreHolder:
    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._store: ReviewStore | None = None
        self._lock = threading.Lock()

    def get(self) -> ReviewStore:
        with self._lock:
            if self._store is None:
                self._store = ReviewStore(self._data_dir)
            return self._store


def actor(caller: Caller) -> str:
    """The audit trail's actor: the caller's name and the credential that proved it."""
    return f"{caller.name} ({caller.principal})"


@contextmanager
def review_store(request: Request) -> Iterator[ReviewStore]:
    """The app's store; an unusable store or trail is a 503 that says why (no traceback)."""
    try:
        yield request.app.state.review.get()
    except (ReviewStoreError, AuditTrailError, sa.exc.SQLAlchemyError) as exc:
        first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
        detail = f"the review store cannot be used: {first_line}"
        raise ApiError(503, "review_store_unavailable", detail) from exc
