"""Daily figures per realm: the verification funnel, keys published, follow-up declarations.

A day's figures are released only once it saw at least `stats_minimum` claimed codes; below that, small
numbers could point at individuals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bluezone.config import Settings
from bluezone.store.models import Declaration, Exposure, Realm, VerificationCode

DAY = 86_400


@dataclass(frozen=True)
class DayFigures:
    day: date
    withheld: bool
    codes_issued: int | None
    codes_claimed: int | None
    certificates: int | None
    keys_published: int | None
    declarations: int | None


def _per_day(
    session: Session,
    column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None],
    realm_column: InstrumentedAttribute[int],
    realm: Realm,
    since: int,
) -> dict[int, int]:
    day = column // DAY
    query = (
        select(day, func.count())
        .where(realm_column == realm.id, column.is_not(None), column >= since)
        .group_by(day)
    )
    return {int(d): int(n) for d, n in session.execute(query) if d is not None}


def daily_figures(
    session: Session, settings: Settings, realm: Realm, now: int, days: int = 14
) -> list[DayFigures]:
    since = (now // DAY - days + 1) * DAY
    issued = _per_day(session, VerificationCode.issued_at, VerificationCode.realm_id, realm, since)
    claimed = _per_day(session, VerificationCode.claimed_at, VerificationCode.realm_id, realm, since)
    certified = _per_day(session, VerificationCode.token_used_at, VerificationCode.realm_id, realm, since)
    keys = _per_day(session, Exposure.created_at, Exposure.realm_id, realm, since)
    declared = _per_day(session, Declaration.created_at, Declaration.realm_id, realm, since)
    figures = []
    for number in range(since // DAY, now // DAY + 1):
        withheld = claimed.get(number, 0) < settings.stats_minimum
        figures.append(
            DayFigures(
                day=datetime.fromtimestamp(number * DAY, tz=UTC).date(),
                withheld=withheld,
                codes_issued=None if withheld else issued.get(number, 0),
                codes_claimed=None if withheld else claimed.get(number, 0),
                certificates=None if withheld else certified.get(number, 0),
                keys_published=None if withheld else keys.get(number, 0),
                declarations=None if withheld else declared.get(number, 0),
            )
        )
    return figures
