"""Liveness and readiness: no authentication (the compose healthcheck and load balancers call them).

The readiness checks take about half a second (they open the storage and load the CT), so one answer
serves every caller for READY_TTL_SECONDS: an unauthenticated flood costs nothing more.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from crfgen_api.readiness import run_readiness
from crfgen_api.responses import Check, Liveness, Readiness
from crfgen_api.status_cache import StatusCache

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
    cache: StatusCache[Readiness] = state.readiness_cache
    body = cache.get("ready", lambda: _run(state))
    return JSONResponse(body.model_dump(), status_code=200 if body.ready else 503)


def _run(state: Any) -> Readiness:
    results = run_readiness(state.checks, state.settings, state.instance)
    return Readiness(
        ready=not any(r.status == "FAIL" for r in results),
        checks=[Check(name=r.name, status=r.status, detail=r.detail) for r in results],
    )
