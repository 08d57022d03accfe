"""Build the FastAPI application: routers, error handling (RFC 9457 problem+json), lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext

from fastapi import FastAPI

from api.bootstrap import Services, build_services
from api.errors import install_problem_handlers
from api.handoff import announced
from api.middleware import BodyLimit, SecurityHeaders
from api.routes import (
    applications,
    calculator,
    consumers,
    dashboard,
    deliveries,
    documents,
    feedback,
    health,
    indicators,
    jobs,
    match,
    measures,
    practices,
    profiles,
    qualifying,
    reference,
    search,
    subscriptions,
    web,
)
from api.settings import Settings
from api.worker import warm_profile_cache

ROUTERS = [
    health.router,
    documents.router,
    jobs.router,
    consumers.router,
    profiles.router,
    subscriptions.router,
    deliveries.router,
    qualifying.router,
    match.router,
    calculator.router,
    applications.router,
    feedback.router,
    dashboard.router,
    measures.router,
    reference.router,
    search.router,
    practices.router,
    indicators.router,
    web.router,
]


def create_app(services: Services | None = None, *, announce_url: str | None = None) -> FastAPI:
    """The policykg HTTP application over ``services`` (built from the environment when not given). With
    ``announce_url`` (``policykg serve``), the server announces itself in the data dir while it runs, so CLI
    commands beside it hand their writes to it (``api.handoff``)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = services or build_services()
        app.state.services.jobs.resume()  # uploads accepted (202) before a stop or a crash
        if announce_url:
            warm_profile_cache(app.state.services)
        with announced(app.state.services, announce_url) if announce_url else nullcontext():
            yield
        app.state.services.close()

    app = FastAPI(
        title="policykg",
        summary="Knowledge graph and search over Chinese policies, normative documents and demonstration practices.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by api/routes/web.py from the shipped Swagger UI files (works offline)
        redoc_url=None,
    )
    install_problem_handlers(app)
    settings = services.settings if services is not None else Settings()
    app.add_middleware(
        BodyLimit,
        max_bytes=int(settings.policykg_max_request_mb * 1024 * 1024),
        upload_path=documents.router.prefix,
        upload_max_bytes=settings.policykg_ingest_max_mb * 1024 * 1024,
    )
    app.add_middleware(SecurityHeaders)
    for router in ROUTERS:
        app.include_router(router)
    return app
