"""The review page's routes: login, study/version chooser, one version's review, corrections and
decisions posted from its forms (each through the review store, audited with the caller)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import JsonValue

from crfgen_api.auth.caller import Caller
from crfgen_api.auth.roles import Permission, permits
from crfgen_api.errors import ApiError
from crfgen_api.outbox import (
    SEGMENT,
    current_version,
    package_folder,
    package_folders,
    read_manifest,
    study_folders,
)
from crfgen_api.review.correction_input import correction_from_body
from crfgen_api.review.store_access import actor, review_store
from crfgen_api.review_page.page_images import page_png
from crfgen_api.review_page.session import (
    COOKIE,
    COOKIE_PATH,
    LoginRequired,
    authenticate,
    check_csrf,
    csrf_token,
    page_caller,
    require_on_page,
    same_origin,
)
from crfgen_api.review_page.version_view import build_view
from crfgen_api.routers.approvals import decide_package, package_review
from crfgen_core.review.review_store import CorrectionConflictError

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# settle_with suggestions shown as the JSON a reviewer would send (tojson escapes <, > for scripts)
templates.env.filters["pretty_json"] = lambda value: json.dumps(value, indent=1, ensure_ascii=False)
router = APIRouter(prefix="/review", include_in_schema=False)
PageCaller = Annotated[Caller, Depends(page_caller)]
Study = Annotated[str, PathParam(pattern=SEGMENT)]
Version = Annotated[str, PathParam(pattern=SEGMENT)]
Text = Annotated[str, Form(min_length=1, max_length=2000)]
Key = Annotated[str, Form(min_length=1, max_length=300)]
Csrf = Annotated[str, Form(alias="csrf", max_length=128)]
# the page is ours alone: no framing, no scripts, no foreign resources
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # no-referrer would make the browser post Origin: null
    "Cache-Control": "no-store",
}


def render(request: Request, template: str, status: int = 200, **context: object) -> HTMLResponse:
    caller: Caller | None = getattr(request.state, "caller", None)
    token = getattr(request.state, "session_token", None)
    context |= {
        "caller": caller,
        "csrf": csrf_token(token) if token else "",
        "can": {p.value: caller is not None and permits(caller.roles, p) for p in Permission},
    }
    return templates.TemplateResponse(request, template, context, status_code=status, headers=PAGE_HEADERS)


def install(app: FastAPI) -> None:
    """Add the page's routes, send logged-out browsers to the login form, and show errors as a page."""
    app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def login_first(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/review/login", status_code=303)

    def page_error(request: Request, status: int, code: str, detail: object) -> Response:
        return render(request, "error.html", status=status, code=code, detail=detail)

    app.state.page_errors = page_error


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return render(request, "login.html")


@router.post("/login")
def login(request: Request, token: Annotated[str, Form(max_length=4096)]) -> Response:
    same_origin(request)
    try:
        authenticate(request, token.strip())
    except ApiError:
        return render(request, "login.html", status=401, failed=True)
    response = RedirectResponse("/review", status_code=303)
    response.set_cookie(
        COOKIE,
        token.strip(),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=COOKIE_PATH,
    )
    return response


@router.post("/logout")
def logout(request: Request, caller: PageCaller, csrf: Csrf) -> Response:
    check_csrf(request, csrf)
    response = RedirectResponse("/review/login", status_code=303)
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")
    return response


@router.get("", response_class=HTMLResponse)
def studies(request: Request, caller: PageCaller) -> HTMLResponse:
    require_on_page(caller, Permission.READ)
    data_dir = request.app.state.settings.data_dir
    listing = [
        {
            "study": folder.name,
            "current": current_version(folder),
            "versions": [p.name for p in package_folders(folder)],
        }
        for folder in study_folders(data_dir)
    ]
    return render(request, "studies.html", studies=listing)


@router.get("/{study}/{version}", response_class=HTMLResponse)
def version_page(request: Request, study: Study, version: Version, caller: PageCaller) -> HTMLResponse:
    # a plain def: FastAPI runs it in its thread pool (design parsing, hashing every package file)
    require_on_page(caller, Permission.READ)
    data_dir = request.app.state.settings.data_dir
    folder = package_folder(data_dir, study, version)
    with review_store(request) as store:
        corrections = store.corrections(study)
    view = build_view(folder, corrections)
    status = package_review(request, study, version)
    return render(
        request,
        "version.html",
        view=view,
        review=status,
        recorded=request.query_params.get("recorded"),
        decided=request.query_params.get("decided"),
    )


@router.get("/{study}/{version}/page/{page}.png")
async def protocol_page(
    request: Request,
    study: Study,
    version: Version,
    page: Annotated[int, PathParam(ge=1, le=10000)],
    caller: PageCaller,
) -> Response:
    require_on_page(caller, Permission.READ)
    data_dir = request.app.state.settings.data_dir
    folder = package_folder(data_dir, study, version)
    sha = read_manifest(folder).protocol_sha256
    png = await run_in_threadpool(page_png, data_dir, sha, page)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/{study}/{version}/acrf.html")
def forms_preview(request: Request, study: Study, version: Version, caller: PageCaller) -> Response:
    require_on_page(caller, Permission.READ)
    folder = package_folder(request.app.state.settings.data_dir, study, version)
    acrf = folder / "acrf.html"
    if not acrf.is_file():
        raise ApiError(404, "not_found", "this package has no acrf.html")
    # the generated document is shown as a document: sandboxed, no scripts
    return Response(
        acrf.read_bytes(),
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        },
    )


