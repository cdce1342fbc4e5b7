"""The FastAPI application: `create_app()` wires settings, authentication, limits and the routers.

Areas plug in as routers (routers/); the review page (review_page/) is server-rendered HTML over the
same store and permissions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI

from crfgen_api.auth.caller import Authenticator
from crfgen_api.auth.oidc import OidcVerifier
from crfgen_api.auth.tokens import TokenStore
from crfgen_api.dagster_status import InstanceHolder
from crfgen_api.errors import install_error_handlers
from crfgen_api.intake_status import ContentHashes
from crfgen_api.rate_limit import TokenBucketLimiter
from crfgen_api.readiness import ReadinessCheck, installed_checks
from crfgen_api.responses import Readiness, VersionStatus
from crfgen_api.review.store_access import StoreHolder
from crfgen_api.review_page import routes as review_page
from crfgen_api.routers import approvals, audit, corrections, health, packages, protocols, studies
from crfgen_api.settings import ApiSettings
from crfgen_api.status_cache import StatusCache
from crfgen_api.uploads import UploadSizeLimit
from crfgen_api.write_log import LogWriteRecorder, WriteRecorder

API_VERSION = "1"
# GET /protocols/{version_key} answers are at most this old (clients poll it).
STATUS_TTL_SECONDS = 1.0
# GET /health/ready answers are at most this old (the checks cost ~0.5 s; the endpoint has no auth).
READY_TTL_SECONDS = 5.0


def create_app(
    settings: ApiSettings | None = None,
    *,
    checks: Sequence[ReadinessCheck] | None = None,
    writes: WriteRecorder | None = None,
) -> FastAPI:
    settings = settings or ApiSettings.from_env()
    instance = InstanceHolder(settings.dagster_home)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        instance.close()

    app = FastAPI(
        title="Protocol to CRF generator API",
        version=API_VERSION,
        description=(
            "Upload clinical-trial protocols, follow their runs and checks, download published CRF "
            "packages. Code version {CODE_VERSION}. Authenticate with `Authorization: Bearer <token>`."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.instance = instance
    app.state.checks = list(checks) if checks is not None else installed_checks()
    app.state.writes = writes or LogWriteRecorder()
    app.state.review = StoreHolder(settings.data_dir)
    app.state.hashes = ContentHashes()
    app.state.status_cache = StatusCache[VersionStatus](STATUS_TTL_SECONDS)
    app.state.readiness_cache = StatusCache[Readiness](READY_TTL_SECONDS)
    app.state.upload_limiter = TokenBucketLimiter(settings.uploads_per_minute, settings.upload_burst)
    app.state.authenticator = Authenticator(
        TokenStore(settings.tokens_file), OidcVerifier(settings.oidc) if settings.oidc else None
    )
    install_error_handlers(app)
    app.add_middleware(UploadSizeLimit, max_file_bytes=settings.max_upload_bytes)
    for area in (health, protocols, studies, packages, corrections, approvals, audit):
        app.include_router(area.router)
    review_page.install(app)
    return app
