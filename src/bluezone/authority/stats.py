"""Daily figures per realm: the verification funnel (codes by case workers, from labs' results and from
self-reports), uploads, keys published, follow-up declarations, texts sent and failed, and histograms of key
age and onset-to-upload delay.

A day's figures are published only once it saw at least `stats_minimum` claimed codes; below that, small
numbers could point at individuals, so withheld days stay out of the histograms too. The department itself
sees all its own figures (it issued those codes), each small day marked as one that is not published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bluezone.authority import texting
from bluezone.config import Settings
from bluezone.store.models import Declaration, Exposure, PublishEvent, Realm, VerificationCode

DAY = 86_400
KEY_AGE_BINS = 16  # 0..15 days, then "older"
ONSET_BINS = 30  # 0..29 days, then "later"


@dataclass(frozen=True)
class DayFigures:
    day: date
    withheld: bool  # the figures are hidden (None)
    small: bool  # below the publication minimum: withheld from anyone but the department itself
    publish_requests: int | None
    codes_issued: int | None
    codes_claimed: int | None
    certificates: int | None
    keys_published: int | None
    declarations: int | None
    codes_from_labs: int | None = None  # upload authorisations a lab's positive result gave
    codes_self_reported: int | None = None
    texts_sent: int | None = None
    texts_failed: int | None = None  # refused by the SMS centre, or it could not be reached


@dataclass(frozen=True)
class RealmFigures:
    days: list[DayFigures]
    key_age_days: list[int]  # keys uploaded 0, 1, … 15 days after they were used, then older
    onset_to_upload_days: list[int]  # uploads 0, 1, … 29 days after symptom onset, then later


def _per_day(
    session: Session,
    column: InstrumentedAttribute[int] | InstrumentedAttribute[int | None],
    realm_column: InstrumentedAttribute[int],
    realm: Realm,
    since: int,
    *where: ColumnElement[bool],
) -> dict[int, int]:
    day = column // DAY
    query = (
        select(day, func.count())
        .where(realm_column == realm.id, column.is_not(None), column >= since, *where)
        .group_by(day)
    )
    return {int(d): int(n) for d, n in session.execute(query) if d is not None}


def daily_figures(
    session: Session, settings: Settings, realm: Realm, now: int, days: int = 14, *, published: bool = True
) -> list[DayFigures]:
    """The last days' figures: as published (small days withheld), or for the department's own console."""
    since = (now // DAY - days + 1) * DAY
    issued = _per_day(session, VerificationCode.issued_at, VerificationCode.realm_id, realm, since)
    by_source = {
        source: _per_day(
            session,
            VerificationCode.issued_at,
            VerificationCode.realm_id,
            realm,
            since,
            VerificationCode.source == source,
        )
        for source in ("lab", "self_report")
    }
    texts = texting.counts(session, realm, since)
    claimed = _per_day(session, VerificationCode.claimed_at, VerificationCode.realm_id, realm, since)
    certified = _per_day(session, VerificationCode.token_used_at, VerificationCode.realm_id, realm, since)
    keys = _per_day(session, Exposure.created_at, Exposure.realm_id, realm, since)
    declared = _per_day(session, Declaration.created_at, Declaration.realm_id, realm, since)
    uploads_query = (
        select(PublishEvent.day, func.count())
        .where(PublishEvent.realm_id == realm.id, PublishEvent.day >= since // DAY)
        .group_by(PublishEvent.day)
    )
    uploads = {int(day): int(n) for day, n in session.execute(uploads_query)}
    figures = []
    for number in range(since // DAY, now // DAY + 1):
        small = claimed.get(number, 0) < settings.stats_minimum
        withheld = small and published

        def shown(counts: dict[int, int], number: int = number, withheld: bool = withheld) -> int | None:
            return None if withheld else counts.get(number, 0)

        figures.append(
            DayFigures(
                day=datetime.fromtimestamp(number * DAY, tz=UTC).date(),
                withheld=withheld,
                small=small,
                publish_requests=shown(uploads),
                codes_issued=shown(issued),
                codes_claimed=shown(claimed),
                certificates=shown(certified),
                keys_published=shown(keys),
                declarations=shown(declared),
                codes_from_labs=shown(by_source["lab"]),
                codes_self_reported=shown(by_source["self_report"]),
                texts_sent=shown({d: sent for d, (sent, _) in texts.items()}),
                texts_failed=shown({d: failed for d, (_, failed) in texts.items()}),
            )
        )
    return figures


def realm_figures(
    session: Session, settings: Settings, realm: Realm, now: int, days: int = 14
) -> RealmFigures:
    """The days, and the histograms over the released days only."""
    figures = daily_figures(session, settings, realm, now, days)
    released = {(f.day - date(1970, 1, 1)).days for f in figures if not f.withheld}
    ages, onsets = [0] * (KEY_AGE_BINS + 1), [0] * (ONSET_BINS + 1)
    events = select(PublishEvent.day, PublishEvent.key_ages, PublishEvent.onset_to_upload).where(
        PublishEvent.realm_id == realm.id, PublishEvent.day >= min(released, default=now // DAY + 1)
    )
    for day, key_ages, onset in session.execute(events):
        if day not in released:
            continue
        for age in map(int, key_ages.split()):
            ages[min(max(age, 0), KEY_AGE_BINS)] += 1
        if onset is not None:
            onsets[min(max(onset, 0), ONSET_BINS)] += 1
    return RealmFigures(figures, ages, onsets)
