"""The ASGI app: the JSON API and the server-rendered pages, on services opened once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bluezone import __version__
from bluezone.clock import Clock
from bluezone.config import Settings, load_settings
from bluezone.services import Services, open_services, run_maintenance
from bluezone.web.api import campaign, declarations, errors, followup, keys, operations, venues, verification
from bluezone.web.api.privacy import ChaffTimers
from bluezone.web.middleware import LimitAndLog
from bluezone.web.pages import access as page_access
from bluezone.web.pages import campaign as campaign_pages
from bluezone.web.pages import casework, console, realm
from bluezone.web.pages import declarations as declaration_pages

log = logging.getLogger("bluezone.server")
API = (verification, keys, followup, campaign, venues, declarations, operations)
PAGES = (console, casework, realm, campaign_pages, declaration_pages)


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
        yield
        if task is not None:
            task.cancel()
        svc.db.dispose()

    app = FastAPI(
        title="Bluezone",
        version=__version__,
        lifespan=lifespan,
        description="Verification and key server for Bluezone (GAEN-compatible wire formats).",
    )
    app.state.services = svc
    app.state.chaff_timers = ChaffTimers()
    errors.install(app)
    page_access.install(app)
    for module in (*API, *PAGES):
        app.include_router(module.router)
    app.mount("/exports", StaticFiles(directory=settings.exports_dir), name="exports")
    app.add_middleware(LimitAndLog, metrics=svc.metrics)
    return app


def app_from_environment() -> FastAPI:
    """For process managers: `uvicorn --factory bluezone.web.app:app_from_environment --workers N`, with
    settings from `BZ_*` variables; exports then run from cron (`bluezone export run`), not in-process."""
    return create_app(load_settings())
