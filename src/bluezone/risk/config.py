"""A risk configuration: how exposure windows are weighted and when a day counts as an F1/F2 contact."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from bluezone.errors import InvalidInput
from bluezone.protocol.exposure_key import MAX_DAYS_SINCE_ONSET, ReportType
from bluezone.risk.closeness import Aggregate, threshold_for_distance


class Infectiousness(IntEnum):
    NONE = 0
    STANDARD = 1
    HIGH = 2


ONSET_DAYS = range(-MAX_DAYS_SINCE_ONSET, MAX_DAYS_SINCE_ONSET + 1)


def decode_onset_map(packed: int) -> tuple[dict[int, Infectiousness], Infectiousness]:
    """ENX packs days −14..14 then "missing" as 2 bits each, least significant first."""
    values = [Infectiousness((packed >> (2 * i)) & 3) for i in range(len(ONSET_DAYS) + 1)]
    return dict(zip(ONSET_DAYS, values, strict=False)), values[-1]


@dataclass(frozen=True)
class RiskConfig:
    """GAEN v2 daily-summary scoring, plus Bluezone's closeness rule and its F1/F2 decision.

    Seconds in each attenuation bucket (closeness ≤ immediate, ≤ near, ≤ medium, above) are weighted,
    multiplied by the report-type and infectiousness weights, and summed per day. A day at or above
    `high_risk_seconds` is a close contact: F1 for keys of confirmed cases, F2 for RECURSIVE keys.
    """

    name: str
    thresholds_db: tuple[float, float, float]
    bucket_weights: tuple[float, float, float, float]
    high_risk_seconds: float
    low_risk_seconds: float
    aggregate: Aggregate = Aggregate.TYPICAL
    beta: float = 0.0
    close_distance_m: float = 2.0  # the distance `thresholds_db[1]` stands for
    report_type_weights: dict[ReportType, float] = field(
        default_factory=lambda: {
            ReportType.CONFIRMED_TEST: 1.0,
            ReportType.CONFIRMED_CLINICAL_DIAGNOSIS: 1.0,
            ReportType.SELF_REPORT: 1.0,
            ReportType.RECURSIVE: 0.0,
        }
    )
    report_type_when_missing: ReportType = ReportType.CONFIRMED_TEST
    infectiousness_weights: tuple[float, float] = (1.0, 1.0)  # standard, high
    onset_infectiousness: dict[int, Infectiousness] = field(
        default_factory=lambda: dict.fromkeys(ONSET_DAYS, Infectiousness.STANDARD)
    )
    infectiousness_when_onset_missing: Infectiousness = Infectiousness.STANDARD
    minimum_window_score: float = 0.0
    window_min_seconds_below: tuple[float, float] | None = None  # (dB, seconds): CWA's per-window filter
    days_since_exposure_threshold: int = 14
    window_seconds: float = 1800.0  # an exposure window spans at most 30 minutes
    scan_gap_seconds: float = 60.0  # packets closer than this in time belong to one scan
    max_seconds_since_last_scan: float = 300.0
    first_scan_seconds: float = 240.0  # weight of a window's first scan: about one scan interval

    def __post_init__(self) -> None:
        if not self.thresholds_db[0] <= self.thresholds_db[1] <= self.thresholds_db[2]:
            raise InvalidInput("attenuation thresholds must ascend", code="bad_config")
        if any(w < 0 for w in self.bucket_weights) or self.high_risk_seconds <= 0:
            raise InvalidInput(
                "weights must not be negative and the high-risk score must be positive", code="bad_config"
            )
        if self.close_distance_m <= 0:
            raise InvalidInput("close distance must be positive", code="bad_config")

    @property
    def close_db(self) -> float:
        """The closeness threshold for `close_distance_m` (the `near` bucket's upper edge)."""
        return self.thresholds_db[1]

    def close_db_at(self, distance_m: float) -> float:
        if distance_m <= 0:
            raise InvalidInput(f"distance must be positive, got {distance_m}", code="bad_distance")
        return threshold_for_distance(self.close_db, self.close_distance_m, distance_m)

    def report_weight(self, report_type: ReportType | None) -> float:
        effective = (
            self.report_type_when_missing if report_type in (None, ReportType.UNKNOWN) else report_type
        )
        return self.report_type_weights.get(effective, 0.0)
