"""Counting installs and daily activity from the phones themselves, without identifying any phone.

A phone reports its install once and its activity (app running, Bluetooth on) once a day, with the commune
its user chose, and that it checked in at venues of a commune that day, each with a token it makes fresh for
that day. The server keeps a keyed hash of the token only until
the day is closed, to count each phone once; it keeps no address. Closing a day writes the communes' figures
into the campaign's snapshots (installs to date, phones active that day) and deletes the day's receipts.
"""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bluezone.campaign.imports import CountRow, store_counts
from bluezone.clock import EPOCH, day_start, local_day
from bluezone.errors import InvalidInput
from bluezone.geography.areas import Level, level_of, registry, structure_on
from bluezone.store.inserts import insert_ignoring_duplicates
from bluezone.store.models import ActivityCount, ActivityDay, ActivityReceipt
from bluezone.store.secrets import ServerSecrets

TOKEN_BYTES = 16


class Kind(StrEnum):
    INSTALL = "install"
    ACTIVE = "active"
    CHECKIN = "checkin"  # the phone checked in at a venue in this commune today


def day_end(day: int) -> int:
    """The first second after Viet Nam's day `day`: a closed day's snapshot time."""
    return day_start(EPOCH + timedelta(days=day + 1))


def record(
    session: Session, secrets: ServerSecrets, *, kind: str, commune_code: str, token: str, now: int
) -> bool:
    """Count one report; False when this token was already counted today (nothing changes)."""
    try:
        chosen = Kind(kind)
    except ValueError:
        raise InvalidInput("kind is install or active", code="bad_kind") from None
    try:
        raw = base64.b64decode(token, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != TOKEN_BYTES:
        raise InvalidInput(f"token must be {TOKEN_BYTES} random bytes in base64", code="bad_token")
    day = local_day(now)
    structure = structure_on(EPOCH + timedelta(days=day))
    if level_of(commune_code) is not Level.COMMUNE:
        raise InvalidInput("communeCode must be a 5-digit commune code", code="bad_area_code")
    registry(structure).get(commune_code)
    token_hash = secrets.keyed_hash(f"activity:{day}:{chosen}", raw.hex())
    fresh = insert_ignoring_duplicates(
        session,
        ActivityReceipt,
        [{"day": day, "kind": chosen.value, "token_hash": token_hash}],
        ["day", "kind", "token_hash"],
    )
    if not fresh:
        return False
    key = {"day": day, "kind": chosen.value, "structure": structure.value, "commune_code": commune_code}
    if not insert_ignoring_duplicates(session, ActivityCount, [{**key, "phones": 1}], list(key)):
        session.execute(
            update(ActivityCount)
            .where(*(getattr(ActivityCount, name) == value for name, value in key.items()))
            .values(phones=ActivityCount.phones + 1)
        )
    return True


def close_days(session: Session, now: int) -> list[int]:
    """Close every finished day not closed yet: snapshots written, receipts deleted. Returns the days."""
    today = local_day(now)
    closed = set(session.scalars(select(ActivityDay.day)))
    pending = sorted(
        {d for d in session.scalars(select(ActivityCount.day).distinct()) if d < today and d not in closed}
        | {
            d
            for d in session.scalars(select(ActivityReceipt.day).distinct())
            if d < today and d not in closed
        }
    )
    for day in pending:
        store_counts(session, _snapshot(session, day))
        session.query(ActivityReceipt).filter(ActivityReceipt.day == day).delete()
        session.add(ActivityDay(day=day, closed_at=now))
    return pending


def _snapshot(session: Session, day: int) -> list[CountRow]:
    """Per commune: installs reported up to the end of `day`, and phones active that day."""
    structure = structure_on(EPOCH + timedelta(days=day))
    installs = dict(
        session.execute(
            select(ActivityCount.commune_code, func.sum(ActivityCount.phones))
            .where(
                ActivityCount.kind == Kind.INSTALL.value,
                ActivityCount.day <= day,
                ActivityCount.structure == structure.value,
            )
            .group_by(ActivityCount.commune_code)
        ).all()
    )
    active = dict(
        session.execute(
            select(ActivityCount.commune_code, ActivityCount.phones).where(
                ActivityCount.kind == Kind.ACTIVE.value,
                ActivityCount.day == day,
                ActivityCount.structure == structure.value,
            )
        ).all()
    )
    moment = day_end(day)
    return [
        CountRow(
            as_of=moment,
            structure=structure,
            level=Level.COMMUNE,
            area_code=code,
            # A phone installed before counting began reports activity without an install.
            installs=max(int(installs.get(code, 0)), int(active.get(code, 0))),
            smartphones=None,
            active=int(active.get(code, 0)),
        )
        for code in sorted(set(installs) | set(active))
    ]


def check_in_days(session: Session, communes: list[str], *, first_day: int, last_day: int) -> dict[int, int]:
    """Phones that checked in at venues of these communes, per day (Viet Nam's day numbers)."""
    rows = session.execute(
        select(ActivityCount.day, func.sum(ActivityCount.phones))
        .where(
            ActivityCount.kind == Kind.CHECKIN.value,
            ActivityCount.commune_code.in_(communes),
            ActivityCount.day >= first_day,
            ActivityCount.day <= last_day,
        )
        .group_by(ActivityCount.day)
    )
    return {int(day): int(phones) for day, phones in rows}
