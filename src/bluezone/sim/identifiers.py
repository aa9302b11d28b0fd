"""Every app user's daily key and the rotating IDs it yields, derived in bulk with the core's crypto.

A day's IDs exist for the phones that ran the app that day; an ID heard at time t is the transmitter's
RPI of interval ⌊t / 600⌋ under its key of that UTC day, exactly as a real phone would advertise it.
Only the keys are kept: an RPI and its AEM are derived when a log asks for them, so a million phones'
fortnight of IDs is not held in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bluezone.protocol.backend import CryptoBackend
from bluezone.protocol.ble import Metadata
from bluezone.protocol.intervals import ROLLING_PERIOD
from bluezone.protocol.keys import AEMK_INFO, RPIK_INFO

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class DayIds:
    """One UTC day: row i belongs to the app user `users[i]`."""

    day: int  # UTC day number
    teks: U8  # (n, 16)
    rpiks: U8  # (n, 16)
    aemks: U8  # (n, 16)
    metadata: U8  # (n, 4): what each phone advertises besides its RPI (its Tx power)

    @property
    def first_interval(self) -> int:
        return self.day * ROLLING_PERIOD

    def rpis(self, rows: I64, intervals: I64, backend: CryptoBackend) -> U8:
        """The RPI user `rows[i]` advertised in interval `intervals[i]` (an interval of this day)."""
        if np.any((intervals < self.first_interval) | (intervals >= self.first_interval + ROLLING_PERIOD)):
            raise ValueError(f"an interval outside UTC day {self.day}")
        out = backend.rpis(
            np.take(self.rpiks, rows, axis=0).tobytes(),
            intervals.astype(np.int32),
            np.ones(len(rows), np.int32),
        )
        return np.frombuffer(out, dtype=np.uint8).reshape(-1, 16).copy()

    def aems(self, rows: I64, rpis: U8, backend: CryptoBackend) -> U8:
        """AEM = AES-CTR(AEMK, counter block = RPI) over the 4 metadata bytes."""
        keys = np.take(self.aemks, rows, axis=0)  # rows by take: several times faster than by index
        stream = backend.ecb_pairs(keys.tobytes(), np.ascontiguousarray(rpis).tobytes())
        return np.frombuffer(stream, dtype=np.uint8).reshape(-1, 16)[:, :4] ^ np.take(
            self.metadata, rows, axis=0
        )


def derive_day(
    day: int, n_users: int, tx_power: npt.NDArray[np.int8], rng: np.random.Generator, backend: CryptoBackend
) -> DayIds:
    """Fresh keys for `n_users` phones (from the run's seed, so runs repeat) and their RPI and AEM keys."""
    teks = np.frombuffer(rng.bytes(16 * n_users), dtype=np.uint8).reshape(n_users, 16)
    rpiks = np.frombuffer(backend.hkdf16(teks.tobytes(), RPIK_INFO), dtype=np.uint8).reshape(n_users, 16)
    aemks = np.frombuffer(backend.hkdf16(teks.tobytes(), AEMK_INFO), dtype=np.uint8).reshape(n_users, 16)
    powers, which = np.unique(tx_power, return_inverse=True)
    table = np.array([list(Metadata(tx_power=int(tx)).to_bytes()) for tx in powers], dtype=np.uint8)
    metadata = table.reshape(-1, 4)[which.reshape(-1)]
    return DayIds(day, teks.copy(), rpiks, aemks, metadata)
