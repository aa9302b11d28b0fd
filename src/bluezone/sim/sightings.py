"""Every phone's scans of the day, simulated on the radio channel, logged, and matched with the core.

Each app user scans once every 5 minutes (at its own phase) and hears every app user it is gathered with.
A log row is one scan of one transmitter: as GAEN keeps it, the packets' count, strongest and mean RSSI.
The day's scans are all simulated when the day is lived, but the log keeps the encounters that made them
(a few bytes per encounter instead of twenty per scan) and, per transmitter, the first ID someone heard
on each UTC day. Those IDs go into the core's `SightingIndex`; when a published key matches one, every
scan of that transmitter's advertisements is simulated again, draw for draw (`scans`), and kept where
the key yields its ID: within the key's rolling period.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields
from typing import Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from bluezone.protocol.backend import CryptoBackend
from bluezone.protocol.intervals import INTERVAL_SECONDS, ROLLING_PERIOD
from bluezone.protocol.matching import DiagnosisKeys, SightingIndex, Sightings
from bluezone.sim import ragged
from bluezone.sim.contacts import STEP_SECONDS, Encounters
from bluezone.sim.identifiers import DayIds
from bluezone.sim.scans import NO_STEP, Radio, by_person

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
T = TypeVar("T")


class Prepare(Protocol):
    def __call__(self, work: Callable[[], T], /) -> Future[T]: ...


@dataclass(frozen=True)
class HeardScans:
    """Matched log rows: one per scan that heard a diagnosis key."""

    receiver: I32
    key: I64  # row in the DiagnosisKeys
    time: F64
    max_rssi: npt.NDArray[np.int8]
    mean_rssi: npt.NDArray[np.float32]
    packets: npt.NDArray[np.int8]
    tx_power: npt.NDArray[np.int8]  # from the decrypted metadata

    def __len__(self) -> int:
        return len(self.receiver)

    @classmethod
    def empty(cls) -> HeardScans:
        int8 = np.zeros(0, np.int8)
        return cls(
            np.zeros(0, np.int32),
            np.zeros(0, np.int64),
            np.zeros(0),
            int8,
            np.zeros(0, np.float32),
            int8,
            int8,
        )

    @classmethod
    def concat(cls, parts: Sequence[HeardScans]) -> HeardScans:
        """One table of the matches of several days' logs (at least one)."""
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})


@dataclass(frozen=True)
class _HalfDay:
    """One part of the local day, the intervals of one UTC day: the senders first heard in it, each by the
    ID they were first heard with, indexed for matching."""

    part: int
    first_interval: int
    intervals: int
    sender: npt.NDArray[np.intp]
    index: SightingIndex


@dataclass(frozen=True)
class _FirstHeard:
    """The day's scan pass: how many scans heard something, and its two halves' first heard IDs."""

    scans: int
    halves: tuple[_HalfDay, ...]


