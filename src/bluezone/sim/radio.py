"""A Bluetooth channel between body-worn phones, in calibrated attenuation (the GAEN domain).

Attenuation A(d) = A(1 m) + 10·n·log10(d) + slow shadowing + fast jitter, and the receiver sees
RSSI = tx − correction − A; packets under its sensitivity are lost, not just weak. The slow term
(bodies, pockets, orientation) persists for minutes within an encounter; the fast one changes per packet.
Figures: the DP-3T exp34 field data (shared/reference/simulation.md §1–2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bluezone.risk.calibration import DeviceCalibration

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Channel:
    attenuation_at_1m_db: float = 54.2
    path_loss_exponent: float = 1.19
    slow_sigma_db: float = 7.6
    slow_coherence_seconds: float = 300.0
    fast_sigma_db: float = 3.6
    sensitivity_dbm: float = -98.0
    # Share of advertisements a scan captures: GAEN phones deliver a median of 6 packets per 4-s scan
    # of a phone advertising every ~250 ms (DP-3T exp34).
    capture_probability: float = 0.4

    def mean_attenuation(self, distance_m: F64 | float) -> F64:
        d = np.maximum(np.asarray(distance_m, dtype=np.float64), 0.1)
        return self.attenuation_at_1m_db + 10 * self.path_loss_exponent * np.log10(d)

    def next_slow(self, previous: float | None, elapsed_seconds: float, rng: np.random.Generator) -> float:
        """The slow shadowing term, an AR(1) process: correlated over the coherence time."""
        if previous is None:
            return float(rng.normal(0.0, self.slow_sigma_db))
        rho = float(np.exp(-elapsed_seconds / self.slow_coherence_seconds))
        return rho * previous + float(rng.normal(0.0, self.slow_sigma_db * np.sqrt(1 - rho * rho)))

    def scan_rssi(
        self,
        distance_m: float,
        *,
        slow_db: float,
        packets: int,
        transmitter: DeviceCalibration,
        receiver: DeviceCalibration,
        rng: np.random.Generator,
    ) -> F64:
        """RSSI of the packets one scan captures from one transmitter (possibly none)."""
        captured = int(rng.binomial(packets, self.capture_probability))
        att = self.mean_attenuation(distance_m) + slow_db + rng.normal(0.0, self.fast_sigma_db, captured)
        rssi = transmitter.tx_power - receiver.rssi_correction - att
        return np.round(rssi[rssi >= self.sensitivity_dbm])
