"""The ASGI app: the JSON API and the server-rendered pages, on services opened once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from wsgiref.simple_server import WSGIServer

import swagger_ui_bundle
from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import start_http_server

from bluezone import __version__, logs
from bluezone.clock import Clock
from bluezone.config import Settings, load_settings
from bluezone.services import Services, open_services, run_maintenance
from bluezone.web.api import (
    campaign,
    declarations,
    errors,
    followup,
    keys,
    labs,
    operations,
    venues,
    verification,
)
from bluezone.web.api.privacy import ChaffTimers
from bluezone.web.exports import mount_exports
from bluezone.web.middleware import LimitAndLog
from bluezone.web.pages import access as page_access
from bluezone.web.pages import app_config, casework, console, lab, levels, pickers, realm
from bluezone.web.pages import campaign as campaign_pages
from bluezone.web.pages import declarations as declaration_pages
from bluezone.web.pages.rendering import reader_language

log = logging.getLogger("bluezone.server")
API = (verification, labs, keys, followup, campaign, venues, declarations, operations)
PAGES = (console, casework, lab, app_config, levels, realm, campaign_pages, declaration_pages, pickers)


async def _maintenance_schedule(svc: Services) -> None:
    while True:
        try:
            await asyncio.to_thread(run_maintenance, svc)
        except Exception:  # keep serving; the next round retries
            log.exception("maintenance run failed")
        await asyncio.sleep(svc.settings.export_schedule_seconds)


def create_app(settings: Settings, clock: Clock | None = None, *, schedule_exports: bool = False) -> FastAPI:
    """The ASGI app. `schedule_exports` runs maintenance (exports first) in-process: the embedded default."""
    svc = open_services(settings, clock)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_maintenance_schedule(svc)) if schedule_exports else None
        metrics = _metrics_server(svc)
        yield
        if metrics is not None:
            metrics.shutdown()
            metrics.server_close()
        if task is not None:
            task.cancel()
        svc.db.dispose()

    app = FastAPI(
        title="Bluezone",
        version=__version__,
        lifespan=lifespan,
        description="Verification and key server for Bluezone (GAEN-compatible wire formats).",
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = svc
    app.state.chaff_timers = ChaffTimers()
    errors.install(app)
    page_access.install(app)
    for module in API:
        app.include_router(module.router)
    for module in PAGES:
        app.include_router(module.router, dependencies=[Depends(reader_language)])
    _offline_docs(app)
    mount_exports(app, svc.exports)
    app.add_middleware(LimitAndLog, metrics=svc.metrics)
    return app


def _offline_docs(app: FastAPI) -> None:
    """The API's reference at /docs with Swagger UI's files served from here: it works with no Internet."""
    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(_request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Bluezone API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
        )


def _metrics_server(svc: Services) -> WSGIServer | None:
    """Prometheus's endpoint on its own port (not the public one), when one is set."""
    port = svc.settings.metrics_port
    if port is None:
        return None
    server, _thread = start_http_server(port, svc.settings.metrics_host, registry=svc.metrics.registry)
    log.info("metrics on http://%s:%d/metrics", svc.settings.metrics_host, port)
    return server


def app_from_environment() -> FastAPI:
    """For process managers: `uvicorn --factory bluezone.web.app:app_from_environment --workers N`, with
    settings from `BZ_*` variables; exports then run from cron (`bluezone export run`), not in-process."""
    settings = load_settings()
    logs.configure(settings.log_format)
    return create_app(settings)
