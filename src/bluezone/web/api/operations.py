"""Health check and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bluezone.web.dependencies import Svc

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz(svc: Svc) -> dict[str, str]:
    with svc.db.session() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok"}


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(svc: Svc) -> PlainTextResponse:
    return PlainTextResponse(generate_latest(svc.metrics.registry), media_type=CONTENT_TYPE_LATEST)
