"""Local epidemic levels for phones: each health department sets its province's level and its communes'
(Resolution 128/NQ-CP of 11 October 2021: 1 low, 2 medium, 3 high, 4 very high) with the cases of the last
7 days; every change republishes the whole map as one file signed with the configuration key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bluezone.authority.realms import check_in_province
from bluezone.errors import InvalidInput
from bluezone.geography.areas import Level, find_area
from bluezone.keyserver.storage import ExportStore
from bluezone.protocol.area_levels import LEVELS_FILE, sign_levels
from bluezone.store.models import AreaLevel, Realm
from bluezone.store.secrets import ServerSecrets

MAX_CASES = 10_000_000


@dataclass(frozen=True)
class Shown:
    area_code: str
    name: str
    level: int
    cases_7d: int | None
    set_by: str
    set_at: int


def set_level(
    session: Session,
    secrets_: ServerSecrets,
    store: ExportStore,
    realm: Realm,
    *,
    area_code: str,
    level: int,
    cases_7d: int | None,
    actor: str,
    now: int,
) -> None:
    """Set one area's level (a province or a commune of the department's own) and republish."""
    if not area_code:
        raise InvalidInput("choose the province or the commune", code="missing_area")
    check_in_province(realm, area_code)
    if find_area(area_code)[1].level not in (Level.PROVINCE, Level.COMMUNE):
        raise InvalidInput("levels are set for a province or a commune", code="level_area")
    if level not in (1, 2, 3, 4):
        raise InvalidInput("the level is 1 (low) to 4 (very high)", code="bad_level")
    if cases_7d is not None and not 0 <= cases_7d <= MAX_CASES:
        raise InvalidInput("cases in 7 days must be a count", code="bad_cases")
    row = session.get(AreaLevel, area_code)
    if row is None:
        row = AreaLevel(area_code=area_code, realm_id=realm.id, level=level, set_by="", set_at=now)
        session.add(row)
    row.level, row.cases_7d, row.set_by, row.set_at = level, cases_7d, actor[:64], now
    session.flush()
    publish(session, secrets_, store, now)


def publish(session: Session, secrets_: ServerSecrets, store: ExportStore, now: int) -> None:
    levels = {r.area_code: (r.level, r.cases_7d) for r in session.scalars(select(AreaLevel))}
    store.put(LEVELS_FILE, sign_levels(levels, now, secrets_.config_key))


def levels_of(session: Session, realm: Realm) -> list[Shown]:
    rows = session.scalars(
        select(AreaLevel).where(AreaLevel.realm_id == realm.id).order_by(AreaLevel.area_code)
    )
    return [
        Shown(r.area_code, find_area(r.area_code)[1].name, r.level, r.cases_7d, r.set_by, r.set_at)
        for r in rows
    ]
