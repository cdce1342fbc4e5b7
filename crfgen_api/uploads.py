"""POST /protocols: an upload enters the inbox exactly as a dropped file would, after the same checks.

Order of refusals, cheapest first: a declared body over the limit is refused before a byte is read
(`UploadSizeLimit`, 413), and a body that grows past it while streaming stops there (413); a file that
is not a PDF or DOCX by its bytes is refused (415) and not kept, as the client still has it. A file of
the right type that fails the intake preflight (page limit, encryption, zip bomb, macros: the inbox's
own `preflight`) is quarantined with the reason the sensor would give (422). Anything else is linked into
inbox/ under its own name (never over another file), where the sensor takes it as any dropped file.
The file is staged in a hidden folder inside the inbox (skipped by the scan; same file system, so the
final step is a link, atomic); one left by a killed API process is removed by the inbox tick
(crfgen_dagster/leftovers.py).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crfgen_api.errors import ApiError, error_response
from crfgen_core.atomic_files import fsync_folder
from crfgen_core.ingest.document import identify, sha256_file
from crfgen_core.ingest.errors import ProtocolReadError
from crfgen_core.publication.manifest import package_version_key
from crfgen_core.review.audit_trail import AuditAction, AuditEvent, AuditTrailError, audited
from crfgen_core.review.store.database import ReviewStoreError
from crfgen_dagster.inbox import (
    IN_PROGRESS_SUFFIXES,
    inbox_dir,
    partition_of,
    preflight,
    protocols_dir,
    quarantine,
)
from crfgen_dagster.leftovers import UPLOAD_STAGING_PREFIX

UPLOAD_PATH = "/protocols"
# The multipart envelope around the file: boundaries, part headers, the file name.
MULTIPART_ALLOWANCE = 64 * 1024
COPY_CHUNK = 1 << 20
# Refused by content before anything is kept: not a protocol at all.
WRONG_TYPE_CODES = {"UNSUPPORTED_FORMAT", "CORRUPT"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BodyTooLarge(Exception):
    """The request body grew past the upload limit while it was being read."""


def _too_large(limit: int) -> str:
    return f"the upload is over the {limit} byte limit (CRFGEN_MAX_INPUT_BYTES)"


class UploadSizeLimit:
    """ASGI middleware for POST /protocols: refuse a declared Content-Length over the limit at once
    (the body is never read: a client sending `Expect: 100-continue` never sends it), and cut off a
    body without a length, or longer than it said, as soon as it passes the limit."""

    def __init__(self, app: ASGIApp, max_file_bytes: int) -> None:
        self.app = app
        self.max_file_bytes = max_file_bytes
        self.limit = max_file_bytes + MULTIPART_ALLOWANCE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"].rstrip("/") != UPLOAD_PATH:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            status, code = (413, "too_large") if declared.isdigit() else (400, "bad_request")
            detail = _too_large(self.max_file_bytes) if status == 413 else "invalid Content-Length"
            await error_response(status, code, detail, {"Connection": "close"})(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if started:
                raise
            await error_response(413, "too_large", _too_large(self.max_file_bytes), {"Connection": "close"})(
                scope, receive, send
            )


def upload_name(raw: str | None) -> str:
    """The file name to keep: the last path segment, refused if hidden, in-progress or unprintable."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name.strip()
    if not name:
        raise ApiError(422, "invalid_file_name", "the file part needs a file name (e.g. protocol.pdf)")
    if name.startswith(".") or name.endswith(IN_PROGRESS_SUFFIXES) or _CONTROL.search(name):
        raise ApiError(422, "invalid_file_name", "hidden, temporary or unprintable file names are not taken")
    if len(name.encode("utf-8")) > 200:
        raise ApiError(422, "invalid_file_name", "the file name is over 200 bytes")
    return name


@dataclass(frozen=True)
class AcceptedUpload:
    name: str
    sha256: str
    size_bytes: int
    version_key: str
    duplicate_of_stored: bool


def _copy_capped(source: BinaryIO, target: Path, limit: int) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as handle:
        for chunk in iter(lambda: source.read(COPY_CHUNK), b""):
            size += len(chunk)
            if size > limit:
                raise ApiError(413, "too_large", _too_large(limit))
            digest.update(chunk)
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    return digest.hexdigest(), size


def accept_upload(source: BinaryIO, name: str, data_dir: Path, limit: int, actor: str) -> AcceptedUpload:
    """Stage, check and link one uploaded file into the inbox; raise ApiError for every refusal.

    Quarantining it and linking it into the inbox are audit events with `actor` as who: recorded with
    the action, and if the trail cannot be written the file is neither quarantined nor linked (503)."""
    try:
        return _accept(source, name, data_dir, limit, actor)
    except (AuditTrailError, ReviewStoreError) as exc:
        raise ApiError(503, "review_store_unavailable", f"{name}: not accepted: {exc}") from exc


def _accept(source: BinaryIO, name: str, data_dir: Path, limit: int, actor: str) -> AcceptedUpload:
    inbox = inbox_dir(data_dir)
    inbox.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=UPLOAD_STAGING_PREFIX, dir=inbox))
    try:
        staged = staging / name
        sha256, size = _copy_capped(source, staged, limit)
        try:
            identify(staged)
        except ProtocolReadError as exc:
            status = 415 if exc.code in WRONG_TYPE_CODES else 422
            raise ApiError(status, exc.code.lower(), f"{name}: {exc.reason}") from exc
        try:
            preflight(staged)
        except ProtocolReadError as exc:
            kept = quarantine(staged, data_dir, f"{exc.code}: {exc.reason}", datetime.now(UTC), actor)
            raise ApiError(
                422,
                "quarantined",
                f"{name}: {exc.code}: {exc.reason} (kept in quarantine as {kept.name})",
            ) from exc
        with audited(data_dir) as audit:
            audit.record(
                AuditEvent(
                    actor=actor,
                    action=AuditAction.PROTOCOL_UPLOADED,
                    subject=name,
                    reason="uploaded through the API",
                    after={"sha256": sha256, "size_bytes": size, "inbox": name},
                )
            )
            _link_into(staged, inbox / name, sha256)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    stored = (protocols_dir(data_dir) / sha256).is_dir()
    key = partition_of(data_dir, sha256) if stored else package_version_key(name, sha256)
    return AcceptedUpload(name, sha256, size, key, stored)


def _link_into(staged: Path, target: Path, sha256: str) -> None:
    """Give the staged file its inbox name without ever replacing a file already there."""
    try:
        os.link(staged, target)
    except FileExistsError:
        try:
            same = sha256_file(target) == sha256
        except FileNotFoundError:  # taken by the sensor meanwhile: the name is free again
            os.link(staged, target)
        else:
            if not same:
                raise ApiError(
                    409,
                    "name_in_use",
                    f"another file named {target.name} is waiting in the inbox; retry in a minute or rename",
                ) from None
    fsync_folder(target.parent)
