"""Bulk keys and IDs are the core's, and the town's log, kept as encounters and simulated again on a
match, finds exactly what matching every scan as a full sighting finds."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from bluezone.protocol import keys as crypto
from bluezone.protocol.backend import CryptoBackend
from bluezone.protocol.ble import Metadata
from bluezone.protocol.exposure_key import ExposureKey, ReportType
from bluezone.protocol.intervals import INTERVAL_SECONDS, ROLLING_PERIOD
from bluezone.protocol.matching import DiagnosisKeys, Sightings, match
from bluezone.sim.contacts import STEP_SECONDS, Encounters, Setting
from bluezone.sim.identifiers import DayIds, derive_day
from bluezone.sim.radio import Channel
from bluezone.sim.scans import Radio
from bluezone.sim.sightings import DayLog, HeardScans

DAY = 20_500  # a UTC day number
F64 = npt.NDArray[np.float64]


def test_bulk_ids_are_the_protocols(backend: CryptoBackend) -> None:
    tx = np.array([-24, -30, 5], np.int8)
    ids = derive_day(DAY, 3, tx, np.random.default_rng(0), backend)
    intervals = ids.first_interval + np.arange(ROLLING_PERIOD, dtype=np.int64)
    for user in range(3):
        expected = crypto.derive_ids(
            ids.teks[user].tobytes(),
            DAY * ROLLING_PERIOD,
            ROLLING_PERIOD,
            Metadata(tx_power=int(tx[user])).to_bytes(),
        )
        rows = np.full(ROLLING_PERIOD, user, np.int64)
        rpis = ids.rpis(rows, intervals, backend)
        aems = ids.aems(rows, rpis, backend)
        for i, (_, rpi, aem) in enumerate(expected.ids):
            assert rpis[i].tobytes() == rpi and aems[i].tobytes() == aem


def test_ids_are_asked_for_within_their_day(backend: CryptoBackend) -> None:
    ids = derive_day(DAY, 2, np.array([-24, -24], np.int8), np.random.default_rng(0), backend)
    with pytest.raises(ValueError, match="outside UTC day"):
        ids.rpis(np.array([0]), np.array([ids.first_interval + ROLLING_PERIOD]), backend)


USERS = 60
DAY_START = DAY * 86_400 + 61_200.0  # local midnight in Viet Nam: the day spans two UTC days


def _town_log(backend: CryptoBackend) -> tuple[DayLog, Radio, Encounters, F64, dict[int, DayIds]]:
    rng = np.random.default_rng(1)
    tables = {d: derive_day(d, USERS, np.full(USERS, -24, np.int8), rng, backend) for d in (DAY, DAY + 1)}
    n = 400
    a = rng.integers(0, USERS - 1, n)
    start = rng.integers(0, 280, n)
    encounters = Encounters(
        a=a.astype(np.int32),
        b=np.minimum(a + 1 + rng.integers(0, 4, n), USERS - 1).astype(np.int32),
        start=start.astype(np.int16),
        end=np.minimum(start + rng.integers(1, 60, n), 288).astype(np.int16),
        setting=rng.integers(0, len(Setting), n).astype(np.int8),
        distance_m=rng.uniform(0.5, 6.0, n).astype(np.float32),
    )
    radio = Radio(
        Channel(),
        emit_db=np.full(USERS, -24.0),
        hear_db=rng.normal(0.0, 3.0, USERS),
        seed=5,
        day=3,
        accelerated=False,
    )
    phase = rng.uniform(0, STEP_SECONDS, USERS)
    log = DayLog(
        encounters,
        radio,
        day_start=DAY_START,
        ids=tables,
        app_index=np.arange(USERS, dtype=np.int32),
        scan_phase=phase,
        backend=backend,
    )
    return log, radio, encounters, phase, tables


def test_the_log_finds_exactly_what_per_row_matching_finds(backend: CryptoBackend) -> None:
    log, radio, encounters, phase, tables = _town_log(backend)
    positives = [3, 11, 17, 40]
    keys = DiagnosisKeys.from_keys(
        [
            ExposureKey(
                tables[d].teks[u].tobytes(),
                d * ROLLING_PERIOD,
                ROLLING_PERIOD if u != 40 else 30,  # released early: its day's last IDs are not in it
                report_type=ReportType.CONFIRMED_TEST,
            )
            for u in positives
            for d in (DAY, DAY + 1)
        ]
    )
    cutoff = DAY_START + 15 * 3600
    found = log.match(keys, before=cutoff)

    # Every scan of the day as one full sighting (RPI and AEM) each, through the core's matcher.
    rows = radio.rows(encounters, np.ones(USERS, bool))
    assert len(log) == len(rows)
    time = DAY_START + rows.step * float(STEP_SECONDS) + phase[rows.receiver]
    interval = (time // INTERVAL_SECONDS).astype(np.int64)
    rpi = np.zeros((len(rows), 16), np.uint8)
    aem = np.zeros((len(rows), 4), np.uint8)
    for day, table in tables.items():
        on_day = interval // ROLLING_PERIOD == day
        rpi[on_day] = table.rpis(rows.sender[on_day].astype(np.int64), interval[on_day], backend)
        aem[on_day] = table.aems(rows.sender[on_day].astype(np.int64), rpi[on_day], backend)
    full = Sightings(rpi, aem, time, rows.max_rssi.astype(np.int16), np.zeros(len(rpi), np.int32))
    reference = match(keys, full, backend)
    early = time[reference.sighting] < cutoff
    expected = sorted(
        zip(
            rows.receiver[reference.sighting][early].tolist(),
            time[reference.sighting][early].tolist(),
            reference.key[early].tolist(),
            rows.packets[reference.sighting][early].tolist(),
            strict=True,
        )
    )
    got = zip(
        found.receiver.tolist(), found.time.tolist(), found.key.tolist(), found.packets.tolist(), strict=True
    )
    assert sorted(got) == expected
    assert set(np.isin(rows.sender[reference.sighting], positives)) == {True}
    assert len(found) > 100 and set(found.tx_power.tolist()) == {-24}
    # Scan times run through the whole local day (steps past 09:06 once overflowed 16-bit arithmetic).
    assert found.time.min() >= DAY_START and found.time.max() < cutoff
    assert np.any(found.time > DAY_START + 12 * 3600)


def test_keys_nobody_heard_match_nothing(backend: CryptoBackend) -> None:
    log, _, _, _, _ = _town_log(backend)
    stranger = derive_day(DAY, 1, np.full(1, -24, np.int8), np.random.default_rng(99), backend)
    keys = DiagnosisKeys.from_keys([ExposureKey(stranger.teks[0].tobytes(), DAY * ROLLING_PERIOD)])
    found = log.match(keys, before=DAY_START + 86_400)
    assert len(found) == 0 and found.key.dtype == np.int64 and found.time.dtype == np.float64


def test_matches_of_several_days_concatenate() -> None:
    one = HeardScans.empty()
    both = HeardScans.concat([one, one])
    assert len(both) == 0 and both.time.dtype == np.float64 and both.receiver.dtype == np.int32
