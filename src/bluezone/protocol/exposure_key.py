"""A published Temporary Exposure Key with its report metadata (one row of an export file)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from bluezone.errors import InvalidInput
from bluezone.protocol.intervals import ROLLING_PERIOD
from bluezone.protocol.keys import check_key, check_rolling_period

MAX_DAYS_SINCE_ONSET = 14
MAX_TRANSMISSION_RISK = 8


class ReportType(IntEnum):
    """GAEN report types. Bluezone: confirmed keys raise F1 alerts, RECURSIVE keys (an F1's) raise F2."""

    UNKNOWN = 0
    CONFIRMED_TEST = 1
    CONFIRMED_CLINICAL_DIAGNOSIS = 2
    SELF_REPORT = 3
    RECURSIVE = 4
    REVOKED = 5


@dataclass(frozen=True, slots=True)
class ExposureKey:
    key_data: bytes
    rolling_start_interval_number: int
    rolling_period: int = ROLLING_PERIOD
    transmission_risk_level: int = 0
    report_type: ReportType | None = None
    days_since_onset_of_symptoms: int | None = None

    def __post_init__(self) -> None:
        check_key(self.key_data)
        check_rolling_period(self.rolling_period)
        if self.rolling_start_interval_number < 0:
            raise InvalidInput("rolling start interval must not be negative", code="bad_interval")
        if not 0 <= self.transmission_risk_level <= MAX_TRANSMISSION_RISK:
            raise InvalidInput(
                f"transmission risk {self.transmission_risk_level} out of 0..{MAX_TRANSMISSION_RISK}",
                code="bad_transmission_risk",
            )
        onset = self.days_since_onset_of_symptoms
        if onset is not None and not -MAX_DAYS_SINCE_ONSET <= onset <= MAX_DAYS_SINCE_ONSET:
            raise InvalidInput(f"days since onset {onset} out of -14..14", code="bad_days_since_onset")

    @property
    def end_interval(self) -> int:
        """First interval after the key's validity."""
        return self.rolling_start_interval_number + self.rolling_period
