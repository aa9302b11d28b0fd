"""Counting installs and daily activity from the phones themselves, without identifying any phone.

A phone reports its install once and its activity (app running, Bluetooth on) once a day, with the commune
its user chose, and that it checked in at venues of a commune that day, each with a token it makes fresh for
that day. The server keeps a keyed hash of the token, with the commune, only until the day is closed, to
count each phone once; it keeps no address. A report is one row written once (no shared counter to update,
so reports from a whole province never queue on one row). Closing a day counts the receipts by commune,
writes the figures into the campaign's snapshots (installs to date, phones active that day) and deletes the
day's receipts.
"""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, insert, select
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
    receipt = receipt_for(secrets, kind=kind, commune_code=commune_code, token=token, now=now)
    return store_receipts(session, [receipt]) == 1


def receipt_for(
    secrets: ServerSecrets, *, kind: str, commune_code: str, token: str, now: int
) -> dict[str, Any]:
    """One report checked and made into its receipt row (the token only as a keyed hash of the day)."""
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
    # One row, written once: counting waits for the day's close, so reports never queue on a shared counter.
    return {
        "day": day,
        "kind": chosen.value,
        "token_hash": token_hash,
        "structure": structure.value,
        "commune_code": commune_code,
    }


def store_receipts(session: Session, receipts: list[dict[str, Any]]) -> int:
    """Receipts in one statement (a token counted today already is left as it is); how many were new."""
    unique: dict[tuple[object, ...], dict[str, Any]] = {
        (r["day"], r["kind"], r["token_hash"]): r for r in receipts
    }  # a token twice in one batch: one row (the database would refuse the statement)
    return insert_ignoring_duplicates(
        session, ActivityReceipt, list(unique.values()), ["day", "kind", "token_hash"]
    )


def _count_receipts(session: Session, day: int) -> None:
    """The closing day's receipts into its counts: distinct phones per commune and kind."""
    rows = session.execute(
        select(ActivityReceipt.kind, ActivityReceipt.structure, ActivityReceipt.commune_code, func.count())
        .where(ActivityReceipt.day == day, ActivityReceipt.commune_code.is_not(None))
        .group_by(ActivityReceipt.kind, ActivityReceipt.structure, ActivityReceipt.commune_code)
    ).all()
    counts = [
        {"day": day, "kind": kind, "structure": structure, "commune_code": code, "phones": int(phones)}
        for kind, structure, code, phones in rows
    ]
    if counts:
        session.execute(insert(ActivityCount), counts)


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
        _count_receipts(session, day)
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
    """Phones that checked in at venues of these communes, per day (Viet Nam's day numbers): closed days
    from their counts, the open day from its receipts."""
    found: dict[int, int] = {}
    sources: list[tuple[type[ActivityCount] | type[ActivityReceipt], Any]] = [
        (ActivityCount, func.sum(ActivityCount.phones)),
        (ActivityReceipt, func.count()),
    ]
    for table, phones in sources:
        rows = session.execute(
            select(table.day, phones)
            .where(
                table.kind == Kind.CHECKIN.value,
                table.commune_code.in_(communes),
                table.day >= first_day,
                table.day <= last_day,
            )
            .group_by(table.day)
        )
        for day, count in rows:
            found[int(day)] = found.get(int(day), 0) + int(count)
    return found
