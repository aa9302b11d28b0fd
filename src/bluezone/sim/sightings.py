"""Every phone's scans of the day, simulated on the radio channel, logged, and matched with the core.

Each app user scans once every 5 minutes (at its own phase) and hears every app user it is gathered with.
A log row is one scan of one transmitter: as GAEN keeps it, the packets' count, strongest and mean RSSI.
For matching, a day's distinct heard IDs go into the core's `SightingIndex`; a matched ID is then
expanded to every scan that heard it (all within its 10 minutes, so the key's validity check and the
decrypted metadata are the same for each).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from bluezone.protocol.backend import CryptoBackend
from bluezone.protocol.intervals import INTERVAL_SECONDS, ROLLING_PERIOD
from bluezone.protocol.matching import DiagnosisKeys, SightingIndex, Sightings
from bluezone.sim.contacts import STEP_SECONDS, Encounters, Steps
from bluezone.sim.devices import Handsets
from bluezone.sim.identifiers import DayIds
from bluezone.sim.radio import Channel

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


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
    def concat(cls, parts: Sequence[HeardScans]) -> HeardScans:
        """One table of the matches of several days' logs (at least one)."""
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)})


class DayLog:
    """One local day of every phone's scans, indexed by heard ID."""

    def __init__(
        self,
        *,
        receiver: I32,
        sender: I32,
        time: F64,
        max_rssi: npt.NDArray[np.int8],
        mean_rssi: npt.NDArray[np.float32],
        packets: npt.NDArray[np.int8],
        ids: dict[int, DayIds],
        app_index: I32,
        backend: CryptoBackend,
    ) -> None:
        interval = (time // INTERVAL_SECONDS).astype(np.int64)
        slot = sender.astype(np.int64) << 32 | interval
        order = np.argsort(slot, kind="stable")
        self.receiver, self.time = receiver[order], time[order]
        self.max_rssi, self.mean_rssi, self.packets = max_rssi[order], mean_rssi[order], packets[order]
        slot = slot[order]
        self._first = (
            np.flatnonzero(np.r_[True, slot[1:] != slot[:-1]]) if len(slot) else np.zeros(0, np.int64)
        )
        self._end = np.append(self._first[1:], len(slot))
        heard_sender = (slot[self._first] >> 32).astype(np.int64)
        heard_interval = slot[self._first] & 0xFFFFFFFF
        rpi = np.zeros((len(self._first), 16), np.uint8)
        aem = np.zeros((len(self._first), 4), np.uint8)
        for day, table in ids.items():
            on_day = heard_interval // ROLLING_PERIOD == day
            row = app_index[heard_sender[on_day]]
            rpi[on_day] = table.rpis[row, heard_interval[on_day] - table.first_interval]
            aem[on_day] = table.aems[row, heard_interval[on_day] - table.first_interval]
        heard = Sightings(
            rpi=rpi,
            aem=aem,
            time=(heard_interval * INTERVAL_SECONDS).astype(np.float64),
            rssi=np.zeros(len(rpi), np.int16),
            model=np.zeros(len(rpi), np.int32),
        )
        self._index = SightingIndex(heard, backend)

    def __len__(self) -> int:
        return len(self.receiver)

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.receiver, self.time, self.max_rssi, self.mean_rssi, self.packets))

    def match(self, keys: DiagnosisKeys, before: float) -> HeardScans:
        """Scans before `before` (unix seconds) that heard one of `keys`."""
        found = self._index.match(keys)
        sizes = self._end[found.sighting] - self._first[found.sighting]
        rows = np.repeat(self._first[found.sighting], sizes) + (
            np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        )
        key = np.repeat(found.key, sizes)
        tx_power = np.repeat(found.tx_power, sizes)
        keep = self.time[rows] < before
        rows, key, tx_power = rows[keep], key[keep], tx_power[keep]
        return HeardScans(
            self.receiver[rows],
            key,
            self.time[rows],
            self.max_rssi[rows],
            self.mean_rssi[rows],
            self.packets[rows],
            tx_power,
        )


def simulate_scans(
    encounters: Encounters,
    steps: Steps,
    *,
    day_start: float,
    handsets: Handsets,
    scan_phase: F64,
    channel: Channel,
    rng: np.random.Generator,
) -> dict[str, npt.NDArray[np.generic]]:
    """Both directions of every app-pair step: the receiver's scan in that step, on the channel."""
    a = encounters.a[steps.encounter].astype(np.int32)
    b = encounters.b[steps.encounter].astype(np.int32)
    receiver, sender = np.concatenate([a, b]), np.concatenate([b, a])
    distance = np.concatenate([steps.distance_m, steps.distance_m]).astype(np.float64)
    # The persistent term holds for ~10 minutes of one encounter and one direction.
    encounter = np.concatenate([steps.encounter * 2, steps.encounter * 2 + 1])
    cell_key = encounter * 200 + np.concatenate([steps.step, steps.step]) // 2
    new_cell = np.r_[True, cell_key[1:] != cell_key[:-1]]
    cell = np.cumsum(new_cell) - 1
    persistent = channel.body_and_slow_db(int(new_cell.sum()), rng)[cell]
    link = (handsets.tx_power[sender] + handsets.tx_error_db[sender]) - (
        handsets.rssi_correction[receiver] + handsets.rssi_error_db[receiver]
    )
    batch = channel.scans(distance, persistent, link, rng)
    time = day_start + np.concatenate([steps.step, steps.step]) * STEP_SECONDS + scan_phase[receiver]
    heard = batch.packets > 0
    return {
        "receiver": receiver[heard],
        "sender": sender[heard],
        "time": time[heard],
        "max_rssi": batch.max_rssi[heard].astype(np.int8),
        "mean_rssi": batch.mean_rssi[heard].astype(np.float32),
        "packets": np.minimum(batch.packets[heard], 127).astype(np.int8),
    }
