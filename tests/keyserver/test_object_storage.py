"""Export files in S3-compatible object storage: a real S3-protocol server (moto's standalone server, a
separate process on loopback) holds the files, the index never names a file that is not there, each object
carries its Cache-Control, retention deletes from the bucket, and the app serves the bucket to phones."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bluezone.authority.realms import create_realm
from bluezone.clock import ManualClock
from bluezone.config import load_settings
from bluezone.keyserver import exporter
from bluezone.keyserver.storage import (
    IMMUTABLE,
    SHORT_LIVED,
    LocalStore,
    S3Store,
    StoreUnavailable,
    export_store,
)
from bluezone.protocol import export as ex
from bluezone.services import open_services
from bluezone.web.app import create_app
from bluezone.web.serving import free_port
from tests.conftest import SERVER_START, exposures

HOUR = 3600


def test_objects_go_in_whole_with_their_cache_control(s3_endpoint: str, bucket: str) -> None:
    store = S3Store(bucket, "exports", endpoint=s3_endpoint, region=None)
    store.check()
    store.put("452/1-2-00001.zip", b"batch")
    store.put("index.txt", b"452/1-2-00001.zip\n")
    assert store.get("452/1-2-00001.zip") == b"batch"
    assert store.names("452/") == ["452/1-2-00001.zip"]
    head = store.client.head_object(Bucket=bucket, Key="exports/452/1-2-00001.zip")
    assert head["CacheControl"] == IMMUTABLE and head["ContentType"] == "application/zip"
    assert head["ETag"]
    index = store.client.head_object(Bucket=bucket, Key="exports/index.txt")
    assert index["CacheControl"] == SHORT_LIVED
    store.delete("452/1-2-00001.zip")
    store.delete("452/1-2-00001.zip")  # nothing there: nothing happens
    assert store.names("452/") == []
    with pytest.raises(FileNotFoundError):
        store.get("452/1-2-00001.zip")


def test_a_store_that_cannot_be_reached_says_so(s3_endpoint: str, bucket: str, tmp_path: Path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    store = S3Store(bucket, "", endpoint=nowhere, region=None)
    with pytest.raises(StoreUnavailable, match="cannot be reached"):
        store.check()
    # A running server whose bucket went away is alive but not ready; it names what failed.
    settings = load_settings(data_dir=tmp_path / "data")
    app = create_app(settings, clock=ManualClock(SERVER_START.timestamp()))
    with TestClient(app) as http:
        app.state.services.exports = store
        assert http.get("/healthz").status_code == 200
        ready = http.get("/readyz")
    app = create_app(
        load_settings(data_dir=tmp_path / "s3", exports_store=f"s3://{bucket}", s3_endpoint=s3_endpoint),
        clock=ManualClock(SERVER_START.timestamp()),
    )
    with TestClient(app) as http:
        app.state.services.exports.client = store.client  # the bucket goes away under a running server
        away = http.get("/exports/index.txt")
    assert (away.status_code, away.json()["code"], away.headers["retry-after"]) == (
        503,
        "store_unavailable",
        "60",
    )
    assert ready.status_code == 503
    assert ready.json() == {
        "status": "not ready",
        "checks": {"database": "ok", "exports": "failed", "secrets": "ok"},
    }


def test_a_bucket_that_does_not_exist_is_refused(s3_endpoint: str, bucket: str) -> None:
    with pytest.raises(StoreUnavailable, match="refused"):
        S3Store("no-such-bucket", "", endpoint=s3_endpoint, region=None).check()


def test_the_setting_chooses_the_store(tmp_path: Path) -> None:
    assert isinstance(export_store(load_settings(data_dir=tmp_path)), LocalStore)
    chosen = export_store(load_settings(data_dir=tmp_path, exports_store="s3://exports/vn/452"))
    assert chosen.where == "s3://exports/vn/452"
    with pytest.raises(Exception, match="local or s3://bucket"):
        export_store(load_settings(data_dir=tmp_path, exports_store="ftp://files"))


def test_the_server_exports_into_the_bucket_and_serves_it(
    s3_endpoint: str, bucket: str, tmp_path: Path
) -> None:
    settings = load_settings(
        data_dir=tmp_path / "data",
        exports_store=f"s3://{bucket}/exports",
        s3_endpoint=s3_endpoint,
        export_min_records=10,
        export_padding_jitter=0,
        export_max_records=8,
    )
    clock = ManualClock(SERVER_START.timestamp())
    svc = open_services(settings, clock)
    assert not (settings.exports_dir / exporter.INDEX).exists()  # nothing on the server's disk
    start = int(clock.now()) - int(clock.now()) % HOUR
    with svc.db.session() as session:
        create_realm(session, svc.secrets, "HN", "Sở Y tế Hà Nội", svc.now(), province_code="01")
    with svc.db.session() as session:
        session.add_all(exposures([i.to_bytes(16, "big") for i in range(12)], start))
    report = exporter.run_exports(svc.db, settings, svc.secrets, svc.exports, start + HOUR + 300)
    assert len(report.files) == 2  # 12 keys in files of 8
    listed = svc.exports.get(exporter.INDEX).decode().split()
    assert listed == report.files and all(name in svc.exports.names("452/") for name in listed)
    public = ex.load_public_key(svc.exports.get(exporter.PUBLIC_KEY))
    keys = [
        k for name in listed for k in ex.read_verified_archive(svc.exports.get(name), [public]).batch.keys
    ]
    assert len(keys) == 12

    with TestClient(create_app(settings, clock=clock)) as phone:
        index = phone.get("/exports/index.txt")
        assert index.status_code == 200 and index.text.split() == listed
        assert index.headers["cache-control"] == SHORT_LIVED
        batch = phone.get(f"/exports/{listed[0]}")
        assert batch.headers["cache-control"] == IMMUTABLE
        assert batch.headers["content-type"] == "application/zip"
        again = phone.get(f"/exports/{listed[0]}", headers={"If-None-Match": batch.headers["etag"]})
        assert again.status_code == 304
        assert phone.get("/exports/452/nothing.zip").status_code == 404
        assert phone.get("/exports/../secrets").status_code == 404
        assert phone.get("/readyz").json()["checks"]["exports"] == "ok"

    # Past the retention period the files leave the index first, then the bucket.
    later = start + (settings.retention_days + 1) * 86_400
    exporter.cleanup(svc.db, settings, svc.exports, later)
    assert svc.exports.get(exporter.INDEX) == b"" and svc.exports.names("452/") == []
    svc.db.dispose()


def test_the_local_directory_is_served_with_the_same_cache_control(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "data")
    with TestClient(create_app(settings, clock=ManualClock(SERVER_START.timestamp()))) as phone:
        index = phone.get("/exports/index.txt")
        assert index.status_code == 200 and index.headers["cache-control"] == SHORT_LIVED
        assert "etag" in index.headers
