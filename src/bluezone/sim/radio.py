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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt

from bluezone.risk.calibration import DeviceCalibration

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
        mean = float(states @ shares)
        variance = float((states - mean) ** 2 @ shares)
        rest = np.sqrt(max(self.slow_sigma_db**2 - 2 * variance, 0.0))
        carriage = np.searchsorted(np.cumsum(shares)[:-1], rng.random((n, 2)), side="right")
        term = states[carriage].sum(axis=1) + rng.normal(0.0, rest, n)
        return np.asarray(term - _median_of_persistent(self.slow_sigma_db), dtype=np.float64)

    def scans(
        self,
        distance_m: F64,
        persistent_db: F64,
        link_offset_db: F64,
        rng: np.random.Generator,
    ) -> ScanBatch:
        """One scan per row: how many of the ~16 advertisements it caught above the receiver's floor, and
        their strongest and mean RSSI (rounded to whole dBm as phones report it).
        `link_offset_db` = true Tx power − true receiver offset.

        Tens of millions of packets a day pass through here: they are drawn in chunks small enough to stay
        in cache and in the allocator's reused memory, on two threads (NumPy releases the GIL), each chunk
        with its own generator spawned from `rng`, so results do not depend on the threads' timing."""
        n = len(distance_m)
        level = (link_offset_db - self.mean_attenuation(distance_m) - persistent_db).astype(np.float32)
        batch = ScanBatch(np.zeros(n, np.int64), np.full(n, -np.inf), np.zeros(n))
        bounds = list(range(0, n, SCAN_CHUNK))
        generators = rng.spawn(len(bounds))
        with ThreadPoolExecutor(max_workers=SCAN_THREADS) as pool:
            for _ in pool.map(
                lambda k: self._scan_chunk(level, bounds[k], batch, generators[k]), range(len(bounds))
            ):
                pass
        return batch

    def _scan_chunk(
        self, level: npt.NDArray[np.float32], first: int, out: ScanBatch, rng: np.random.Generator
    ) -> None:
        rows = slice(first, min(first + SCAN_CHUNK, len(level)))
        caught = rng.binomial(ADVERTISEMENTS_PER_SCAN, self.capture_probability, rows.stop - rows.start)
        rssi = np.repeat(level[rows], caught)
        jitter = rng.standard_normal(len(rssi), dtype=np.float32)
        jitter *= np.float32(self.fast_sigma_db)
        rssi -= jitter
        heard = rssi >= np.float32(self.sensitivity_dbm)
        some = caught > 0
        starts = (np.cumsum(caught) - caught)[some]
        if not len(starts):
            return
        # int8 and float32 sums are exact enough: at most 16 packets of a few hundred dB each.
        count = np.add.reduceat(heard.view(np.int8), starts).astype(np.int64)
        strongest = np.maximum.reduceat(np.where(heard, rssi, np.float32(-np.inf)), starts)
        total = np.add.reduceat(np.where(heard, rssi, np.float32(0)), starts)
        index = np.flatnonzero(some) + first
        out.packets[index] = count
        out.max_rssi[index] = np.round(strongest)
        out.mean_rssi[index] = np.round(total / np.maximum(count, 1), 1)


@functools.cache
def _median_of_persistent(slow_sigma_db: float) -> float:
    """Median of carriage loss of two phones plus the rest of the shadowing (by a fixed large sample)."""
    states, shares = np.array(CARRIAGE_LOSS_DB), np.array(CARRIAGE_SHARES)
    mean = float(states @ shares)
    rest = np.sqrt(max(slow_sigma_db**2 - 2 * float((states - mean) ** 2 @ shares), 0.0))
    rng = np.random.default_rng(0)
    carriage = rng.choice(len(states), size=(400_000, 2), p=shares)
    return float(np.median(states[carriage].sum(axis=1) + rng.normal(0.0, rest, 400_000)))


@dataclass(frozen=True)
class ScanBatch:
    packets: npt.NDArray[np.int64]  # 0 where the scan heard nothing
    max_rssi: F64
    mean_rssi: F64


ADVERTISEMENTS_PER_SCAN = 16  # a 4-second scan of a phone advertising every ~250 ms
SCAN_CHUNK = 1 << 17
SCAN_THREADS = 2
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
