"""Where a phone keeps its own keys and what it heard: an SQLite file on a device, or memory.

Both stores hold only 14 days: `purge` deletes everything older, and the Phone calls it every time it
touches the store. There is nothing else to keep: no root key, no contact identities, no location.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

import numpy as np

from bluezone.errors import InvalidInput
from bluezone.protocol.matching import Sightings, bytes_to_rows

SCHEMA = """
CREATE TABLE IF NOT EXISTS teks (
    start_interval INTEGER PRIMARY KEY,
    key BLOB NOT NULL CHECK (length(key) = 16),
    period INTEGER NOT NULL CHECK (period BETWEEN 1 AND 144)
);
CREATE TABLE IF NOT EXISTS sightings (
    time REAL NOT NULL,
    rpi BLOB NOT NULL CHECK (length(rpi) = 16),
    aem BLOB NOT NULL CHECK (length(aem) = 4),
    rssi INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sightings_time ON sightings (time);
CREATE TABLE IF NOT EXISTS alerted (
    day INTEGER NOT NULL,
    level INTEGER NOT NULL,
    PRIMARY KEY (day, level)
);
"""


class PhoneStore(Protocol):
    def put_key(self, start_interval: int, key: bytes, period: int) -> None: ...
    def teks(self) -> list[tuple[int, bytes, int]]:
        """(start interval, TEK, rolling period), oldest first."""
        ...

    def add_sightings(
        self, time: list[float], rpi: list[bytes], aem: list[bytes], rssi: list[int]
    ) -> None: ...
    def sightings(self, model: str) -> Sightings: ...
    def mark_alerted(self, day: int, level: int) -> None: ...
    def alerted(self) -> set[tuple[int, int]]:
        """(UTC day number, level) of every alert already shown."""
        ...

    def purge(self, keys_before_interval: int, sightings_before: float) -> int:
        """Delete keys starting before the interval, and sightings and alerts before the time."""
        ...


def _check_rows(time: list[float], rpi: list[bytes], aem: list[bytes], rssi: list[int]) -> None:
    if not len(time) == len(rpi) == len(aem) == len(rssi):
        raise InvalidInput("sighting columns differ in length")
    if any(len(r) != 16 for r in rpi) or any(len(a) != 4 for a in aem):
        raise InvalidInput("a sighting needs a 16-byte RPI and a 4-byte AEM", code="bad_length")


def _as_table(
    time: list[float], rpi: list[bytes], aem: list[bytes], rssi: list[int], model: str
) -> Sightings:
    n = len(time)
    return Sightings(
        rpi=bytes_to_rows(rpi, 16),
        aem=bytes_to_rows(aem, 4),
        time=np.array(time, dtype=np.float64),
        rssi=np.array(rssi, dtype=np.int16),
        model=np.zeros(n, dtype=np.int32),
        models=(model,),
    )


class SqliteStore:
    """A device's store: one SQLite file (or ":memory:")."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self._db = sqlite3.connect(str(path))
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def put_key(self, start_interval: int, key: bytes, period: int) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO teks VALUES (?, ?, ?)", (start_interval, key, period))

    def teks(self) -> list[tuple[int, bytes, int]]:
        rows = self._db.execute("SELECT start_interval, key, period FROM teks ORDER BY start_interval")
        return [(int(s), bytes(k), int(p)) for s, k, p in rows]

    def add_sightings(self, time: list[float], rpi: list[bytes], aem: list[bytes], rssi: list[int]) -> None:
        _check_rows(time, rpi, aem, rssi)
        with self._db:
            self._db.executemany(
                "INSERT INTO sightings VALUES (?, ?, ?, ?)", zip(time, rpi, aem, rssi, strict=True)
            )

    def sightings(self, model: str) -> Sightings:
        rows = self._db.execute("SELECT time, rpi, aem, rssi FROM sightings ORDER BY time").fetchall()
        return _as_table(
            [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows], model
        )

    def mark_alerted(self, day: int, level: int) -> None:
        with self._db:
            self._db.execute("INSERT OR IGNORE INTO alerted VALUES (?, ?)", (day, level))

    def alerted(self) -> set[tuple[int, int]]:
        return {(int(d), int(lv)) for d, lv in self._db.execute("SELECT day, level FROM alerted")}

    def purge(self, keys_before_interval: int, sightings_before: float) -> int:
        with self._db:
            deleted = self._db.execute(
                "DELETE FROM teks WHERE start_interval < ?", (keys_before_interval,)
            ).rowcount
            deleted += self._db.execute("DELETE FROM sightings WHERE time < ?", (sightings_before,)).rowcount
            deleted += self._db.execute(
                "DELETE FROM alerted WHERE day < ?", (sightings_before // 86_400,)
            ).rowcount
        return int(deleted)


class MemoryStore:
    """The same store in memory, for simulations that run many phones."""

    def __init__(self) -> None:
        self._keys: dict[int, tuple[bytes, int]] = {}
        self._time: list[float] = []
        self._rpi: list[bytes] = []
        self._aem: list[bytes] = []
        self._rssi: list[int] = []
        self._alerted: set[tuple[int, int]] = set()

    def put_key(self, start_interval: int, key: bytes, period: int) -> None:
        self._keys[start_interval] = (key, period)

    def teks(self) -> list[tuple[int, bytes, int]]:
        return [(s, k, p) for s, (k, p) in sorted(self._keys.items())]

    def add_sightings(self, time: list[float], rpi: list[bytes], aem: list[bytes], rssi: list[int]) -> None:
        _check_rows(time, rpi, aem, rssi)
        self._time += time
        self._rpi += rpi
        self._aem += aem
        self._rssi += rssi

    def sightings(self, model: str) -> Sightings:
        return _as_table(self._time, self._rpi, self._aem, self._rssi, model)

    def mark_alerted(self, day: int, level: int) -> None:
        self._alerted.add((day, level))

    def alerted(self) -> set[tuple[int, int]]:
        return set(self._alerted)

    def purge(self, keys_before_interval: int, sightings_before: float) -> int:
        old_alerts = {(d, lv) for d, lv in self._alerted if d < sightings_before // 86_400}
        self._alerted -= old_alerts
        old_keys = [s for s in self._keys if s < keys_before_interval]
        for start in old_keys:
            del self._keys[start]
        keep = [i for i, t in enumerate(self._time) if t >= sightings_before]
        deleted = len(old_alerts) + len(old_keys) + len(self._time) - len(keep)
        self._time = [self._time[i] for i in keep]
        self._rpi = [self._rpi[i] for i in keep]
        self._aem = [self._aem[i] for i in keep]
        self._rssi = [self._rssi[i] for i in keep]
        return deleted
