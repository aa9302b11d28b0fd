"""With a metrics port set, Prometheus's endpoint moves off the public port onto its own (loopback by
default), and the public /metrics answers 404 like any unknown route."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from bluezone.clock import ManualClock
from bluezone.config import load_settings
from bluezone.web.app import create_app
from bluezone.web.serving import free_port
from tests.conftest import SERVER_START


def test_metrics_leave_the_public_port_for_their_own(tmp_path: Path) -> None:
    port = free_port()
    settings = load_settings(data_dir=tmp_path / "data", metrics_port=port)
    with TestClient(create_app(settings, clock=ManualClock(SERVER_START.timestamp()))) as public:
        assert public.get("/healthz").status_code == 200
        hidden = public.get("/metrics")
        assert (hidden.status_code, hidden.json()["code"]) == (404, "not_found")
        own = httpx.get(f"http://127.0.0.1:{port}/metrics")
        assert own.status_code == 200 and 'bluezone_requests_total{route="/healthz",status="200"}' in own.text
    # Stopped with the app.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