class DayLog:
    """One local day of every phone's scans, kept as its encounters and indexed by first-heard ID.
    `prepare` runs the day's scan pass and indexing beside the caller, who goes on until a match needs
    them (a phone's first check of the day)."""

    def __init__(
        self,
        encounters: Encounters,
        radio: Radio,
        *,
        day_start: float,
        ids: dict[int, DayIds],
        app_index: I32,
        scan_phase: F64,
        backend: CryptoBackend,
        prepare: Prepare | None = None,
    ) -> None:
        if day_start % INTERVAL_SECONDS:
            raise ValueError("a day starts on an interval boundary")
        self.encounters, self.radio, self.day_start, self.scan_phase = (
            encounters,
            radio,
            day_start,
            scan_phase,
        )
        first_interval = int(day_start // INTERVAL_SECONDS)
        # A step's scans all fall in interval first_interval + step // 2, whatever the phone's phase.
        self.split = 2 * (-first_interval % ROLLING_PERIOD)  # the step at which the UTC day changes
        tables = dict(ids)  # as they are now: the caller's table changes as days pass
        prepare = prepare or _now
        self._heard = prepare(lambda: self._first_heard(tables, app_index, backend))
        accelerated = radio.fast is not None
        people = len(scan_phase)
        self._by_person = prepare(lambda: by_person(encounters, people, accelerated=accelerated))

    def _first_heard(self, ids: dict[int, DayIds], app_index: I32, backend: CryptoBackend) -> _FirstHeard:
        heard = self.radio.heard(self.encounters, self.split)
        first_interval = int(self.day_start // INTERVAL_SECONDS)
        before = self.split // 2  # intervals before the UTC day changes
        spans = ((first_interval, before), (first_interval + before, ROLLING_PERIOD - before))

        def half(part: int) -> _HalfDay:
            sender = np.flatnonzero(heard.first[:, part] != NO_STEP)
            interval = first_interval + heard.first[sender, part].astype(np.int64) // 2
            sightings = Sightings.empty()
            if len(sender):
                table = ids[spans[part][0] // ROLLING_PERIOD]
                row = app_index[sender].astype(np.int64)
                rpi = table.rpis(row, interval, backend)
                sightings = Sightings(
                    rpi=rpi,
                    aem=table.aems(row, rpi, backend),
                    time=(interval * INTERVAL_SECONDS).astype(np.float64),
                    rssi=np.zeros(len(rpi), np.int16),
                    model=np.zeros(len(rpi), np.int32),
                )
            return _HalfDay(part, *spans[part], sender, SightingIndex(sightings, backend))

        with ThreadPoolExecutor(2) as pool:  # the core's crypto and index release the GIL
            halves = tuple(pool.map(half, (0, 1)))
        return _FirstHeard(heard.scans, halves)

    def __len__(self) -> int:
        """Scans that heard something (waits for the day's pass)."""
        return self._heard.result().scans

    def match(self, keys: DiagnosisKeys, before: float) -> HeardScans:
        """Scans before `before` (unix seconds) that heard one of `keys`."""
        if len(keys.meeting(int(self.day_start // INTERVAL_SECONDS), ROLLING_PERIOD)) == 0:
            return HeardScans.empty()  # no key covers this day: no need to wait for its scans
        sender, part, key_of, tx_of = self._first_heard_with(keys)
        if len(sender) == 0:
            return HeardScans.empty()
        # Which key each (sender, half of the day) was heard with, looked up by a sorted code.
        code = sender.astype(np.int64) * 2 + part
        order = np.argsort(code)
        code, key_of, tx_of = code[order], key_of[order], tx_of[order]
        senders = np.zeros(len(self.scan_phase), bool)
        senders[sender] = True
        rows = self.radio.rows(self.encounters.take(self._encounters_of(np.unique(sender))), senders)
        part_of_row = (rows.step >= self.split).astype(np.int64)
        row_code = rows.sender.astype(np.int64) * 2 + part_of_row
        at = np.minimum(np.searchsorted(code, row_code), len(code) - 1)
        key = np.where(code[at] == row_code, key_of[at], -1)
        time = self.day_start + rows.step.astype(np.float64) * STEP_SECONDS + self.scan_phase[rows.receiver]
        seen = np.floor(time / INTERVAL_SECONDS).astype(np.int64)
        start = keys.rolling_start[np.maximum(key, 0)].astype(np.int64)
        end = start + keys.rolling_period[np.maximum(key, 0)]
        # A scan carries the RPI of its own interval: the key yields it only within its rolling period.
        keep = (key >= 0) & (time < before) & (seen >= start) & (seen < end)
        return HeardScans(
            rows.receiver[keep],
            key[keep],
            time[keep],
            rows.max_rssi[keep],
            rows.mean_rssi[keep],
            rows.packets[keep],
            tx_of[at[keep]],
        )

    def _first_heard_with(self, keys: DiagnosisKeys) -> tuple[I64, I64, I64, npt.NDArray[np.int8]]:
        """Senders first heard, in a half of the day, with an ID of one of the keys: which half, which key
        (row of `keys`) and the Tx power its metadata gave."""
        found = []
        for half in self._heard.result().halves:
            meeting = keys.meeting(half.first_interval, half.intervals)
            hits = half.index.match(keys.take(meeting))
            found.append(
                (half.sender[hits.sighting], np.full(len(hits), half.part), meeting[hits.key], hits.tx_power)
            )
        sender, part, key, tx = (np.concatenate(column) for column in zip(*found, strict=True))
        return sender, part, key, tx

    def _encounters_of(self, people: npt.NDArray[np.integer]) -> I64:
        """The rows of the encounters these people were in, ascending."""
        offsets, rows = self._by_person.result()
        rows_of = rows[ragged.gather(offsets[people], offsets[people + 1] - offsets[people])]
        return np.unique(rows_of)


def _now(work: Callable[[], T]) -> Future[T]:
    done: Future[T] = Future()
    done.set_result(work())
    return done
