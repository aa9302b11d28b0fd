"""The phone's venue check-ins: kept on the phone only, closed automatically after the venue's usual visit
length, deleted after 14 days; shared, as protected reports, only when an F0 agrees; matched locally against
published reports of risky stays.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from bluezone.clock import Clock, local_time
from bluezone.errors import BluezoneError
from bluezone.protocol.intervals import INTERVAL_SECONDS
from bluezone.texts import Language, day, text
from bluezone.venues import qr, reports, venues_pb2

RETENTION_SECONDS = 14 * 86_400
MIN_OVERLAP_SECONDS = 10 * 60  # a shorter shared time at a venue raises no alert
DEFAULT_RISK = 7


@dataclass(frozen=True)
class CheckIn:
    payload: str  # the venue code as scanned: the stay's key to its venue
    venue: qr.Venue
    arrival: float
    departure: float  # planned (automatic check-out) until the user leaves earlier
    closed_by_user: bool = False

    @property
    def location_id(self) -> bytes:
        return qr.location_id(self.payload)


@dataclass(frozen=True)
class VenueAlert:
    venue: qr.Venue
    arrival: float
    departure: float
    overlap_seconds: float

    def render(self, language: Language = "vi") -> str:
        return text(
            "venue.alert",
            language,
            date=day(local_time(self.arrival).date(), language),
            place=f"{self.venue.name} ({self.venue.address})",
            minutes=round(self.overlap_seconds / 60),
        )


class CheckInBook:
    """The phone's check-ins, in memory or in a SQLite file of the phone's (kept across restarts)."""

    def __init__(
        self,
        clock: Clock,
        venue_keys: Mapping[str, ec.EllipticCurvePublicKey],
        path: Path | str | None = None,
    ) -> None:
        self.clock = clock
        self.venue_keys = venue_keys
        self._db = sqlite3.connect(str(path) if path is not None else ":memory:")
        with self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS check_ins (payload TEXT NOT NULL, arrival REAL NOT NULL, "
                "departure REAL NOT NULL, closed_by_user INTEGER NOT NULL)"
            )

    def scan(self, payload: str) -> CheckIn:
        """Check in at the venue a scanned code names; a forged or altered code is refused (nothing kept).
        Being somewhere new ends the stay before."""
        venue = qr.read_payload(payload, self.venue_keys)
        now = self.clock.now()
        self.check_out()
        stay = CheckIn(payload, venue, now, now + venue.visit_minutes * 60)
        with self._db:
            self._db.execute(
                "INSERT INTO check_ins VALUES (?, ?, ?, 0)", (payload, stay.arrival, stay.departure)
            )
        return stay

    def check_out(self) -> None:
        """The user leaves: the open stay ends now (a stay already past its planned end is left as it is)."""
        now = self.clock.now()
        with self._db:
            self._db.execute(
                "UPDATE check_ins SET departure = ?, closed_by_user = 1 WHERE departure > ?", (now, now)
            )

    def stays(self) -> list[CheckIn]:
        """Every stay of the last 14 days; older ones are deleted."""
        with self._db:
            self._db.execute(
                "DELETE FROM check_ins WHERE departure < ?", (self.clock.now() - RETENTION_SECONDS,)
            )
        rows = self._db.execute(
            "SELECT payload, arrival, departure, closed_by_user FROM check_ins ORDER BY arrival"
        ).fetchall()
        return [
            CheckIn(payload, qr.read_payload(payload, self.venue_keys), arrival, departure, bool(closed))
            for payload, arrival, departure, closed in rows
        ]

    def reports_since(self, first: float) -> list[venues_pb2.CheckInProtectedReport]:
        """Protected reports of the stays that ended after `first` (the infectious window), for an F0 who
        agreed to share them; the phone's own clock bounds the stay that is still open."""
        now = self.clock.now()
        shared = []
        for stay in self.stays():
            end = min(stay.departure, now)
            if end < first:
                continue
            start_interval = int(stay.arrival // INTERVAL_SECONDS)
            period = max(1, -(-int(end - start_interval * INTERVAL_SECONDS) // INTERVAL_SECONDS))
            shared.append(
                reports.protect(stay.location_id, reports.Stay(start_interval, period, DEFAULT_RISK))
            )
        return shared

    def match(self, published: Iterable[venues_pb2.CheckInProtectedReport]) -> list[VenueAlert]:
        """Venue alerts: published stays at a venue this phone was at, overlapping its stay long enough."""
        mine: dict[bytes, list[CheckIn]] = {}
        for stay in self.stays():
            mine.setdefault(reports.location_id_hash(stay.location_id), []).append(stay)
        alerts = []
        for report in published:
            for stay in mine.get(report.location_id_hash, []):
                try:
                    risky = reports.unprotect(stay.location_id, report)
                except BluezoneError:
                    continue  # an altered report says nothing
                start = risky.start_interval * INTERVAL_SECONDS
                end = risky.end_interval * INTERVAL_SECONDS
                overlap = min(end, stay.departure) - max(start, stay.arrival)
                if overlap >= MIN_OVERLAP_SECONDS:
                    alerts.append(VenueAlert(stay.venue, stay.arrival, stay.departure, overlap))
        return alerts
