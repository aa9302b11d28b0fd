"""The health authority's side of venues: registering one (its signed code), marking a stay at it as risky
by hand, and building the hourly packages of risky stays that phones download."""

from __future__ import annotations

import base64
import secrets as random
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session

from bluezone.authority.realms import check_in_province
from bluezone.errors import InvalidInput, NotFound
from bluezone.keyserver.storage import ExportStore
from bluezone.protocol.intervals import INTERVAL_SECONDS
from bluezone.store.models import CheckInReport, Realm, Unit, Venue
from bluezone.store.secrets import ServerSecrets
from bluezone.venues import package, qr, reports, venues_pb2

HOUR = 3600
VENUE_KEY_ID = "1"  # phones know the venue key by this id
PUBLIC_KEY = "venue-key.pem"  # beside the exports, as the app ships it: the key venue codes are signed with
MAX_MARKED_HOURS = 24


@dataclass(frozen=True)
class Registered:
    venue: qr.Venue
    payload: str


def register_venue(
    session: Session,
    secrets_: ServerSecrets,
    realm: Realm,
    *,
    name: str,
    address: str,
    commune_code: str,
    kind: str,
    visit_minutes: int,
    now: int,
    unit_id: int | None = None,
) -> Registered:
    check_in_province(realm, commune_code)
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise NotFound(f"no unit {unit_id}", code="unknown_unit")
    venue_id = base64.b32encode(random.token_bytes(10)).decode()[:12]
    venue = qr.check(qr.Venue(venue_id, name.strip(), address.strip(), commune_code, kind, visit_minutes))
    payload = qr.make_payload(venue, secrets_.venue_key, VENUE_KEY_ID)
    session.add(
        Venue(
            venue_id=venue_id,
            realm_id=realm.id,
            unit_id=unit_id,
            name=venue.name,
            address=venue.address,
            commune_code=commune_code,
            kind=kind,
            visit_minutes=visit_minutes,
            payload=payload,
            created_at=now,
        )
    )
    return Registered(venue, payload)


def venues_of(session: Session, realm: Realm) -> list[Venue]:
    return list(session.scalars(select(Venue).where(Venue.realm_id == realm.id).order_by(Venue.id)))


def venue_by_id(session: Session, venue_id: str, realm: Realm | None = None) -> Venue:
    venue = session.scalar(select(Venue).where(Venue.venue_id == venue_id))
    if venue is None or (realm is not None and venue.realm_id != realm.id):
        raise NotFound(f"no venue {venue_id}", code="unknown_venue")
    return venue


def mark_risky(session: Session, realm: Realm, venue_id: str, *, start: int, end: int, now: int) -> None:
    """A case worker's own finding: someone infectious was at this venue from `start` to `end`."""
    if end <= start:
        raise InvalidInput("the risky time must end after it starts", code="reversed_times")
    if end - start > MAX_MARKED_HOURS * HOUR or end > now:
        raise InvalidInput("mark a past stretch of at most 24 hours", code="bad_window")
    venue = venue_by_id(session, venue_id, realm)
    first = start // INTERVAL_SECONDS
    period = -(-(end - first * INTERVAL_SECONDS) // INTERVAL_SECONDS)
    report = reports.protect(
        qr.location_id(venue.payload), reports.Stay(first, period, reports.MAX_RISK_LEVEL)
    )
    session.add(
        CheckInReport(
            realm_id=realm.id, report=report.SerializeToString(), available_at=now - now % HOUR + HOUR
        )
    )


def publish_packages(
    session: Session, secrets_: ServerSecrets, store: ExportStore, *, region: str, now: int
) -> int:
    """Write a signed package for every closed hour that has reports and no package yet; return how many."""
    published = set(store.names(f"{package.PACKAGES}/"))
    closed = now - now % HOUR
    hours: dict[int, list[bytes]] = {}
    for report in session.scalars(select(CheckInReport).where(CheckInReport.available_at <= closed)):
        hours.setdefault(report.available_at // HOUR, []).append(report.report)
    written = 0
    for hour, stored in sorted(hours.items()):
        name = f"{package.PACKAGES}/{hour}.zip"
        if name in published:
            continue
        body = venues_pb2.TraceWarningPackage(
            interval_number=hour,
            region=region,
            check_in_protected_reports=[venues_pb2.CheckInProtectedReport.FromString(r) for r in stored],
        )
        store.put(name, package.write_package(body, secrets_.export_key))
        written += 1
    write_index(store)
    return written


def purge(session: Session, store: ExportStore, now: int, retention_days: int) -> int:
    """Reports and packages older than the retention period go; return how many reports."""
    cutoff = now - retention_days * 86_400
    old = session.query(CheckInReport).filter(CheckInReport.available_at < cutoff).delete()
    stale = [name for name in _packages(store) if int(Path(name).stem) * HOUR < cutoff]
    if stale:
        write_index(store, without=frozenset(stale))  # listed no more before they go
    for name in stale:
        store.delete(name)
    return int(old)


def _packages(store: ExportStore) -> list[str]:
    return [name for name in store.names(f"{package.PACKAGES}/") if name.endswith(".zip")]


def public_pem(secrets_: ServerSecrets) -> bytes:
    return secrets_.venue_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


def write_index(store: ExportStore, without: frozenset[str] = frozenset()) -> None:
    """The list phones read first; it exists (maybe empty) from the server's first start."""
    listing = "".join(f"{name}\n" for name in sorted(_packages(store)) if name not in without)
    store.put(f"{package.PACKAGES}/{package.INDEX}", listing.encode("ascii"))
