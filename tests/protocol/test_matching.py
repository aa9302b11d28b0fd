"""The matching engine: which sightings belong to which published key, on every backend."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bluezone.errors import InvalidInput
from bluezone.protocol import keys as crypto
from bluezone.protocol.backend import CryptoBackend, FastBackend, PureBackend, available_backends
from bluezone.protocol.ble import Metadata
from bluezone.protocol.exposure_key import ExposureKey
from bluezone.protocol.intervals import INTERVAL_SECONDS
from bluezone.protocol.matching import DiagnosisKeys, SightingIndex, Sightings, bytes_to_rows, match
from tests.protocol.test_keys import _fast_modes

START = 2_650_000  # a UTC-midnight interval (2_650_000 % 144 == 64, so use the day start below)
DAY = START - START % 144


def _sighting(
    tek: bytes, interval: int, *, at: float | None = None, tx_power: int = -24
) -> tuple[bytes, bytes, float]:
    rpi = crypto.rpi(crypto.rpik(tek), interval)
    aem = crypto.aem(crypto.aemk(tek), rpi, Metadata(tx_power=tx_power).to_bytes())
    return rpi, aem, (interval * INTERVAL_SECONDS + 30.0) if at is None else at


def _table(rows: list[tuple[bytes, bytes, float]], phone: list[int] | None = None) -> Sightings:
    n = len(rows)
    return Sightings(
        rpi=bytes_to_rows([r[0] for r in rows], 16),
        aem=bytes_to_rows([r[1] for r in rows], 4),
        time=np.array([r[2] for r in rows]),
        rssi=np.full(n, -70, dtype=np.int16),
        model=np.zeros(n, dtype=np.int32),
        phone=np.array(phone if phone is not None else [0] * n, dtype=np.int32),
    )


def _noise(n: int) -> list[tuple[bytes, bytes, float]]:
    return [(os.urandom(16), os.urandom(4), DAY * INTERVAL_SECONDS + i) for i in range(n)]


def test_finds_exactly_the_sightings_of_published_keys(backend: CryptoBackend) -> None:
    published, other = crypto.new_tek(), crypto.new_tek()
    rows = [
        *_noise(500),
        _sighting(published, DAY + 7),
        _sighting(other, DAY + 8),
        _sighting(published, DAY + 143),
    ]
    rows += [_sighting(published, DAY + 7, at=(DAY + 7) * INTERVAL_SECONDS + 200)]  # the same RPI twice
    keys = DiagnosisKeys.from_keys([ExposureKey(crypto.new_tek(), DAY), ExposureKey(published, DAY)])
    found = match(keys, _table(rows), backend)
    assert sorted(found.sighting.tolist()) == [500, 502, 503]
    assert set(found.key.tolist()) == {1}
    assert sorted(found.interval.tolist()) == [DAY + 7, DAY + 7, DAY + 143]
    assert set(found.tx_power.tolist()) == {-24}
    assert set(found.metadata_version.tolist()) == {0x40}


@pytest.mark.parametrize(
    ("seen_interval", "matched"),
    [(DAY - 12, True), (DAY - 13, False), (DAY + 144 + 11, True), (DAY + 144 + 12, False)],
)
def test_clock_drift_of_two_hours_around_the_validity(
    backend: CryptoBackend, seen_interval: int, matched: bool
) -> None:
    tek = crypto.new_tek()
    rows = [_sighting(tek, DAY + 3, at=seen_interval * INTERVAL_SECONDS + 1.0)]
    assert len(match(DiagnosisKeys.from_keys([ExposureKey(tek, DAY)]), _table(rows), backend)) == int(matched)


def test_rolling_period_limits_the_derived_ids(backend: CryptoBackend) -> None:
    tek = crypto.new_tek()
    rows = [_sighting(tek, DAY + 5), _sighting(tek, DAY + 6)]
    keys = DiagnosisKeys.from_keys([ExposureKey(tek, DAY, rolling_period=6)])
    assert match(keys, _table(rows), backend).interval.tolist() == [DAY + 5]


@pytest.mark.parametrize(("tx_power", "kept"), [(-50, True), (20, True), (-51, False), (21, False)])
def test_implausible_tx_power_is_rejected(backend: CryptoBackend, tx_power: int, kept: bool) -> None:
    tek = crypto.new_tek()
    rows = [_sighting(tek, DAY + 1, tx_power=tx_power)]
    assert len(match(DiagnosisKeys.from_keys([ExposureKey(tek, DAY)]), _table(rows), backend)) == int(kept)


def test_rpis_alike_in_their_first_half_are_told_apart(backend: CryptoBackend) -> None:
    """The index sorts by the first 8 bytes when they settle the order; when two differ only later, the
    whole RPI decides, and every sighting of the published RPI is still found."""
    tek = crypto.new_tek()
    real = _sighting(tek, DAY + 9)
    lookalikes = [(real[0][:8] + os.urandom(8), real[1], real[2]) for _ in range(3)]
    rows = [lookalikes[0], real, *_noise(50), lookalikes[1], real, lookalikes[2]]
    found = match(DiagnosisKeys.from_keys([ExposureKey(tek, DAY)]), _table(rows), backend)
    assert sorted(found.sighting.tolist()) == [1, 53]


def test_many_phones_in_one_table(backend: CryptoBackend) -> None:
    teks = [crypto.new_tek() for _ in range(3)]
    rows = [_sighting(teks[p % 3], DAY + p) for p in range(30)]
    table = _table(rows, phone=list(range(30)))
    index = SightingIndex(table, backend)
    found = index.match(DiagnosisKeys.from_keys([ExposureKey(teks[1], DAY)]))
    assert sorted(table.phone[found.sighting].tolist()) == list(range(1, 30, 3))
    assert (
        len(index.match(DiagnosisKeys.from_keys([ExposureKey(teks[2], DAY)]))) == 10
    )  # the index is reusable


def test_backends_agree_on_a_large_random_case() -> None:
    from bluezone.protocol.backend import available_backends

    teks = [crypto.new_tek() for _ in range(40)]
    rng = np.random.default_rng(7)
    rows = _noise(2000) + [
        _sighting(teks[int(i)], DAY + int(j)) for i, j in rng.integers(0, [40, 144], (300, 2))
    ]
    keys = DiagnosisKeys.from_keys([ExposureKey(t, DAY) for t in teks])
    results = [match(keys, _table(rows), b) for b in available_backends()]
    for other in results[1:]:
        first = results[0]
        assert sorted(zip(first.key.tolist(), first.sighting.tolist(), strict=True)) == sorted(
            zip(other.key.tolist(), other.sighting.tolist(), strict=True)
        )
    assert len(results[0]) == 300


def test_empty_inputs() -> None:
    assert len(match(DiagnosisKeys.from_keys([]), _table(_noise(3)))) == 0
    assert len(match(DiagnosisKeys.from_keys([ExposureKey(crypto.new_tek(), DAY)]), Sightings.empty())) == 0


def test_malformed_columns_are_refused() -> None:
    with pytest.raises(InvalidInput):
        DiagnosisKeys(
            key_data=np.zeros((1, 16), np.uint8),
            rolling_start=np.array([DAY], np.int32),
            rolling_period=np.array([145], np.int32),
            transmission_risk=np.zeros(1, np.int8),
            report_type=np.zeros(1, np.int8),
            days_since_onset=np.zeros(1, np.int16),
        )
    with pytest.raises(InvalidInput):
        Sightings(
            rpi=np.zeros((2, 15), np.uint8),
            aem=np.zeros((2, 4), np.uint8),
            time=np.zeros(2),
            rssi=np.zeros(2, np.int16),
            model=np.zeros(2, np.int32),
        )


@pytest.mark.skipif(len(available_backends()) < 2, reason="the C accelerator did not build on this machine")
@settings(max_examples=40, deadline=None)
@given(
    teks=st.lists(st.binary(min_size=16, max_size=16), min_size=0, max_size=37),
    periods=st.lists(st.integers(1, 144), min_size=37, max_size=37),
    heard=st.lists(st.tuples(st.integers(0, 36), st.integers(0, 143)), max_size=30),
)
def test_every_c_path_matches_like_the_pure_backend(
    teks: list[bytes], periods: list[int], heard: list[tuple[int, int]]
) -> None:
    """Any number of keys (HKDFs run in pairs or blocks of 16, the last one partly filled) and short
    periods: every C path finds what the pure backend finds."""
    rows = _noise(50) + [_sighting(teks[k], DAY + j) for k, j in heard if k < len(teks)]
    keys = DiagnosisKeys.from_keys(
        [ExposureKey(t, DAY, rolling_period=p) for t, p in zip(teks, periods, strict=False)]
    )
    table = _table(rows)

    def found(backend: CryptoBackend) -> list[tuple[int, int]]:
        result = match(keys, table, backend)
        return sorted(zip(result.key.tolist(), result.sighting.tolist(), strict=True))

    expected = found(PureBackend())
    for _ in _fast_modes():
        assert found(FastBackend()) == expected


def test_keys_meeting_a_span_of_intervals() -> None:
    keys = DiagnosisKeys.from_keys(
        [
            ExposureKey(bytes(16), DAY - 144),  # the day before
            ExposureKey(bytes([1]) * 16, DAY),
            ExposureKey(bytes([2]) * 16, DAY + 144, rolling_period=30),
            ExposureKey(bytes([3]) * 16, DAY - 144, rolling_period=100),  # released early
        ]
    )
    assert keys.meeting(DAY - 1, 2).tolist() == [0, 1]
    assert keys.meeting(DAY + 100, 144).tolist() == [1, 2]
    assert keys.meeting(DAY - 44, 44).tolist() == [0]
    chosen = keys.take(np.array([2, 0]))
    assert chosen.key_data[0].tobytes() == bytes([2]) * 16 and chosen.rolling_period.tolist() == [30, 144]
