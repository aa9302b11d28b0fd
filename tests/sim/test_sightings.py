"""Bulk keys and IDs are the core's, and the town's log matches exactly what a phone-by-phone match finds."""

from __future__ import annotations

from typing import Any

import numpy as np

from bluezone.protocol import keys as crypto
from bluezone.protocol.backend import CryptoBackend
from bluezone.protocol.ble import Metadata
from bluezone.protocol.exposure_key import ExposureKey, ReportType
from bluezone.protocol.intervals import INTERVAL_SECONDS, ROLLING_PERIOD
from bluezone.protocol.matching import DiagnosisKeys, Sightings, match
from bluezone.sim.identifiers import DayIds, derive_day
from bluezone.sim.sightings import DayLog, HeardScans

DAY = 20_500  # a UTC day number


def test_bulk_ids_are_the_protocols(backend: CryptoBackend) -> None:
    tx = np.array([-24, -30, 5], np.int8)
    ids = derive_day(DAY, 3, tx, np.random.default_rng(0), backend)
    for user in range(3):
        expected = crypto.derive_ids(
            ids.teks[user].tobytes(),
            DAY * ROLLING_PERIOD,
            ROLLING_PERIOD,
            Metadata(tx_power=int(tx[user])).to_bytes(),
        )
        for i, (_, rpi, aem) in enumerate(expected.ids):
            assert ids.rpis[user, i].tobytes() == rpi and ids.aems[user, i].tobytes() == aem


def _town_log(backend: CryptoBackend) -> tuple[DayLog, dict[str, Any], dict[int, DayIds]]:
    rng = np.random.default_rng(1)
    users = 30
    tables = {d: derive_day(d, users, np.full(users, -24, np.int8), rng, backend) for d in (DAY, DAY + 1)}
    n = 5000
    start = DAY * 86_400 + 60_000.0  # late in the UTC day, so the log spans two keys
    rows = {
        "receiver": rng.integers(0, users, n).astype(np.int32),
        "sender": rng.integers(0, users, n).astype(np.int32),
        "time": np.sort(rng.uniform(start, start + 50_000, n)),
        "max_rssi": rng.integers(-90, -50, n).astype(np.int8),
        "mean_rssi": rng.uniform(-95, -55, n).astype(np.float32),
        "packets": rng.integers(1, 16, n).astype(np.int8),
    }
    log = DayLog(**rows, ids=tables, app_index=np.arange(users, dtype=np.int32), backend=backend)  # type: ignore[arg-type]
    return log, rows, tables


def test_the_log_finds_exactly_what_per_row_matching_finds(backend: CryptoBackend) -> None:
    log, rows, tables = _town_log(backend)
    positives = [3, 11, 17]
    keys = DiagnosisKeys.from_keys(
        [
            ExposureKey(
                tables[d].teks[u].tobytes(),
                d * ROLLING_PERIOD,
                ROLLING_PERIOD,
                report_type=ReportType.CONFIRMED_TEST,
            )
            for u in positives
            for d in (DAY, DAY + 1)
        ]
    )
    cutoff = float(rows["time"][4000])
    found = log.match(keys, before=cutoff)

    # The same rows, one full sighting (RPI and AEM) each, through the core's matcher.
    interval = (rows["time"] // INTERVAL_SECONDS).astype(np.int64)
    day = interval // ROLLING_PERIOD
    rpi = np.stack(
        [
            tables[int(d)].rpis[s, i - int(d) * ROLLING_PERIOD]
            for s, i, d in zip(rows["sender"], interval, day, strict=True)
        ]
    )
    aem = np.stack(
        [
            tables[int(d)].aems[s, i - int(d) * ROLLING_PERIOD]
            for s, i, d in zip(rows["sender"], interval, day, strict=True)
        ]
    )
    full = Sightings(rpi, aem, rows["time"], rows["max_rssi"].astype(np.int16), np.zeros(len(rpi), np.int32))
    reference = match(keys, full, backend)
    early = rows["time"][reference.sighting] < cutoff
    expected = sorted(
        zip(
            rows["receiver"][reference.sighting][early].tolist(),
            rows["time"][reference.sighting][early].tolist(),
            strict=True,
        )
    )
    assert sorted(zip(found.receiver.tolist(), found.time.tolist(), strict=True)) == expected
    assert set(np.isin(rows["sender"][reference.sighting], positives)) == {True}
    assert len(found) > 100 and set(found.tx_power.tolist()) == {-24}


def test_matches_of_several_days_concatenate() -> None:
    empty = HeardScans(
        receiver=np.zeros(0, np.int32),
        key=np.zeros(0, np.int64),
        time=np.zeros(0),
        max_rssi=np.zeros(0, np.int8),
        mean_rssi=np.zeros(0, np.float32),
        packets=np.zeros(0, np.int8),
        tx_power=np.zeros(0, np.int8),
    )
    both = HeardScans.concat([empty, empty])
    assert len(both) == 0 and both.time.dtype == np.float64
