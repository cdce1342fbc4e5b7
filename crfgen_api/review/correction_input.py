"""A correction as a caller sends it: the portable format without author and created_at (the caller and
now), validated against the contract (docs/corrections.md)."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import JsonValue, ValidationError

from crfgen_api.errors import ApiError
from crfgen_core.review.corrections import CORRECTION_ADAPTER, Correction

SET_BY_SERVER = ("author", "created_at")


def correction_from_body(body: dict[str, JsonValue], *, study: str, author: str) -> Correction:
    """Given the request body, the study of the path and the caller's name, return the Correction
    (422 `invalid_correction` naming each problem's field)."""
    given = [name for name in SET_BY_SERVER if name in body]
    if given:
        raise ApiError(
            422, "invalid_correction", f"{', '.join(given)}: set by the server (the caller, now); leave out"
        )
    if body.get("study", study) != study:
        raise ApiError(422, "invalid_correction", f"study {body.get('study')!r} is not the path's {study!r}")
    values = {
        **body,
        "study": study,
        "author": author,
        "created_at": datetime.now(UTC).replace(microsecond=0),
    }
    try:
        return CORRECTION_ADAPTER.validate_python(values)
    except ValidationError as exc:
        problems: list[dict[str, object]] = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        raise ApiError(422, "invalid_correction", problems) from exc
