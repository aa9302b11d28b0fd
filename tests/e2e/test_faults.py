"""Real processes killed at the worst moment (`kill -9`): the server under publish load, an exporter midway,
and two exporters at once. Every key the server acknowledged is stored once and exported once, and the next
run finishes every window."""

from __future__ import annotations

import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from bluezone.authority.realms import create_api_key, create_realm
from bluezone.config import load_settings
from bluezone.protocol import export as ex
from bluezone.protocol import tekmac
from bluezone.protocol.exposure_key import ExposureKey
from bluezone.services import Services, open_services
from bluezone.store.models import ExportWindow, Exposure
from bluezone.web.serving import wait_until_healthy
from tests.conftest import certificate_for, exposures

BLUEZONE = str(Path(sys.executable).with_name("bluezone"))
UPLOADS = 40


def _env(data: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "BZ_DATA_DIR": str(data),
        "BZ_DATABASE_URL": database_url,
        "BZ_EXPORT_MIN_RECORDS": "0",
    }


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [BLUEZONE, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url)
    except RuntimeError:
        server.kill()
        raise
    return server, url


def _uploads(svc: Services, device_key: str) -> list[dict[str, Any]]:
    """Upload bodies as phones send them, each with a real certificate for its 14 keys."""
    today = svc.now() // 600 - (svc.now() // 600) % 144
    bodies = []
    for _ in range(UPLOADS):
        keys = [ExposureKey(secrets.token_bytes(16), today - 144 * day) for day in range(1, 15)]
        hmac_key = secrets.token_bytes(32)
        test_date = time.strftime("%Y-%m-%d", time.gmtime(svc.now()))
        certificate = certificate_for(svc, device_key, tekmac.tekmac(hmac_key, keys), test_date=test_date)
        bodies.append(
            {
                "temporaryExposureKeys": [
                    {
                        "key": base64.b64encode(k.key_data).decode(),
                        "rollingStartNumber": k.rolling_start_interval_number,
                    }
                    for k in keys
                ],
                "healthAuthorityID": "HN",
                "verificationPayload": certificate,
                "hmacKey": base64.b64encode(hmac_key).decode(),
            }
        )
    return bodies


def _stored(svc: Services) -> Counter[bytes]:
    with svc.db.session() as session:
        return Counter(bytes(k) for k in session.scalars(select(Exposure.key_data)))


def test_a_server_killed_under_publish_load_keeps_every_acknowledged_key_once(
    tmp_path: Path, database_url: str
) -> None:
    data = tmp_path / "data"
    svc = open_services(load_settings(data_dir=data, database_url=database_url))
    with svc.db.session() as session:
        create_realm(session, svc.secrets, "HN", "Sở Y tế Hà Nội", svc.now(), province_code="01")
        device_key = create_api_key(session, svc.secrets, "HN", "device", svc.now())
    bodies = _uploads(svc, device_key)
    env = _env(data, database_url)
    acknowledged: list[dict[str, Any]] = []
    server, url = _serve(env)
    with httpx.Client(base_url=url, timeout=5) as http:
        for number, body in enumerate(bodies):
            if number == UPLOADS // 2:
                server.send_signal(signal.SIGKILL)  # in the middle of the load
                server.wait()
                server, url = _serve(env)
                http.base_url = httpx.URL(url)
            try:
                if http.post("/v1/publish", json=body).status_code == 200:
                    acknowledged.append(body)
            except httpx.TransportError:
                pass  # the phone retries later; not acknowledged
    server.send_signal(signal.SIGKILL)
    server.wait()
    stored = _stored(svc)
    assert len(acknowledged) >= UPLOADS - 2
    for body in acknowledged:
        for key in body["temporaryExposureKeys"]:
            assert stored[base64.b64decode(key["key"])] == 1
    assert max(stored.values()) == 1  # nothing stored twice


def test_killed_and_concurrent_exporters_export_every_key_once(tmp_path: Path, database_url: str) -> None:
    data = tmp_path / "data"
    settings = load_settings(data_dir=data, database_url=database_url, export_min_records=0)
    svc = open_services(settings)
    now = svc.now() - svc.now() % 3600
    keys: list[bytes] = []
    with svc.db.session() as session:
        create_realm(session, svc.secrets, "HN", "Sở Y tế Hà Nội", svc.now(), province_code="01")
        for hour in range(1, 25):  # a day of hourly windows, 150 keys each
            hourly = [secrets.token_bytes(16) for _ in range(150)]
            session.add_all(exposures(hourly, now - hour * 3600))
            keys += hourly
    env = {**_env(data, database_url), "BZ_EXPORT_MAX_RECORDS": "40"}
    exported = data / "exports"
    run_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(svc.now()))
    later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(svc.now() + 120))  # past the dead one's lease
    killed = subprocess.Popen(
        [BLUEZONE, "export", "run", "--now", run_at], env=env, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while not any(exported.glob("452/*.zip")) and time.monotonic() < deadline:
        time.sleep(0.01)
    killed.send_signal(signal.SIGKILL)  # midway: some windows done, one half-written, most not begun
    killed.wait()
    assert _windows(svc)[0] < 24  # the kill came midway
    together = [
        subprocess.Popen([BLUEZONE, "export", "run", "--now", later], env=env, stdout=subprocess.DEVNULL)
        for _ in range(2)
    ]
    assert [process.wait(timeout=300) for process in together] == [0, 0]
    public = [ex.load_public_key((exported / "public-key.pem").read_bytes())]
    listed = Counter(
        key.key_data
        for line in (exported / "index.txt").read_text().split()
        for key in ex.read_verified_archive((exported / line).read_bytes(), public).batch.keys
    )
    assert sorted(listed) == sorted(keys) and set(listed.values()) == {1}
    assert _windows(svc) == (24, 0)  # every window with keys complete, none left open


def _windows(svc: Services) -> tuple[int, int]:
    """Windows complete with keys, and windows still open."""
    with svc.db.session() as session:
        rows = session.execute(select(ExportWindow.status, ExportWindow.key_count)).all()
    return sum(1 for status, count in rows if status == "complete" and count), sum(
        1 for status, _ in rows if status != "complete"
    )
