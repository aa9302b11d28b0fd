"""A Bluetooth channel between body-worn phones, in calibrated attenuation (the GAEN domain).

Attenuation A(d) = A(1 m) + 10·n·log10(d) + slow shadowing + fast jitter, and the receiver sees
RSSI = tx − correction − A; packets under its sensitivity are lost, not just weak. The slow term
(bodies, pockets, orientation) persists for minutes within an encounter; the fast one changes per packet.
Figures: fitted on the DP-3T exp34 field data (shared/reference/simulation.md §1–2) by `fit_channel`.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bluezone.datasets import dp3t
from bluezone.risk.calibration import DeviceCalibration, bundled_table

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Channel:
    # `fit_channel` on the DP-3T exp34 files (lunch, train, office) with the bundled calibration table,
    # i.e. in the attenuation the app itself computes; tests/sim/test_radio.py refits and compares.
    attenuation_at_1m_db: float = 61.2
    path_loss_exponent: float = 1.34
    slow_sigma_db: float = 6.6
    slow_coherence_seconds: float = 300.0
    fast_sigma_db: float = 3.7
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

    def body_and_slow_db(self, n: int, rng: np.random.Generator) -> F64:
        """The persistent term of n (encounter, direction, ~10-minute) cells: both phones' carriage loss
        (hand or table, pocket, bag) plus the rest of the slow shadowing. Its variance is the field data's
        and its median zero, as the fitted line is a median: the carriage states only split the term into
        believable parts, and their skew is kept."""
        states, shares = np.array(CARRIAGE_LOSS_DB), np.array(CARRIAGE_SHARES)
        carriage = np.searchsorted(np.cumsum(shares)[:-1], rng.random((n, 2)), side="right")
        term = states[carriage].sum(axis=1) + rng.normal(0.0, self.rest_of_slow_db, n)
        return np.asarray(term - _median_of_persistent(self.slow_sigma_db), dtype=np.float64)

    @property
    def rest_of_slow_db(self) -> float:
        """Spread of the slow shadowing left once the two phones' carriage loss is taken out."""
        return _rest_of_slow(self.slow_sigma_db)

    @property
    def persistent_median_db(self) -> float:
        return _median_of_persistent(self.slow_sigma_db)


@functools.cache
def _median_of_persistent(slow_sigma_db: float) -> float:
    """Median of carriage loss of two phones plus the rest of the shadowing (by a fixed large sample)."""
    states, shares = np.array(CARRIAGE_LOSS_DB), np.array(CARRIAGE_SHARES)
    rng = np.random.default_rng(0)
    carriage = rng.choice(len(states), size=(400_000, 2), p=shares)
    rest = _rest_of_slow(slow_sigma_db)
    return float(np.median(states[carriage].sum(axis=1) + rng.normal(0.0, rest, 400_000)))


def _rest_of_slow(slow_sigma_db: float) -> float:
    states, shares = np.array(CARRIAGE_LOSS_DB), np.array(CARRIAGE_SHARES)
    mean = float(states @ shares)
    return float(np.sqrt(max(slow_sigma_db**2 - 2 * float((states - mean) ** 2 @ shares), 0.0)))


ADVERTISEMENTS_PER_SCAN = 16  # a 4-second scan of a phone advertising every ~250 ms
CARRIAGE_LOSS_DB = (0.0, 4.0, 12.0)  # in hand or on a table, front pocket, bag or back pocket
CARRIAGE_SHARES = (0.45, 0.40, 0.15)


@dataclass(frozen=True)
class ChannelFit:
    """Log-distance fit of calibrated attenuation on field measurements, and its noise split."""

    attenuation_at_1m_db: float
    path_loss_exponent: float
    total_sigma_db: float
    fast_sigma_db: float  # spread within one pair's minute
    slow_sigma_db: float  # the rest: what persists for minutes
    packets: int


def fit_channel(distance_m: F64, attenuation_db: F64, pair_minute: npt.NDArray[np.int64]) -> ChannelFit:
    """Least squares A = A(1 m) + 10·n·log10(d) over packets with a known distance (0.3–20 m)."""
    keep = np.isfinite(distance_m) & (distance_m >= 0.3) & (distance_m <= 20)
    d, att, cell = distance_m[keep], attenuation_db[keep], pair_minute[keep]
    x = 10 * np.log10(d)
    slope, intercept = np.polyfit(x, att, 1)
    residual = att - (intercept + slope * x)
    total = float(np.std(residual))
    _, inverse, counts = np.unique(cell, return_inverse=True, return_counts=True)
    cell_mean = np.bincount(inverse, weights=residual) / counts
    within = residual - cell_mean[inverse]
    shared = counts[inverse] > 1  # a cell of one packet says nothing about the spread inside it
    fast = float(np.sqrt(np.sum(within[shared] ** 2) / max(int(shared.sum()) - len(counts), 1)))
    return ChannelFit(
        attenuation_at_1m_db=float(intercept),
        path_loss_exponent=float(slope),
        total_sigma_db=total,
        fast_sigma_db=fast,
        slow_sigma_db=float(np.sqrt(max(total**2 - fast**2, 0.0))),
        packets=len(d),
    )


