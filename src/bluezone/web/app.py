"""Build the application: migrations applied, secrets loaded, routes mounted, exports served."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bluezone import __version__
from bluezone.authority.codes import purge_codes
from bluezone.authority.followup import purge_declarations
from bluezone.authority.secrets import ServerSecrets
from bluezone.authority.users import purge_sessions
from bluezone.campaign.activity import close_days
from bluezone.clock import Clock, SystemClock
from bluezone.config import Settings, load_settings
from bluezone.declarations import store as declarations
from bluezone.keyserver.exporter import (
    PUBLIC_KEY,
    ExportReport,
    cleanup,
    run_exports,
    write_atomically,
    write_index,
)
from bluezone.store.db import Database
from bluezone.venues import registry as venues
from bluezone.web import (
    campaign_pages,
    console,
    declaration_pages,
    errors,
    routes_campaign,
    routes_declarations,
    routes_followup,
    routes_keys,
    routes_ops,
    routes_venues,
    routes_verification,
)
from bluezone.web.middleware import LimitAndLog
from bluezone.web.services import Services

log = logging.getLogger("bluezone.server")


def open_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Database migrated, secrets loaded (created on first start), export directory ready."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    db.migrate()
    secrets_ = ServerSecrets.load_or_create(settings.secrets_dir)
    write_atomically(settings.exports_dir / PUBLIC_KEY, secrets_.export_public_pem())
    write_atomically(settings.exports_dir / venues.PUBLIC_KEY, venues.public_pem(secrets_))
    venues.write_index(settings.exports_dir)
    write_index(db, settings)  # phones always find an index, even before the first export
    return Services(settings, db, secrets_, clock or SystemClock())


def export_and_clean(svc: Services) -> ExportReport:
    now = svc.now()
    report = run_exports(svc.db, svc.settings, svc.secrets, now)
    cleanup(svc.db, svc.settings, now)
    with svc.db.session() as session:
        purge_codes(session, now - svc.settings.retention_days * 86_400)
        purge_declarations(session, now)
        purge_sessions(session, now)
        close_days(session, now)  # yesterday's activity into the campaign's snapshots, its receipts deleted
        venues.purge(session, svc.settings.exports_dir, now, svc.settings.retention_days)
        declarations.purge(session, now)
        venues.publish_packages(
            session, svc.secrets, svc.settings.exports_dir, region=svc.settings.region, now=now
        )
    svc.metrics.export_files.inc(len(report.files))
    return report


async def _export_schedule(svc: Services) -> None:
    while True:
        try:
            await asyncio.to_thread(export_and_clean, svc)
        except Exception:  # keep serving; the next round retries
            log.exception("export run failed")
        await asyncio.sleep(svc.settings.export_schedule_seconds)


def create_app(settings: Settings, clock: Clock | None = None, *, schedule_exports: bool = False) -> FastAPI:
    """The ASGI app. `schedule_exports` runs the exporter in-process (the embedded default)."""
    svc = open_services(settings, clock)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_export_schedule(svc)) if schedule_exports else None
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
    errors.install(app)
    app.include_router(routes_verification.router)
    app.include_router(routes_keys.router)
    app.include_router(routes_followup.router)
    app.include_router(routes_campaign.router)
    app.include_router(routes_venues.router)
    app.include_router(routes_declarations.router)
    app.include_router(console.router)
    app.include_router(campaign_pages.router)
    app.include_router(declaration_pages.router)
    app.include_router(routes_ops.router)
    app.mount("/exports", StaticFiles(directory=settings.exports_dir), name="exports")
    app.add_middleware(LimitAndLog, metrics=svc.metrics)
    return app


def app_from_environment() -> FastAPI:
    """For process managers: `uvicorn --factory bluezone.web.app:app_from_environment --workers N`, with
    settings from `BZ_*` variables; exports then run from cron (`bluezone export run`), not in-process."""
    return create_app(load_settings())
