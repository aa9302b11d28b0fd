"""Request size limit and privacy-safe request logs (method, route, status, time: no IP, no body)."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bluezone.services.metrics import Metrics

MAX_BODY_BYTES = 64 * 1024
log = logging.getLogger("bluezone.http")


class LimitAndLog:
    def __init__(self, app: ASGIApp, metrics: Metrics, max_body: int = MAX_BODY_BYTES) -> None:
        self.app, self.metrics, self.max_body = app, metrics, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body:  # refused without reading a byte
            await _reject(send)
            self._log(scope, 413, started)
            return
        body = await _read_limited(receive, self.max_body)
        if body is None:
            await _reject(send)
            self._log(scope, 413, started)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # after the body: wait for the disconnect, as the server would say it
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, replay, recording_send)
        self._log(scope, status, started)

    def _log(self, scope: Scope, status: int, started: float) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or (
            "/exports/*" if scope["path"].startswith("/exports/") else "other"
        )
        seconds = time.perf_counter() - started
        self.metrics.requests.labels(template, str(status)).inc()
        self.metrics.latency.labels(template).observe(seconds)
        entry: dict[str, Any] = {
            "method": scope["method"],
            "route": template,
            "status": status,
            "ms": round(seconds * 1000, 1),
        }
        log.info(json.dumps(entry))


async def _read_limited(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None as soon as it passes `limit` bytes (declared or sent)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(parts)
        size += len(message.get("body", b""))
        if size > limit:
            return None
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(parts)


async def _reject(send: Send) -> None:
    body = json.dumps({"error": "request body over 64 KiB", "code": "too_large"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
