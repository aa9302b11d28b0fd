"""Shared fixtures: the reference test data beside the project, and the crypto backends."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from sqlalchemy import create_engine, select, text

from bluezone.authority.codes import IssuedCode, VerifiedCode
from bluezone.authority.labs import create_lab
from bluezone.authority.realms import create_api_key, create_realm, realm_by_code
from bluezone.clock import ManualClock
from bluezone.config import load_settings
from bluezone.protocol.backend import CryptoBackend, available_backends
from bluezone.protocol.exposure_key import ReportType
from bluezone.services import Services, open_services
from bluezone.store.models import Exposure
from bluezone.web.app import create_app
from bluezone.web.serving import free_port, serve_in_background

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
POSTGRES_URL = os.environ.get("BZ_TEST_DATABASE_URL", "")
if not TESTDATA.is_dir():  # a missing data set must fail the run, never skip it
    raise RuntimeError(f"reference test data not found at {TESTDATA}")


def load_json(relative: str) -> Any:
    return json.loads((TESTDATA / relative).read_text(encoding="utf-8"))


@pytest.fixture(params=[b.name for b in available_backends()])
def backend(request: pytest.FixtureRequest) -> CryptoBackend:
    """Every backend available here: tests run once per implementation."""
    return next(b for b in available_backends() if b.name == request.param)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Server tests run on both databases; on PostgreSQL each test gets a schema of its own."""
    if request.param == "sqlite":
        yield ""  # the default: a SQLite file in the test's data directory
        return
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: run under scripts/with-postgres (BZ_TEST_DATABASE_URL)")
        pytest.skip("no PostgreSQL server: run under scripts/with-postgres")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with admin.connect() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@dataclass
class Authority:
    """A migrated server store in a temporary data directory, with realm HN and one key of each kind."""

    services: Services
    clock: ManualClock
    keys: dict[str, str]

    def now(self) -> int:
        return int(self.clock.now())


SERVER_START = datetime(2026, 3, 5, 7, 0, tzinfo=UTC)


@pytest.fixture
def authority(tmp_path: Path, database_url: str) -> Iterator[Authority]:
    clock = ManualClock(SERVER_START.timestamp())
    settings = load_settings(
        data_dir=tmp_path / "data", database_url=database_url, export_min_records=100, export_padding_jitter=0
    )
    svc = open_services(settings, clock)
    keys = {}
    with svc.db.session() as session:
        create_realm(session, svc.secrets, "HN", "Sở Y tế Hà Nội", svc.now(), province_code="01")
        create_realm(session, svc.secrets, "HCM", "Sở Y tế TP Hồ Chí Minh", svc.now(), province_code="79")
        for kind in ("admin", "device", "stats"):
            keys[kind] = create_api_key(session, svc.secrets, "HN", kind, svc.now())
        keys["other-realm-device"] = create_api_key(session, svc.secrets, "HCM", "device", svc.now())
    yield Authority(svc, clock, keys)
    svc.db.dispose()


E2E_START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
REALM = "HN"
LAB_NAME = "Khoa Xét nghiệm, CDC Hà Nội"


@dataclass
class RunningServer:
    base_url: str
    clock: ManualClock
    services: Services
    admin_key: str
    device_key: str
    stats_key: str
    other_admin_key: str  # of realm HCM (province 79)
    national_admin_key: str  # of realm BYT (the ministry: no province of its own)
    lab_key: str  # of the lab LAB_NAME in realm HN

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30)


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[RunningServer]:
    clock = ManualClock(E2E_START.timestamp())
    settings = load_settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        export_min_records=200,
        export_padding_jitter=20,
    )
    app = create_app(settings, clock)
    svc: Services = app.state.services
    with svc.db.session() as session:
        create_realm(session, svc.secrets, REALM, "Sở Y tế Hà Nội", svc.now(), province_code="01")
        create_realm(session, svc.secrets, "HCM", "Sở Y tế TP Hồ Chí Minh", svc.now(), province_code="79")
        create_realm(session, svc.secrets, "BYT", "Bộ Y tế", svc.now())
        hcm_admin = create_api_key(session, svc.secrets, "HCM", "admin", svc.now())
        national_admin = create_api_key(session, svc.secrets, "BYT", "admin", svc.now())
        admin = create_api_key(session, svc.secrets, REALM, "admin", svc.now())
        device = create_api_key(session, svc.secrets, REALM, "device", svc.now())
        stats = create_api_key(session, svc.secrets, REALM, "stats", svc.now())
        lab = create_lab(session, realm_by_code(session, REALM), LAB_NAME, svc.now())
        lab_key = create_api_key(session, svc.secrets, REALM, "lab", svc.now(), lab_id=lab.id)
    with serve_in_background(app) as base_url:
        yield RunningServer(base_url, clock, svc, admin, device, stats, hcm_admin, national_admin, lab_key)


