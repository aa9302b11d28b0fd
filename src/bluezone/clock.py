"""Injected time: every component that needs "now" takes a Clock, so simulations can drive real code."""

from __future__ import annotations

import time
from datetime import timedelta, timezone
from typing import Protocol

VIETNAM = timezone(timedelta(hours=7))  # Viet Nam's time, all year (no daylight saving)


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