def _record(
    request: Request, study: str, version: str, caller: Caller, body: dict[str, JsonValue]
) -> Response:
    require_on_page(caller, Permission.REVIEW)
    package_folder(request.app.state.settings.data_dir, study, version)
    correction = correction_from_body(body, study=study, author=caller.name)
    with review_store(request) as store:
        try:
            store.record(correction, actor=actor(caller), note="on the review page")
        except CorrectionConflictError as exc:
            raise ApiError(409, "conflict", str(exc)) from exc
    return RedirectResponse(
        f"/review/{study}/{version}?recorded={correction.id}#corrections", status_code=303
    )


@router.post("/{study}/{version}/soa-cell")
def correct_cell(
    request: Request,
    study: Study,
    version: Version,
    caller: PageCaller,
    csrf: Csrf,
    schedule: Key,
    activity: Key,
    visit: Key,
    action: Annotated[str, Form(pattern="^(set|clear)$")],
    reason: Text,
) -> Response:
    check_csrf(request, csrf)
    body: dict[str, JsonValue] = {
        "kind": "soa_cell",
        "schedule": schedule,
        "activity": activity,
        "visit": visit,
        "action": action,
        "reason": reason,
    }
    return _record(request, study, version, caller, body)


@router.post("/{study}/{version}/remap")
def remap_activity(
    request: Request,
    study: Study,
    version: Version,
    caller: PageCaller,
    csrf: Csrf,
    schedule: Key,
    activity: Key,
    form: Key,
    reason: Text,
) -> Response:
    check_csrf(request, csrf)
    body: dict[str, JsonValue] = {
        "kind": "activity_remap",
        "schedule": schedule,
        "activity": activity,
        "form": form,
        "reason": reason,
    }
    return _record(request, study, version, caller, body)


@router.post("/{study}/{version}/decision")
async def decision(
    request: Request,
    study: Study,
    version: Version,
    caller: PageCaller,
    csrf: Csrf,
    verdict: Annotated[str, Form(pattern="^(approved|rejected)$")],
    reason: Text,
) -> Response:
    check_csrf(request, csrf)
    require_on_page(caller, Permission.APPROVE)
    await run_in_threadpool(decide_package, request, study, version, caller, verdict, reason)
    return RedirectResponse(f"/review/{study}/{version}?decided={verdict}#sign-off", status_code=303)
