"""Request size limit, and a privacy-safe log line and metric for every response, 500s included (method, route
template, status, time, request id: no address, no body, no error message).

An exception that escapes a route ends here: it is answered 500 and logged by its type, route template,
request id and where in the code it was raised, never its message (database errors quote statement parameters:
keys, codes), and it goes no further, so the server does not print its own traceback with the message."""

from __future__ import annotations

import json
import logging
import secrets
import time
import traceback
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bluezone import logs
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
        started, status, sent = time.perf_counter(), 500, False
        request_id = secrets.token_hex(8)
        logs.request_id.set(request_id)  # this request's task only: every log line while answering it
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body:  # refused without reading a byte
            body = None
        else:
            body = await _read_limited(receive, self.max_body)
        if body is None:
            await _answer(send, 413, {"error": "request body over 64 KiB", "code": "too_large"}, request_id)
            self._log(scope, 413, started, request_id)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # after the body: wait for the disconnect, as the server would say it
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def recording_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status, sent = message["status"], True
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"x-request-id", request_id.encode())],
                }
            await send(message)

        try:
            await self.app(scope, replay, recording_send)
        except Exception as error:  # every escape is answered, counted and logged here
            status = 500
            log.error(json.dumps(_failure(scope, error, request_id)))
            if not sent:
                await _answer(send, 500, {"error": "internal error", "code": "internal_error"}, request_id)
        self._log(scope, status, started, request_id)

    def _log(self, scope: Scope, status: int, started: float, request_id: str) -> None:
        template = _template(scope)
        seconds = time.perf_counter() - started
        self.metrics.requests.labels(template, str(status)).inc()
        self.metrics.latency.labels(template).observe(seconds)
        entry: dict[str, Any] = {
            "method": scope["method"],
            "route": template,
            "status": status,
            "ms": round(seconds * 1000, 1),
            "request_id": request_id,
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


def _template(scope: Scope) -> str:
    """The route's template (`/api/facilities/{facility_id}`), never the raw path with its values."""
    route = scope.get("route")
    return getattr(route, "path", None) or (
        "/exports/*" if scope["path"].startswith("/exports/") else "other"
    )


def _failure(scope: Scope, error: Exception, request_id: str) -> dict[str, Any]:
    frames = traceback.extract_tb(error.__traceback__)
    where = [
        f"{frame.filename.rsplit('/site-packages/', 1)[-1]}:{frame.lineno} {frame.name}" for frame in frames
    ]
    return {
        "event": "unhandled",
        "type": type(error).__name__,
        "method": scope["method"],
        "route": _template(scope),
        "request_id": request_id,
        "where": where[-6:],  # code locations only: no message, no values
    }


async def _answer(send: Send, status: int, payload: dict[str, str], request_id: str) -> None:
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-request-id", request_id.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
