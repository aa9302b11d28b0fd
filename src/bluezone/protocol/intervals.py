"""ENIntervalNumber arithmetic: GAEN counts time in 10-minute intervals since the Unix epoch."""

from __future__ import annotations

from datetime import UTC, date, datetime

INTERVAL_SECONDS = 600
ROLLING_PERIOD = 144  # intervals in a UTC day: one TEK per day
DAY_SECONDS = INTERVAL_SECONDS * ROLLING_PERIOD
DRIFT_INTERVALS = 12  # ±2 h of clock drift tolerated around a key's validity when matching


def interval_number(unix_seconds: float) -> int:
    """ENIntervalNumber of a moment: floor(seconds / 600)."""
    return int(unix_seconds // INTERVAL_SECONDS)


def day_start_interval(interval: int) -> int:
    """The first interval of the UTC day holding `interval` (a TEK's rolling start)."""
    return interval - interval % ROLLING_PERIOD


def interval_to_datetime(interval: int) -> datetime:
    return datetime.fromtimestamp(interval * INTERVAL_SECONDS, tz=UTC)


def interval_to_date(interval: int) -> date:
    return interval_to_datetime(interval).date()


def date_to_interval(day: date) -> int:
    """The first interval of a UTC calendar day."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) // INTERVAL_SECONDS