CONSOLE_PASSWORD = "mật-khẩu-đủ-dài"


def add_console_user(
    server: RunningServer, username: str, role: str, scope: str | None = None, *, realm: str | None = REALM
) -> None:
    """A console account in the realm (a system admin's: realm=None); lab staff work for LAB_NAME."""
    from bluezone.authority.users import create_user
    from bluezone.store.models import Lab

    with server.services.db.session() as session:
        lab = session.scalar(select(Lab.id).where(Lab.name == LAB_NAME)) if role == "lab_staff" else None
        create_user(
            session,
            realm_code=realm,
            username=username,
            password=CONSOLE_PASSWORD,
            role=role,
            now=server.services.now(),
            scope=scope,
            lab_id=lab,
        )


def issue(
    svc: Services,
    realm: str = "HN",
    *,
    test_type: str = "confirmed",
    symptom_date: str | None = None,
    test_date: str | None = None,
) -> IssuedCode:
    """A case worker's code, issued in the realm."""
    from bluezone.authority import codes
    from bluezone.authority.realms import realm_by_code

    with svc.db.session() as session:
        return codes.issue_code(
            session,
            svc.secrets,
            svc.settings,
            realm_by_code(session, realm),
            test_type=test_type,
            symptom_date=symptom_date,
            test_date=test_date,
            phone=None,
            now=svc.now(),
        )


def claim(svc: Services, device_key: str, code: str) -> VerifiedCode | None:
    """What the app's verify call does with a code, on the server's side."""
    from bluezone.authority import codes
    from bluezone.authority.realms import authenticate
    from bluezone.authority.roles import KeyKind

    with svc.db.session() as session:
        device = authenticate(session, svc.secrets, device_key, KeyKind.DEVICE)
        return codes.verify_code(
            session, svc.secrets, svc.settings, device, code=code, client="127.0.0.1", now=svc.now()
        )


def certificate_for(
    svc: Services,
    device_key: str,
    ekeyhmac: str,
    *,
    test_type: str = "confirmed",
    symptom_date: str | None = None,
    test_date: str | None = None,
    realm: str = "HN",
) -> str:
    """What a phone gets after a case worker's code: issue → verify → token → certificate, for these keys."""
    from bluezone.authority import certificates
    from bluezone.authority.realms import authenticate
    from bluezone.authority.roles import KeyKind

    issued = issue(svc, realm, test_type=test_type, symptom_date=symptom_date, test_date=test_date)
    verified = claim(svc, device_key, issued.code)
    assert verified is not None
    with svc.db.session() as session:
        device = authenticate(session, svc.secrets, device_key, KeyKind.DEVICE)
        token = certificates.make_token(svc.secrets, verified, svc.now())
        return certificates.issue_certificate(
            session, svc.secrets, svc.settings, device, token=token, ekeyhmac=ekeyhmac, now=svc.now()
        )


def exposures(keys: list[bytes], created_at: int, realm_id: int = 1) -> list[Exposure]:
    """Published keys as the publish pipeline stores them: confirmed, a day's key each, at `created_at`."""
    start = created_at // 600 - 144
    return [
        Exposure(
            key_data=key,
            rolling_start=start - start % 144,
            rolling_period=144,
            transmission_risk=2,
            report_type=int(ReportType.CONFIRMED_TEST),
            days_since_onset=0,
            realm_id=realm_id,
            created_at=created_at,
        )
        for key in keys
    ]


# An S3-protocol server (moto's standalone server, its own process on loopback) and a bucket in it.
BUCKET = "bluezone-exports"
S3_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "bluezone",
    "AWS_SECRET_ACCESS_KEY": "bluezone-secret",
    "AWS_DEFAULT_REGION": "ap-southeast-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    assert server, "moto[server] is a development dependency: make install"
    port = free_port()
    process = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_for(endpoint)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(endpoint: str) -> None:
    for _ in range(100):
        try:
            httpx.get(f"{endpoint}/moto-api/", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("the S3 server did not start")


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name, value in S3_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):  # never reach Amazon
        monkeypatch.delenv(name, raising=False)
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    yield BUCKET
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)
