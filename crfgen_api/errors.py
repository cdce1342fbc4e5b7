"""Errors as JSON, never a traceback: `{"error": code, "detail": text}` for every failure."""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger("crfgen_api")


class ApiError(Exception):
    """A failure the caller can act on: HTTP status, a stable code and a sentence."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str | list[dict[str, object]],
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(str(detail))
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers


def error_response(
    status: int, code: str, detail: object, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


# The review page (review_page/) shows its errors as a page; app.state.page_errors renders them.
PAGE_PREFIX = "/review"


def _page_error(request: Request, status: int, code: str, detail: object) -> Response | None:
    render = getattr(request.app.state, "page_errors", None)
    if render is None or not request.url.path.startswith(PAGE_PREFIX):
        return None
    response: Response = render(request, status, code, detail)
    return response


_HTTP_CODES = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        page = _page_error(request, exc.status, exc.code, exc.detail)
        return page or error_response(exc.status, exc.code, exc.detail, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        page = _page_error(request, exc.status_code, code, str(exc.detail))
        return page or error_response(exc.status_code, code, str(exc.detail), dict(exc.headers or {}) or None)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        # where and what, not the rejected input (it may be large or hostile)
        problems = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        page = _page_error(request, 422, "invalid_request", problems)
        return page or error_response(422, "invalid_request", problems)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        incident = uuid.uuid4().hex[:12]
        logger.exception("unhandled error %s on %s %s", incident, request.method, request.url.path)
        detail = f"unexpected error; incident {incident} is in the log"
        return _page_error(request, 500, "internal_error", detail) or error_response(
            500, "internal_error", detail
        )