@dataclass(frozen=True)
class FieldPackets:
    """Packets of measurement files with a known distance: the attenuation the app computes (with the
    bundled calibration table) and the (file, pair, minute) cell each belongs to."""

    distance_m: F64
    attenuation_db: F64
    pair_minute: npt.NDArray[np.int64]


def field_packets(paths: Sequence[Path]) -> FieldPackets:
    measured = dp3t.load(paths)
    pair = (measured.source * 1_000_000 + measured.receiver * 1000 + measured.transmitter) * 100_000
    return FieldPackets(
        measured.distance_m,
        measured.attenuation(bundled_table()),
        pair + (measured.time // 60).astype(np.int64),
    )


@dataclass(frozen=True)
class Validation:
    """How a fit predicts packets it was not fitted on: the spread of their residuals about its line, their
    mean (bias), and each distance bin's median measured against the line's."""

    packets: int
    rms_db: float
    bias_db: float
    bins: list[tuple[float, float, float | None, float | None]]  # low, high, measured, predicted median


def validate_channel(fit: ChannelFit, field: FieldPackets) -> Validation:
    keep = np.isfinite(field.distance_m) & (field.distance_m >= 0.3) & (field.distance_m <= 20)
    d, att = field.distance_m[keep], field.attenuation_db[keep]
    predicted = fit.attenuation_at_1m_db + fit.path_loss_exponent * 10 * np.log10(d)
    residual = att - predicted
    bins = [
        (
            low,
            high,
            measured,
            float(np.median(predicted[(d >= low) & (d < high)])) if measured is not None else None,
        )
        for low, high, measured in median_by_distance(d, att)
    ]
    return Validation(len(d), float(np.sqrt(np.mean(residual**2))), float(np.mean(residual)), bins)


DISTANCE_BINS_M = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 10.0)


def median_by_distance(distance_m: F64, attenuation_db: F64) -> list[tuple[float, float, float | None]]:
    """(bin low, bin high, median attenuation) for the bins of DISTANCE_BINS_M; None for an empty bin."""
    rows: list[tuple[float, float, float | None]] = []
    for low, high in itertools.pairwise(DISTANCE_BINS_M):
        inside = (distance_m >= low) & (distance_m < high)
        rows.append((low, high, float(np.median(attenuation_db[inside])) if inside.any() else None))
    return rows


MEASURED_PROFILE = "dp3t_exp34_attenuation.csv"


def measured_profile() -> list[tuple[float, float, float | None]]:
    """Median calibrated attenuation by distance in the DP-3T exp34 files (lunch, train, office), as
    `median_by_distance` computes it with the bundled calibration table; the figures ship with the
    package (the files' licence allows no modified copies) and tests/sim recompute them from the files."""
    text = resources.files("bluezone.sim").joinpath("data", MEASURED_PROFILE).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    return [(float(r["low_m"]), float(r["high_m"]), float(r["median_db"])) for r in rows]


OUT_OF_SAMPLE = "dp3t_exp34_out_of_sample.csv"


def out_of_sample() -> list[tuple[str, float, float, float]]:
    """(scenario checked on, RMS in sample, RMS out of sample, bias out of sample), each exp34 scenario held
    out of a fit on the other two; shipped like the measured profile, recomputed from the files in tests."""
    text = resources.files("bluezone.sim").joinpath("data", OUT_OF_SAMPLE).read_text(encoding="utf-8")
    return [
        (
            r["checked_on"],
            float(r["rms_in_sample_db"]),
            float(r["rms_out_of_sample_db"]),
            float(r["bias_out_of_sample_db"]),
        )
        for r in csv.DictReader(io.StringIO(text))
    ]


def simulated_profile(
    channel: Channel, tx_error_db: F64, rssi_error_db: F64, rng: np.random.Generator, per_bin: int = 20_000
) -> list[tuple[float, float, float | None]]:
    """The same medians for packets the simulated channel delivers between phones with these residual
    calibration errors (sampled), packets under the receiver's floor lost as in the field."""
    distance = np.concatenate(
        [rng.uniform(low, high, per_bin) for low, high in itertools.pairwise(DISTANCE_BINS_M)]
    )
    n = len(distance)
    device = rng.integers(0, len(tx_error_db), (n, 2))
    att = (
        channel.mean_attenuation(distance)
        + channel.body_and_slow_db(n, rng)
        + rng.normal(0.0, channel.fast_sigma_db, n)
        - tx_error_db[device[:, 0]]
        + rssi_error_db[device[:, 1]]
    )
    typical_link = -24 + 5  # a median phone's Tx power minus its receiver offset
    heard = typical_link - att >= channel.sensitivity_dbm
    return median_by_distance(distance[heard], att[heard])
