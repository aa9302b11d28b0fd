"""The radio channel: path loss, shadowing that persists, and packets lost under the sensitivity floor."""

from __future__ import annotations

import numpy as np

from bluezone.risk.calibration import DeviceCalibration
from bluezone.sim.radio import Channel

SAMSUNG = DeviceCalibration(tx_power=-24, rssi_correction=-3)


def test_mean_attenuation_follows_the_fitted_path_loss() -> None:
    channel = Channel()
    assert float(channel.mean_attenuation(1.0)) == channel.attenuation_at_1m_db
    assert round(float(channel.mean_attenuation(10.0)) - channel.attenuation_at_1m_db, 1) == 11.9


def test_weak_packets_are_lost_not_just_weak() -> None:
    channel = Channel(capture_probability=1.0, fast_sigma_db=0.0)
    rng = np.random.default_rng(1)
    near = channel.scan_rssi(1.0, slow_db=0.0, packets=16, transmitter=SAMSUNG, receiver=SAMSUNG, rng=rng)
    assert len(near) == 16 and set(near.tolist()) == {round(-24 + 3 - 54.2)}
    far = channel.scan_rssi(100.0, slow_db=20.0, packets=16, transmitter=SAMSUNG, receiver=SAMSUNG, rng=rng)
    assert len(far) == 0  # -21 - (54.2 + 23.8 + 20) is under -98 dBm


def test_capture_rate_matches_the_field_packet_counts() -> None:
    rng = np.random.default_rng(2)
    channel = Channel()
    counts = [
        len(channel.scan_rssi(1.0, slow_db=0.0, packets=16, transmitter=SAMSUNG, receiver=SAMSUNG, rng=rng))
        for _ in range(2000)
    ]
    assert 6.0 <= float(np.median(counts)) <= 7.0


def test_shadowing_persists_for_minutes() -> None:
    rng = np.random.default_rng(3)
    channel = Channel()
    pairs = []
    for _ in range(3000):
        first = channel.next_slow(None, 0, rng)
        pairs.append((first, channel.next_slow(first, 60, rng), channel.next_slow(first, 1800, rng)))
    values = np.array(pairs)
    assert abs(float(values[:, 0].std()) - channel.slow_sigma_db) < 0.4
    assert float(np.corrcoef(values[:, 0], values[:, 1])[0, 1]) > 0.7  # one minute later: still alike
    assert float(np.corrcoef(values[:, 0], values[:, 2])[0, 1]) < 0.1  # half an hour later: unrelated
