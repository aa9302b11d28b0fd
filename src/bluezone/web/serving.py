"""Serving the app on a free loopback port (in a background thread, for the simulator and the tests), and
waiting for a server process to answer."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI

START_TIMEOUT_SECONDS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve_in_background(app: FastAPI) -> Iterator[str]:
    """Yield the base URL while the server runs; stop it on exit."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the local server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_SECONDS)


def wait_until_healthy(url: str, timeout: float = 60) -> None:
    """Return once the server at `url` answers its health check; raise if it does not in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"the server at {url} did not start")


def serve_until_stopped(
    app: FastAPI, *, host: str, port: int, trusted_proxies: str, once_listening: Callable[[], None]
) -> None:
    """Serve until interrupted; `once_listening` runs when the port is really bound (not before: it may be
    taken). uvicorn's access log stays off: it records client addresses, the app's own log records none. The
    client's address, for the guessing throttle only, is the trusted proxy's X-Forwarded-For."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        access_log=False,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips=trusted_proxies,
    )
    _Announcing(config, once_listening).run()


class _Announcing(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, once_listening: Callable[[], None]) -> None:
        super().__init__(config)
        self.once_listening = once_listening

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.once_listening()
