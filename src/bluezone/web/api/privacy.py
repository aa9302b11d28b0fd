"""Plausible deniability on the wire: padded responses of one size, and chaff that costs what real calls do.

A phone sends fake (chaff) requests now and then; an observer who sees sizes and timings cannot tell the
real upload from them.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

PADDED_SIZE = 2048  # every padded response body is exactly this long


def is_chaff(request: Request) -> bool:
    return request.headers.get("x-chaff", "").strip() not in ("", "0")


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
    """Moving average of real requests' durations, so chaff waits as long as a real request takes."""

    def __init__(self, initial_seconds: float = 0.05, weight: float = 0.1) -> None:
        self.average = initial_seconds
        self.weight = weight

    def record(self, seconds: float) -> None:
        self.average += self.weight * (min(seconds, 2.0) - self.average)

    async def imitate(self) -> None:
        await asyncio.sleep(self.average * (0.8 + 0.4 * secrets.randbelow(1000) / 1000))


class ChaffTimers:
    """How long real publishes and real code checks take, for chaff to imitate each."""

    def __init__(self) -> None:
        self.publish = LatencyTracker()
        self.verify = LatencyTracker()


def _chaff_timers(request: Request) -> ChaffTimers:
    timers: ChaffTimers = request.app.state.chaff_timers
    return timers


Timers = Annotated[ChaffTimers, Depends(_chaff_timers)]
