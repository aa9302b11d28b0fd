"""Guessing codes: wrong codes are throttled per client and watched per app key.

Every phone of a realm shares one device key, so a limit on the key would let one person lock a whole
province out of verification. The throttle is on the client instead: its address (as the trusted reverse
proxy reports it), kept only as a keyed hash for two hours. The key's total is watched: counted, logged when
it crosses the alert level, shown in the console. docs/security.md has the arithmetic behind the limits.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bluezone.config import Settings
from bluezone.errors import RateLimited
from bluezone.store.inserts import locked_counter
from bluezone.store.models import ApiKey, GuessCount, Realm, VerifyFailures
from bluezone.store.secrets import ServerSecrets

SHORT_CODES = 10**8  # 8 digits
WORKING_MINUTES = 600  # codes are issued over about ten working hours a day
CLIENT_HASH_BYTES = 16
KEPT_HOURS = 2
log = logging.getLogger("bluezone.guessing")


@dataclass(frozen=True)
class Odds:
    """How soon guessers with the app key can expect to hit one live short code."""

    outstanding: int  # short codes live at once in the realm
    clients: int  # addresses guessing, each at the throttle's limit
    hit_per_hour: float  # chance of at least one hit in an hour, all clients together
    hours_to_hit: float  # expected hours to the first hit


def odds(settings: Settings, clients: int, outstanding: int) -> Odds:
    per_guess = outstanding / SHORT_CODES
    guesses = clients * settings.verify_failures_per_client_hour
    per_hour = 1 - (1 - per_guess) ** guesses
    return Odds(outstanding, clients, per_hour, 1 / (guesses * per_guess))  # mean wait, hits being rare


def outstanding_codes(settings: Settings) -> tuple[int, int]:
    """Short codes live at once in a realm at its daily quota: issued evenly over the working day, and all at
    once (the worst case)."""
    even = settings.codes_per_realm_per_day * settings.short_code_minutes // WORKING_MINUTES
    return max(1, even), settings.codes_per_realm_per_day


def client_id(secrets_: ServerSecrets, address: str) -> bytes:
    """What is stored of a client: a keyed hash of its address, useless without the server's key."""
    return secrets_.keyed_hash("client", address)[:CLIENT_HASH_BYTES]


def check_client(session: Session, settings: Settings, client: bytes, now: int) -> None:
    """Refuse a client that sent too many wrong codes this hour."""
    row = locked_counter(session, GuessCount, client=client, hour=now // 3600)
    if row.failures >= settings.verify_failures_per_client_hour:
        raise RateLimited("too many wrong codes from here; try again within the hour")


def count_wrong(session: Session, settings: Settings, api_key: ApiKey, client: bytes, now: int) -> int:
    """Count a wrong code against the client and the app key; the key's total this hour."""
    hour = now // 3600
    by_client = locked_counter(session, GuessCount, client=client, hour=hour)
    key_total = locked_counter(session, VerifyFailures, api_key_id=api_key.id, hour=hour)
    by_client.failures += 1
    key_total.failures += 1
    if key_total.failures == settings.verify_failures_alert_per_hour:
        realm = session.get(Realm, api_key.realm_id)
        realm_code = "?" if realm is None else realm.code
        entry = {"event": "guessing", "realm": realm_code, "wrong_codes_this_hour": key_total.failures}
        log.warning(json.dumps(entry))
    return key_total.failures


def wrong_this_hour(session: Session, realm: Realm, now: int) -> int:
    """Wrong codes sent with the realm's app keys this hour, all clients together."""
    total = session.scalar(
        select(func.coalesce(func.sum(VerifyFailures.failures), 0))
        .join(ApiKey, ApiKey.id == VerifyFailures.api_key_id)
        .where(ApiKey.realm_id == realm.id, VerifyFailures.hour == now // 3600)
    )
    return int(total or 0)


def purge(session: Session, now: int) -> int:
    deleted = session.execute(delete(GuessCount).where(GuessCount.hour < now // 3600 - KEPT_HOURS + 1))
    return int(deleted.rowcount)  # type: ignore[attr-defined]
