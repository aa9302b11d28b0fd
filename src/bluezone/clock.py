"""Injected time: every component that needs "now" takes a Clock, so simulations can drive real code."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone
from typing import Protocol

VIETNAM = timezone(timedelta(hours=7))  # Viet Nam's time, all year (no daylight saving)
EPOCH = date(1970, 1, 1)  # day numbers count from here


def local_time(unix_seconds: float) -> datetime:
    """The moment in Viet Nam's time."""
    return datetime.fromtimestamp(unix_seconds, VIETNAM)


def local_date(unix_seconds: float) -> date:
    """Viet Nam's date at that moment (a contact at 06:00 there is on that day, not the UTC day before)."""
    return local_time(unix_seconds).date()


def local_day(unix_seconds: float) -> int:
    """Viet Nam's day number: days since 1970-01-01 in UTC+7."""
    return (local_date(unix_seconds) - EPOCH).days


def day_start(day: date) -> int:
    """The first second of Viet Nam's `day`."""
    return int(datetime.combine(day, datetime.min.time(), VIETNAM).timestamp())


def as_unix(moment: datetime) -> int:
    """Unix seconds of a moment; one given without a zone is Viet Nam's time."""
    return int((moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)).timestamp())


class Clock(Protocol):
    def now(self) -> float:
        """Unix seconds."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told to: for simulations and tests."""

    def __init__(self, start: float) -> None:
        self._now = float(start)

    def now(self) -> float:
        return self._now

    def set(self, unix_seconds: float) -> None:
        if unix_seconds < self._now:
            raise ValueError("a manual clock never goes back")
        self._now = float(unix_seconds)

    def advance(self, seconds: float) -> None:
        self.set(self._now + seconds)
