"""Servers that share nothing but the database and the object store: two app processes with separate data
directories and a separate exporter process, set up by `bluezone db upgrade` and the admin commands. A case
worker's code from one process, an upload through the other, the exporter's files in the bucket, a phone's
download through the first: the F1 is alerted."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import pytest

from bluezone.clock import ManualClock
from bluezone.phone.client import DownloadState, ServerClient, sync_and_check
from bluezone.phone.phone import Phone
from bluezone.protocol import export as ex
from bluezone.sim.pair import Air, Scan
from bluezone.web.serving import free_port, wait_until_healthy
from tests.conftest import S3_ENVIRONMENT

BIN = Path(sys.executable).parent
DAY = 86_400


def _bluezone(environment: dict[str, str], *argv: str) -> str:
    done = subprocess.run(
        [str(BIN / "bluezone"), *argv],
        check=False,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@dataclass(frozen=True)
class Fleet:
    environment: dict[str, str]  # the settings every machine shares
    a: str  # the two app processes' URLs
    b: str
    admin_key: str
    device_key: str


@pytest.fixture
def fleet(tmp_path: Path, database_url: str, bucket: str, s3_endpoint: str) -> Iterator[Fleet]:
    """The shared settings, the schema and realm set up once, and two app processes started on them."""
    shared = {
        **{k: v for k, v in os.environ.items() if not k.startswith("BZ_")},
        **S3_ENVIRONMENT,
        "BZ_DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'shared.db'}",
        "BZ_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "BZ_EXPORTS_STORE": f"s3://{bucket}/v1",
        "BZ_S3_ENDPOINT": s3_endpoint,
        "BZ_MIGRATE_AT_START": "false",
        "BZ_EXPORT_MIN_RECORDS": "20",
        "BZ_EXPORT_PADDING_JITTER": "0",
    }
    setup = {**shared, "BZ_DATA_DIR": str(tmp_path / "setup")}
    _bluezone(setup, "db", "upgrade")
    _bluezone(setup, "admin", "create-realm", "HN", "--name", "Sở Y tế Hà Nội", "--province", "Hà Nội")
    keys = {
        kind: _bluezone(setup, "admin", "create-api-key", "--realm", "HN", "--kind", kind)
        for kind in ("admin", "device")
    }
    processes, urls = [], {}
    try:
        for name in ("a", "b"):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [str(BIN / "uvicorn"), "--factory", "bluezone.web.app:app_from_environment",
                     "--host", "127.0.0.1", "--port", str(port)],
                    env={**shared, "BZ_DATA_DIR": str(tmp_path / name)},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip
            urls[name] = f"http://127.0.0.1:{port}"
        for url in urls.values():
            wait_until_healthy(url)
            assert httpx.get(f"{url}/readyz").json()["status"] == "ready"
        yield Fleet(shared, urls["a"], urls["b"], keys["admin"], keys["device"])
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def test_publish_export_download_and_match_across_processes(fleet: Fleet, tmp_path: Path) -> None:
    now = time.time()
    t0 = now - 2 * DAY
    clock = ManualClock(t0)
    phones = {"An": Phone(clock, model="SM-A515F"), "Bình": Phone(clock, model="SM-G973F")}
    air = Air(phones, np.random.default_rng(7))
    for offset in range(0, 30 * 60 + 1, 270):  # half an hour together, two days ago
        for listener, speaker in (("An", "Bình"), ("Bình", "An")):
            clock.set(t0 + 3600 + offset)
            air.scan(Scan(t0 + 3600 + offset, listener, speaker, 1.0))
    clock.set(now)
    for phone in phones.values():
        phone.current_key()
    onset = datetime.fromtimestamp(t0, UTC).date()

    # The case worker's code from process A; An's upload through process B.
    issued = httpx.post(
        f"{fleet.a}/api/issue",
        json={"testType": "confirmed", "symptomDate": onset.isoformat()},
        headers={"X-API-Key": fleet.admin_key},
    )
    assert issued.status_code == 200, issued.text
    public_key = ex.load_public_key(httpx.get(f"{fleet.b}/exports/public-key.pem").content)
    uploader = ServerClient(fleet.b, fleet.device_key, [public_key])
    assert uploader.upload(issued.json()["code"], phones["An"].prepare_upload(onset), "HN") >= 2

    # A third process, with a data directory of its own, exports into the bucket once the hour has closed.
    later = datetime.fromtimestamp(now, UTC) + timedelta(hours=2)
    exporter = {**fleet.environment, "BZ_DATA_DIR": str(tmp_path / "exporter")}
    assert ", 1 files," in _bluezone(exporter, "export", "run", "--now", later.isoformat())

    # Bình's phone downloads through process A, from the bucket, and is alerted.
    clock.set(later.timestamp() + 600)
    reader = ServerClient(fleet.a, fleet.device_key, [public_key])
    checks = sync_and_check(phones["Bình"], reader, DownloadState())
    assert {alert.level.name for check in checks for alert in check.new_alerts} == {"F1"}
    for name in ("a", "b", "exporter"):
        assert not (tmp_path / name / "secrets").exists()  # the secrets live in the database only
        assert not (tmp_path / name / "exports").exists()  # the files in the bucket only
