"""Exposure windows → daily risk per phone: the F1/F2 decision.

Window score = weighted seconds × report-type weight × infectiousness weight, as in GAEN's
DailySummariesConfig; a day's sum at or above the preset's high-risk score makes a close contact.
Keys of confirmed cases give F1, RECURSIVE keys (published by an F1) give F2; F1 wins on the same day.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from bluezone.protocol.exposure_key import ReportType
from bluezone.protocol.matching import NO_ONSET, NO_REPORT_TYPE, DiagnosisKeys
from bluezone.risk.config import Infectiousness, RiskConfig
from bluezone.risk.windows import ExposureWindows

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


class Level(IntEnum):
    """What a day of exposure means for the phone's user."""

    NONE = 0
    LOW = 1  # some exposure, below the close-contact rule: no alert
    F2 = 2  # close contact of an F1
    F1 = 3  # close contact of a confirmed case


@dataclass(frozen=True)
class DailyRisk:
    """One row per (phone, UTC day) with any scored exposure."""

    phone: I64
    day: I64
    level: npt.NDArray[np.int8]
    score_f1: F64  # summed window scores from confirmed keys
    score_f2: F64  # from RECURSIVE keys
    close_seconds: F64  # unweighted seconds in the immediate and near buckets
    min_closeness_db: F64
    first_seen: F64  # unix seconds: the start of the day's first scored window
    windows: I64
    strongest_key: (
        I64  # the key (row in the DiagnosisKeys) whose windows scored most that day: the alert's cause
    )

    def __len__(self) -> int:
        return len(self.phone)


def key_weights(keys: DiagnosisKeys, config: RiskConfig) -> tuple[F64, npt.NDArray[np.bool_]]:
    """Per key: report-type × infectiousness weight, and whether it counts towards F2 (RECURSIVE)."""
    report = keys.report_type.astype(np.int64)
    missing = (report == NO_REPORT_TYPE) | (report == ReportType.UNKNOWN)
    report = np.where(missing, int(config.report_type_when_missing), report)
    report_weight = np.zeros(len(keys))
    for report_type, weight in config.report_type_weights.items():
        report_weight[report == int(report_type)] = weight

    onset = keys.days_since_onset.astype(np.int64)
    table = np.array([config.onset_infectiousness.get(day, Infectiousness.NONE) for day in range(-14, 15)])
    infectiousness = np.where(
        onset == NO_ONSET, int(config.infectiousness_when_onset_missing), table[np.clip(onset + 14, 0, 28)]
    )
    by_level = np.array([0.0, *config.infectiousness_weights])
    return report_weight * by_level[infectiousness], report == int(ReportType.RECURSIVE)


def daily_risk(
    windows: ExposureWindows, keys: DiagnosisKeys, config: RiskConfig, today: int | None = None
) -> DailyRisk:
    """Score windows and sum them per phone and day. `today` (UTC day number) drops too-old exposures."""
    weight, recursive = key_weights(keys, config)
    weighted = windows.seconds_in_bucket @ np.asarray(config.bucket_weights)
    score = weighted * weight[windows.key]
    keep = (weight[windows.key] > 0) & (score >= config.minimum_window_score)
    if config.window_min_seconds_below is not None:
        limit_db, seconds = config.window_min_seconds_below
        below = np.searchsorted(np.asarray(config.thresholds_db), limit_db, side="right")
        keep &= windows.seconds_in_bucket[:, :below].sum(axis=1) >= seconds
    day = windows.day
    if today is not None:
        keep &= day > today - config.days_since_exposure_threshold
    rows = np.flatnonzero(keep)
    if len(rows) == 0:
        return no_risk()

    phone, day = windows.phone[rows], day[rows]
    order = np.lexsort((day, phone))
    rows, phone, day = rows[order], phone[order], day[order]
    starts = np.flatnonzero(np.r_[True, (phone[1:] != phone[:-1]) | (day[1:] != day[:-1])])
    is_f2 = recursive[windows.key[rows]]
    score_f1 = np.add.reduceat(np.where(is_f2, 0.0, score[rows]), starts)
    score_f2 = np.add.reduceat(np.where(is_f2, score[rows], 0.0), starts)
    level = np.where(
        score_f1 >= config.high_risk_seconds,
        Level.F1,
        np.where(
            score_f2 >= config.high_risk_seconds,
            Level.F2,
            np.where(score_f1 + score_f2 >= config.low_risk_seconds, Level.LOW, Level.NONE),
        ),
    ).astype(np.int8)
    return DailyRisk(
        phone=phone[starts],
        day=day[starts],
        level=level,
        score_f1=score_f1,
        score_f2=score_f2,
        close_seconds=np.add.reduceat(windows.seconds_in_bucket[rows, :2].sum(axis=1), starts),
        min_closeness_db=np.minimum.reduceat(windows.min_closeness_db[rows], starts),
        first_seen=np.minimum.reduceat(windows.start[rows], starts),
        windows=np.diff(np.append(starts, len(rows))).astype(np.int64),
        strongest_key=_strongest_key(windows.key[rows], score[rows], is_f2, starts),
    )


def _strongest_key(key: I64, score: F64, recursive: npt.NDArray[np.bool_], starts: I64) -> I64:
    """In each run of windows (one phone and day), the key whose windows' scores add up to the most; a
    confirmed case's key before any RECURSIVE one, as F1 wins over F2."""
    group = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(key))))
    pair, at = np.unique(np.column_stack([group, key]), axis=0, return_inverse=True)
    total = np.bincount(at.ravel(), weights=score)
    second_rank = np.zeros(len(pair), bool)
    second_rank[at.ravel()] = recursive
    order = np.lexsort((-total, second_rank, pair[:, 0]))  # in each group: F1 keys first, largest total first
    first = np.flatnonzero(np.r_[True, pair[order[1:], 0] != pair[order[:-1], 0]])
    return np.asarray(pair[order[first], 1], dtype=np.int64)


def no_risk() -> DailyRisk:
    """A day-less result: nothing was scored."""
    z = np.zeros(0)
    i = z.astype(np.int64)
    return DailyRisk(i, i, z.astype(np.int8), z, z, z, z, z, i, i)
