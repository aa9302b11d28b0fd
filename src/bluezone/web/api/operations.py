"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bluezone.errors import NotFound
from bluezone.services import Services
from bluezone.web.dependencies import Svc

log = logging.getLogger("bluezone.server")
router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process answers. A load balancer restarts it when this fails, so it checks nothing
    else (a database outage must not restart every app process at once)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "A part the server needs is not ready"}})
def readyz(svc: Svc) -> JSONResponse:
    """Readiness: the database answers, the export store takes writes, the secrets are loaded. A load
    balancer sends no traffic here until all three are; which one failed is named, not why."""
    checks = {"database": _ready(lambda: _database(svc)), "exports": _ready(svc.exports.check)}
    checks["secrets"] = _ready(svc.secrets.export_public_pem)
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
    )


def _database(svc: Services) -> None:
    with svc.db.session() as session:
        session.execute(text("SELECT 1"))


def _ready(check: Callable[[], object]) -> str:
    try:
        check()
    except Exception:
        log.exception("readiness check failed")
        return "failed"
    return "ok"


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(svc: Svc) -> PlainTextResponse:
    """Prometheus metrics, here on the embedded default; on their own port when `metrics_port` is set."""
    if svc.settings.metrics_port is not None:
        raise NotFound("not found")
    return PlainTextResponse(generate_latest(svc.metrics.registry), media_type=CONTENT_TYPE_LATEST)
