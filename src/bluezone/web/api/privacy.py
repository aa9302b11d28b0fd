"""Plausible deniability on the wire: padded responses of one size, and chaff that costs what real calls do.

A phone sends fake (chaff) requests now and then; an observer who sees sizes and timings cannot tell the
real upload from them.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
from collections import deque
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from bluezone.authority import guessing
from bluezone.services import Services

PADDED_SIZE = 2048  # every padded response body is exactly this long


def is_chaff(request: Request) -> bool:
    return request.headers.get("x-chaff", "").strip() not in ("", "0")


Chaff = Annotated[bool, Depends(is_chaff)]


def padded(payload: Mapping[str, Any], status: int = 200) -> JSONResponse:
    """A JSON response whose body is exactly PADDED_SIZE bytes, the slack filled with random base64."""
    body = dict(payload)
    body["padding"] = ""
    room = PADDED_SIZE - len(_encode(body))
    raw = secrets.token_bytes(max(0, room) * 3 // 4 + 3)
    body["padding"] = base64.b64encode(raw).decode()[: max(0, room)]
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _encode(body: Mapping[str, Any]) -> bytes:
    # The same encoding JSONResponse uses, so the size computed here is the size sent.
    return json.dumps(body, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode()


class LatencyTracker:
    """The durations of recent real requests, so that chaff takes a duration drawn from the same distribution
    (not their average: an observer timing many requests would see the spread differ).

    Both are timed at the same point of the route. A chaff request draws its duration, waits in whatever
    place its real twin works (a worker thread: `wait`; the event loop: `imitate`), and reports when it was
    done (`settled`): how late it came, on average, is taken off later waits, so the overheads of sleeping
    and of coming back from a thread are not an observable difference."""

    KEPT = 128  # recent enough to follow the load, enough to draw a spread from

    def __init__(self, before_any_seconds: float = 0.02) -> None:
        self._recent: deque[float] = deque(maxlen=self.KEPT)
        self._before_any = before_any_seconds
        self._late = 0.0

    def record(self, seconds: float) -> None:
        self._recent.append(min(seconds, 2.0))

    def draw(self) -> float:
        recent = self._recent
        return recent[secrets.randbelow(len(recent))] if recent else self._before_any

    def wait(self, started: float, drawn: float) -> None:
        """Block until `drawn` seconds (less the usual lateness) have passed since `started`."""
        time.sleep(max(0.0, drawn - self._late - (time.perf_counter() - started)))

    async def imitate(self, started: float, drawn: float) -> None:
        """The same, on the event loop."""
        await asyncio.sleep(max(0.0, drawn - self._late - (time.perf_counter() - started)))

    def settled(self, started: float, drawn: float) -> None:
        self._late += 0.2 * (time.perf_counter() - started - drawn)


class ChaffTimers:
    """How long real code checks, certificates, publishes and lab-result calls take, for chaff to imitate
    each."""

    def __init__(self) -> None:
        self.verify = LatencyTracker()
        self.certificate = LatencyTracker()
        self.publish = LatencyTracker()
        self.register = LatencyTracker()
        self.result = LatencyTracker()
        self.self_report = LatencyTracker()


def _chaff_timers(request: Request) -> ChaffTimers:
    timers: ChaffTimers = request.app.state.chaff_timers
    return timers


Timers = Annotated[ChaffTimers, Depends(_chaff_timers)]


def chaff_throttle(svc: Services, client: str, timer: LatencyTracker, timing: tuple[float, float]) -> None:
    """What a chaff request does in a worker thread where its real twin checks a guessable secret: the
    client's throttle, as for a real one (a throttled client is refused alike), then the drawn wait."""
    with svc.db.session() as session:
        guessing.check_client(session, svc.settings, guessing.client_id(svc.secrets, client), svc.now())
    timer.wait(*timing)
