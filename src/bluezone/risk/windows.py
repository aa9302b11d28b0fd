"""Matched sightings → scan instances → exposure windows (GAEN v2), for any number of phones at once.

A scan instance is the packets of one key heard in one scan (phones log packets, the simulator logs
scans: both meet at `ScanInstances`); its weight in seconds is the time since
the previous scan of that key (capped at 5 minutes; a window's first scan gets about one scan interval).
An exposure window gathers one key's scan instances over at most 30 minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bluezone.risk.closeness import closeness_db
from bluezone.risk.config import RiskConfig

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
DAY_SECONDS = 86_400


@dataclass(frozen=True)
class ExposureWindows:
    """One row per exposure window (phone, key, ≤30 minutes)."""

    phone: I64
    key: I64
    start: F64  # unix seconds of the first scan
    end: F64  # unix seconds of the last scan
    seconds_in_bucket: F64  # (n, 4): immediate, near, medium, other
    min_closeness_db: F64
    scans: I64

    def __len__(self) -> int:
        return len(self.phone)

    @property
    def day(self) -> I64:
        """UTC day number (days since 1970-01-01) of each window's start."""
        return np.floor(self.start / DAY_SECONDS).astype(np.int64)


def _starts(*columns: npt.NDArray[np.generic]) -> npt.NDArray[np.bool_]:
    """True where any column differs from the row before (and on the first row)."""
    n = len(columns[0])
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
        for column in columns:
            change[1:] |= column[1:] != column[:-1]
    return change


@dataclass(frozen=True)
class ScanInstances:
    """One row per scan that heard a key: what GAEN keeps of the packets of one scan.

    Rows are sorted by (phone, key, time); `time` is the scan's first packet.
    """

    phone: I64
    key: I64
    time: F64
    min_db: F64  # lowest attenuation among the scan's packets
    mean_db: F64
    packets: I64

    def __len__(self) -> int:
        return len(self.phone)

    @classmethod
    def sorted(
        cls,
        *,
        phone: npt.ArrayLike,
        key: npt.ArrayLike,
        time: npt.ArrayLike,
        min_db: npt.ArrayLike,
        mean_db: npt.ArrayLike,
        packets: npt.ArrayLike,
    ) -> ScanInstances:
        """Scan rows in any order (a simulator logs scans, not packets)."""
        phone_a, key_a = np.asarray(phone, np.int64), np.asarray(key, np.int64)
        time_a = np.asarray(time, np.float64)
        order = np.lexsort((time_a, key_a, phone_a))
        return cls(
            phone_a[order],
            key_a[order],
            time_a[order],
            np.asarray(min_db, np.float64)[order],
            np.asarray(mean_db, np.float64)[order],
            np.asarray(packets, np.int64)[order],
        )


def scan_instances(
    phone: npt.ArrayLike,
    key: npt.ArrayLike,
    time: npt.ArrayLike,
    attenuation_db: npt.ArrayLike,
    config: RiskConfig,
) -> ScanInstances:
    """Group received packets (one row each) into scans: a new scan when the pair changes or the key went
    unheard for longer than the scan gap."""
    phone_a = np.asarray(phone, dtype=np.int64)
    key_a = np.asarray(key, dtype=np.int64)
    time_a = np.asarray(time, dtype=np.float64)
    att = np.asarray(attenuation_db, dtype=np.float64)
    order = np.lexsort((time_a, key_a, phone_a))
    phone_a, key_a, time_a, att = phone_a[order], key_a[order], time_a[order], att[order]
    gap = np.diff(time_a, prepend=-np.inf)
    scan_start = np.flatnonzero(_starts(phone_a, key_a) | (gap > config.scan_gap_seconds))
    count = np.diff(np.append(scan_start, len(time_a))).astype(np.int64)
    if len(scan_start) == 0:
        return ScanInstances.sorted(phone=[], key=[], time=[], min_db=[], mean_db=[], packets=[])
    return ScanInstances(
        phone_a[scan_start],
        key_a[scan_start],
        time_a[scan_start],
        np.minimum.reduceat(att, scan_start),
        np.add.reduceat(att, scan_start) / count,
        count,
    )


def exposure_windows(
    phone: npt.ArrayLike,
    key: npt.ArrayLike,
    time: npt.ArrayLike,
    attenuation_db: npt.ArrayLike,
    config: RiskConfig,
) -> ExposureWindows:
    """Group matched sightings (one row per received packet) into exposure windows."""
    return windows_from_scans(scan_instances(phone, key, time, attenuation_db, config), config)


def windows_from_scans(scans: ScanInstances, config: RiskConfig) -> ExposureWindows:
    """Scan instances → exposure windows of at most 30 minutes per (phone, key)."""
    if len(scans) == 0:
        return _empty()
    closeness = closeness_db(config.aggregate, scans.min_db, scans.mean_db, scans.packets, config.beta)
    scan_time = scans.time
    first_of_pair = _starts(scans.phone, scans.key)
    since_last = np.minimum(np.diff(scan_time, prepend=0.0), config.max_seconds_since_last_scan)
    since_last[first_of_pair] = min(config.first_scan_seconds, config.max_seconds_since_last_scan)

    # Windows: ≤30 minutes from the pair's first scan, in consecutive slices.
    pair_id = np.cumsum(first_of_pair) - 1
    pair_first_time = scan_time[first_of_pair][pair_id]
    slice_no = np.floor((scan_time - pair_first_time) / config.window_seconds).astype(np.int64)
    window_start = np.flatnonzero(_starts(pair_id, slice_no))

    bucket = np.searchsorted(np.asarray(config.thresholds_db), closeness, side="left")
    per_bucket = np.zeros((len(scan_time), 4))
    per_bucket[np.arange(len(scan_time)), bucket] = since_last
    return ExposureWindows(
        phone=scans.phone[window_start],
        key=scans.key[window_start],
        start=scan_time[window_start],
        end=np.maximum.reduceat(scan_time, window_start),
        seconds_in_bucket=np.add.reduceat(per_bucket, window_start, axis=0),
        min_closeness_db=np.minimum.reduceat(closeness, window_start),
        scans=np.diff(np.append(window_start, len(scan_time))).astype(np.int64),
    )


def _empty() -> ExposureWindows:
    z = np.zeros(0)
    return ExposureWindows(
        z.astype(np.int64), z.astype(np.int64), z, z, np.zeros((0, 4)), z, z.astype(np.int64)
    )
