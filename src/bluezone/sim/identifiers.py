"""Every app user's daily key and the rotating IDs it yields, derived in bulk with the core's crypto.

A day's IDs exist for the phones that ran the app that day; an ID heard at time t is the transmitter's
RPI of interval ⌊t / 600⌋ under its key of that UTC day, exactly as a real phone would advertise it.
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


@dataclass(frozen=True)
class DayIds:
    """One UTC day: row i belongs to the app user `users[i]`."""

    day: int  # UTC day number
    teks: U8  # (n, 16)
    rpis: U8  # (n, 144, 16)
    aems: U8  # (n, 144, 4)

    @property
    def first_interval(self) -> int:
        return self.day * ROLLING_PERIOD


def derive_day(
    day: int, n_users: int, tx_power: npt.NDArray[np.int8], rng: np.random.Generator, backend: CryptoBackend
) -> DayIds:
    """Fresh keys for `n_users` phones (from the run's seed, so runs repeat), and their 144 RPIs and AEMs."""
    teks = np.frombuffer(rng.bytes(16 * n_users), dtype=np.uint8).reshape(n_users, 16)
    rpiks = backend.hkdf16(teks.tobytes(), RPIK_INFO)
    starts = np.full(n_users, day * ROLLING_PERIOD, dtype=np.int32)
    counts = np.full(n_users, ROLLING_PERIOD, dtype=np.int32)
    rpis = np.frombuffer(backend.rpis(rpiks, starts, counts), dtype=np.uint8).reshape(
        n_users, ROLLING_PERIOD, 16
    )
    metadata = np.array([list(Metadata(tx_power=int(tx)).to_bytes()) for tx in tx_power], dtype=np.uint8)
    # AEM = AES-CTR(AEMK, counter block = RPI) over the 4 metadata bytes.
    aemks = np.frombuffer(backend.hkdf16(teks.tobytes(), AEMK_INFO), dtype=np.uint8).reshape(n_users, 16)
    stream = np.frombuffer(
        backend.ecb_pairs(np.repeat(aemks, ROLLING_PERIOD, axis=0).tobytes(), rpis.tobytes()), dtype=np.uint8
    ).reshape(n_users, ROLLING_PERIOD, 16)
    aems = stream[:, :, :4] ^ metadata[:, None, :]
    return DayIds(day, teks.copy(), rpis, aems)
