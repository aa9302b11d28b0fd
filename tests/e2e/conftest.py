"""A real server on loopback, in a thread, sharing a manual clock with the simulated phones."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn

from bluezone.authority.realms import create_api_key, create_realm
from bluezone.clock import ManualClock
from bluezone.config import load_settings
from bluezone.web.app import create_app
from bluezone.web.services import Services

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
REALM = "HN"


@dataclass
class RunningServer:
    base_url: str
    clock: ManualClock
    services: Services
    admin_key: str
    device_key: str

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    clock = ManualClock(START.timestamp())
    settings = load_settings(data_dir=tmp_path / "data", export_min_records=200, export_padding_jitter=20)
    app = create_app(settings, clock)
    svc: Services = app.state.services
    with svc.db.session() as session:
        create_realm(session, svc.secrets, REALM, "Sở Y tế Hà Nội", svc.now())
        admin = create_api_key(session, svc.secrets, REALM, "admin", svc.now())
        device = create_api_key(session, svc.secrets, REALM, "device", svc.now())
    port = _free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    yield RunningServer(f"http://127.0.0.1:{port}", clock, svc, admin, device)
    uv.should_exit = True
    thread.join(timeout=10)
