"""The town's markets and cafés as venues with QR posters (registered on the real server), app users'
check-ins at them, the stays an F0 shares, and venue alerts matched against the published packages.

A day's market or café gathering takes place at one of the town's venues of that kind; each app user there
checks in with some probability and stays as long as the gathering. Stays are protected and read with the
venues' real scheme (`bluezone.venues.reports`); a phone is alerted when its stay overlaps a risky one by
10 minutes or more, as `CheckInBook.match` decides.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from bluezone.errors import BluezoneError
from bluezone.phone.checkins import MIN_OVERLAP_SECONDS
from bluezone.protocol.intervals import INTERVAL_SECONDS
from bluezone.sim.contacts import STEP_SECONDS, Setting, Visits
from bluezone.venues import qr, reports, venues_pb2

# Setting → (venue kind, people per venue, usual visit minutes, name).
VENUE_KINDS = {
    Setting.MARKET: ("market", 500, 45, "Chợ"),
    Setting.CAFE: ("cafe", 150, 60, "Quán cà phê"),
}
VENUE_SETTINGS = [int(setting) for setting in VENUE_KINDS]
KEEP_DAYS = 14

# [(name, commune, kind, minutes)] → the codes on the venues' posters
Register = Callable[[list[tuple[str, str, str, int]]], list[str]]
# Check-ins: who, which venue, arrival and departure (unix seconds).
Stays = tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.float64], npt.NDArray[np.float64]]


class TownVenues:
    def __init__(
        self, people: int, communes: list[str], register: Register, rng: np.random.Generator
    ) -> None:
        wanted: list[tuple[str, str, str, int]] = []
        self.first: dict[Setting, int] = {}
        self.count: dict[Setting, int] = {}
        for setting, (kind, per_venue, minutes, name) in VENUE_KINDS.items():
            self.first[setting] = len(wanted)
            self.count[setting] = max(2, people // per_venue)
            for i in range(self.count[setting]):
                commune = communes[int(rng.integers(len(communes)))]
                wanted.append((f"{name} số {i + 1}", commune, kind, minutes))
        self.payloads = register(wanted)
        self.location_ids = [qr.location_id(p) for p in self.payloads]
        self.by_hash = {reports.location_id_hash(lid): i for i, lid in enumerate(self.location_ids)}
        self._days: dict[int, Stays] = {}
        self.check_ins = 0

    def check_in(
        self,
        day: int,
        visits: Visits,
        *,
        has_app: npt.NDArray[np.bool_],
        share: float,
        day_start: float,
        rng: np.random.Generator,
    ) -> None:
        """App users at a market or café scan its poster (each visit with probability `share`). A day's
        stays are kept in venue order, so that a risky stay's venue is found by bisection."""
        scanned = rng.random(len(visits)) < share
        at = np.flatnonzero(scanned & has_app[visits.person] & np.isin(visits.setting, VENUE_SETTINGS))
        setting, gathering = visits.setting[at], visits.gathering[at]
        venue = np.empty(len(at), np.int64)
        for kind in VENUE_KINDS:
            of_kind = setting == int(kind)
            venue[of_kind] = self.first[kind] + gathering[of_kind] % self.count[kind]
        order = np.argsort(venue, kind="stable")
        at = at[order]
        self._days[day] = (
            visits.person[at],
            venue[order].astype(np.int32),
            day_start + visits.start[at].astype(np.float64) * STEP_SECONDS,
            day_start + visits.end[at].astype(np.float64) * STEP_SECONDS,
        )
        self.check_ins += len(at)
        for old in [d for d in self._days if d <= day - KEEP_DAYS]:
            del self._days[old]

    def shared_by(self, person: int, since: float) -> list[bytes]:
        """The protected stays an F0 shares: those that ended after `since` (the infectious window)."""
        shared = []
        for who, venue, arrival, departure in self._days.values():
            mine = (who == person) & (departure >= since)
            for v, start, end in zip(venue[mine], arrival[mine], departure[mine], strict=True):
                first = int(start // INTERVAL_SECONDS)
                period = max(1, -(-int(end - first * INTERVAL_SECONDS) // INTERVAL_SECONDS))
                report = reports.protect(
                    self.location_ids[int(v)], reports.Stay(first, period, reports.MAX_RISK_LEVEL - 1)
                )
                shared.append(report.SerializeToString())
        return shared

    def alerted_by(self, published: list[venues_pb2.CheckInProtectedReport]) -> npt.NDArray[np.int32]:
        """Everyone whose stay overlaps a published risky stay by 10 minutes or more."""
        alerted: list[npt.NDArray[np.int32]] = [np.zeros(0, np.int32)]
        for report in published:
            index = self.by_hash.get(report.location_id_hash)
            if index is None:
                continue
            try:
                risky = reports.unprotect(self.location_ids[index], report)
            except BluezoneError:
                continue
            start, end = risky.start_interval * INTERVAL_SECONDS, risky.end_interval * INTERVAL_SECONDS
            for who, venue, arrival, departure in self._days.values():
                there = slice(*np.searchsorted(venue, [index, index + 1]))
                overlap = np.minimum(departure[there], end) - np.maximum(arrival[there], start)
                alerted.append(who[there][overlap >= MIN_OVERLAP_SECONDS])
        return np.unique(np.concatenate(alerted))
