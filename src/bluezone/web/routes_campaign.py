"""The campaign's public figures: rankings of areas by install rate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from bluezone.campaign import imports, service
from bluezone.web.routes_verification import ERRORS
from bluezone.web.services import Services, services

router = APIRouter(tags=["campaign"])


class RankingRow(BaseModel):
    rank: int | None
    area_code: str
    name: str
    installs: int
    denominator: int | None
    rate_percent: float | None
    rank_change: int | None


@router.get("/api/campaign/ranking", response_model=list[RankingRow], responses=ERRORS)
def ranking(
    svc: Annotated[Services, Depends(services)],
    as_of: str | None = None,
    level: str = "province",
    parent: str | None = None,
    by: str = "population",
) -> list[RankingRow]:
    """Areas of one level by install rate (of population or of smartphone subscribers), with their movement
    since the previous snapshot (`rank_change` > 0: moved up)."""
    moment = None if as_of is None else imports.parse_time(as_of)
    with svc.db.session() as session:
        _, rows = service.ranking(session, as_of=moment, level=level, parent=parent, by=by)
    return [RankingRow(**row.__dict__) for row in rows]
