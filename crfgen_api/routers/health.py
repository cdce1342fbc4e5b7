"""Liveness and readiness: no authentication (the compose healthcheck and load balancers call them)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from crfgen_api.readiness import run_readiness
from crfgen_api.responses import Check, Liveness, Readiness

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Liveness, summary="The process answers")
def health() -> Liveness:
    return Liveness()


@router.get(
    "/health/ready",
    response_model=Readiness,
    summary="Every deployment check passes (503 when any fails)",
    responses={503: {"model": Readiness, "description": "a check failed"}},
)
def ready(request: Request) -> JSONResponse:
    state = request.app.state
    results = run_readiness(state.checks, state.settings, state.instance)
    body = Readiness(
        ready=not any(r.status == "FAIL" for r in results),
        checks=[Check(name=r.name, status=r.status, detail=r.detail) for r in results],
    )
    return JSONResponse(body.model_dump(), status_code=200 if body.ready else 503)
