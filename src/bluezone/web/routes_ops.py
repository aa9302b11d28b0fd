"""Health check and Prometheus metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bluezone.web.services import Services, services

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz(svc: Annotated[Services, Depends(services)]) -> dict[str, str]:
    with svc.db.session() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok"}


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(svc: Annotated[Services, Depends(services)]) -> PlainTextResponse:
    return PlainTextResponse(generate_latest(svc.metrics.registry), media_type=CONTENT_TYPE_LATEST)
