"""Protocol uploads into the inbox, and the state of one protocol version."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from crfgen_api.auth.caller import Caller, require
from crfgen_api.auth.roles import Permission
from crfgen_api.dagster_status import version_status
from crfgen_api.errors import ApiError
from crfgen_api.intake_status import being_taken, quarantine_reason, waiting_in_inbox
from crfgen_api.rate_limit import retry_after
from crfgen_api.responses import Upload, VersionStatus
from crfgen_api.review.store_access import actor
from crfgen_api.status_cache import StatusCache
from crfgen_api.uploads import accept_upload, upload_name
from crfgen_dagster.inbox import stored_protocol

router = APIRouter(tags=["protocols"])
VERSION_KEY = r"^[A-Za-z0-9_-]{1,60}-[0-9a-f]{12}$"

MULTIPART_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "PDF or DOCX"}
                    },
                }
            }
        },
    }
}


def _rate_limited(request: Request, caller: Caller) -> None:
    wait = request.app.state.upload_limiter.take(caller.principal)
    if wait > 0:
        raise ApiError(
            429, "rate_limited", "too many uploads; retry later", headers={"Retry-After": retry_after(wait)}
        )


@router.post(
    "/protocols",
    status_code=202,
    response_model=Upload,
    summary="Upload a protocol (multipart field `file`); it enters the inbox like a dropped file",
    openapi_extra=MULTIPART_BODY,
    responses={
        409: {"description": "another file of that name is waiting in the inbox"},
        413: {"description": "over the upload limit (refused before the body is read when declared)"},
        415: {"description": "not a PDF or DOCX by its content"},
        422: {"description": "empty, badly named, or quarantined by the intake preflight"},
        429: {"description": "upload rate limit; see Retry-After"},
    },
)
async def upload_protocol(
    request: Request, caller: Annotated[Caller, Depends(require(Permission.UPLOAD))]
) -> Upload:
    # Authenticated and rate limited before a byte of the body is read.
    _rate_limited(request, caller)
    settings = request.app.state.settings
    writes = request.app.state.writes
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise ApiError(415, "unsupported_media_type", "send multipart/form-data with a `file` part")
    async with request.form(max_files=1, max_fields=8) as form:
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise ApiError(422, "missing_file", "the multipart body has no `file` part holding a file")
        try:
            name = upload_name(part.filename)
            accepted = await run_in_threadpool(
                accept_upload, part.file, name, settings.data_dir, settings.max_upload_bytes, actor(caller)
            )
        except ApiError as exc:
            writes.record(caller, "protocol.upload", part.filename or "", exc.code, {"status": exc.status})
            raise
    writes.record(
        caller,
        "protocol.upload",
        accepted.version_key,
        "queued",
        {"file": accepted.name, "sha256": accepted.sha256, "size_bytes": accepted.size_bytes},
    )
    return Upload(
        version_key=accepted.version_key,
        sha256=accepted.sha256,
        file=accepted.name,
        size_bytes=accepted.size_bytes,
        duplicate_of_stored=accepted.duplicate_of_stored,
        status_url=str(request.url_for("protocol_status", version_key=accepted.version_key).path),
    )


@router.get(
    "/protocols/{version_key}",
    response_model=VersionStatus,
    name="protocol_status",
    summary="Where one protocol version stands: inbox, quarantine, run, checks, package",
)
def protocol_status(
    request: Request,
    version_key: Annotated[str, Path(pattern=VERSION_KEY)],
    caller: Annotated[Caller, Depends(require(Permission.READ))],
) -> VersionStatus:
    state = request.app.state
    cache: StatusCache[VersionStatus] = state.status_cache
    return cache.get(version_key, lambda: _locate(state, version_key))


def _locate(state: Any, version_key: str) -> VersionStatus:
    """Checked in the order a file moves (inbox, protocols/, record), so a file moving meanwhile is
    found at one place or the next, never missed."""
    data_dir = state.settings.data_dir
    try:
        stored_protocol(data_dir, version_key)
    except FileNotFoundError:
        if waiting_in_inbox(data_dir, version_key, state.hashes):
            return VersionStatus(version_key=version_key, state="waiting")
        if being_taken(data_dir, version_key):
            return VersionStatus(version_key=version_key, state="taken")
        reason = quarantine_reason(data_dir, version_key, state.hashes)
        if reason is not None:
            return VersionStatus(version_key=version_key, state="quarantined", quarantine_reason=reason)
        raise ApiError(404, "not_found", f"no protocol version {version_key}") from None
    return version_status(state.instance.get(), version_key)
