"""API tokens: shown once at creation, stored only as sha256 digests in `<data>/api/tokens.json`.

A token is `crfgen_<id>_<secret>` (secret: 32 random bytes, URL-safe): the id finds the record, the
digest of the whole token proves it. A digest of a 256-bit random secret needs no slow hash (nothing to
brute-force), and digests are compared in constant time. The file is rewritten whole (temp + rename,
mode 0600) under a lock, so two `crf-gen api-token` commands never lose each other's change; a server
re-reads it when its mtime changes, so a revocation takes effect on the next request.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from crfgen_api.auth.roles import Role
from crfgen_core.atomic_files import atomic_write_bytes

TOKEN_PREFIX = "crfgen_"
_TOKEN = re.compile(r"^crfgen_([0-9a-f]{12})_([A-Za-z0-9_-]{20,})$")


class TokenRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str = Field(min_length=1, max_length=100)
    role: Role
    sha256: str
    created_at: str
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class TokenFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tokens: list[TokenRecord] = Field(default_factory=list)


class TokenNotFound(LookupError):
    """No token with that id or name."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._cache: tuple[tuple[int, int], TokenFile] | None = None

    def read(self) -> TokenFile:
        """The token file as stored now (empty when absent); re-parsed only when it changed."""
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return TokenFile()
        stamp = (info.st_mtime_ns, info.st_size)
        if self._cache is None or self._cache[0] != stamp:
            self._cache = (stamp, TokenFile.model_validate_json(self.path.read_bytes()))
        return self._cache[1]

    def verify(self, token: str) -> TokenRecord | None:
        """The active record this token proves, or None (unknown, malformed or revoked)."""
        match = _TOKEN.match(token)
        if match is None:
            return None
        wanted = digest(token)
        for record in self.read().tokens:
            if record.id == match.group(1) and hmac.compare_digest(record.sha256, wanted):
                return record if record.active else None
        return None

    def create(self, name: str, role: Role) -> tuple[str, TokenRecord]:
        """Add a token; return (the token, to show once, and its stored record)."""
        with self._locked() as current:
            token_id = secrets.token_hex(6)
            token = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
            record = TokenRecord(
                id=token_id,
                name=name,
                role=role,
                sha256=digest(token),
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            current.tokens.append(record)
        return token, record

    def revoke(self, id_or_name: str) -> list[TokenRecord]:
        """Revoke the active tokens with this id or name; return them (TokenNotFound when none)."""
        revoked: list[TokenRecord] = []
        with self._locked() as current:
            now = datetime.now(UTC).isoformat(timespec="seconds")
            for index, record in enumerate(current.tokens):
                if record.active and id_or_name in (record.id, record.name):
                    current.tokens[index] = record.model_copy(update={"revoked_at": now})
                    revoked.append(current.tokens[index])
        if not revoked:
            raise TokenNotFound(f"no active token with id or name {id_or_name!r}")
        return revoked

    @contextmanager
    def _locked(self) -> Iterator[TokenFile]:
        """Read, let the caller change, write back atomically: all under an exclusive lock."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            current = (
                TokenFile.model_validate_json(self.path.read_bytes()) if self.path.exists() else TokenFile()
            )
            yield current
            text = json.dumps(current.model_dump(mode="json"), indent=2) + "\n"
            atomic_write_bytes(self.path, text.encode("utf-8"), mode=0o600)
        finally:
            os.close(lock)
