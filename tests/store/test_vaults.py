"""Secrets in the database, sealed under a master key: processes with separate data directories share one
set, nothing reaches their disks, and a wrong or malformed master key stops the start with a clear error."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest

from bluezone.config import load_settings
from bluezone.errors import BluezoneError, InvalidInput
from bluezone.services import open_services
from bluezone.store.models import ServerSecret
from bluezone.store.secrets import SIGNING_KEYS


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def test_processes_on_different_machines_share_the_secrets_through_the_database(
    tmp_path: Path, database_url: str
) -> None:
    url = database_url or f"sqlite:///{tmp_path / 'shared.db'}"
    master = _key()
    first = open_services(load_settings(data_dir=tmp_path / "a", database_url=url, master_key=master))
    second = open_services(load_settings(data_dir=tmp_path / "b", database_url=url, master_key=master))
    assert first.secrets.hmac_key == second.secrets.hmac_key
    assert first.secrets.export_public_pem() == second.secrets.export_public_pem()
    assert not (tmp_path / "a" / "secrets").exists() and not (tmp_path / "b" / "secrets").exists()
    with first.db.session() as session:
        sealed = {row.name: row.sealed for row in session.query(ServerSecret)}
    assert set(sealed) == {"hmac.key", "wrap.key", *SIGNING_KEYS}
    assert first.secrets.hmac_key not in sealed["hmac.key"]  # sealed, not stored as they are
    assert b"PRIVATE KEY" not in sealed["export-signing-key.pem"]
    with pytest.raises(InvalidInput, match="master key does not open") as wrong:
        open_services(load_settings(data_dir=tmp_path / "c", database_url=url, master_key=_key()))
    assert wrong.value.code == "bad_master_key"
    first.db.dispose()
    second.db.dispose()


def test_a_malformed_master_key_is_refused_before_anything_is_made(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="32 random bytes in base64"):
        open_services(load_settings(data_dir=tmp_path / "data", master_key="not-a-key"))


def test_a_key_service_seals_the_secrets_and_never_hands_out_its_key(
    tmp_path: Path, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Against a KMS speaking AWS's API (moto's server, its own process): two processes share the secrets
    through the database; each is bound to its name (swapped, it does not open); a KMS that cannot be reached
    stops the start with a clear error."""
    import boto3
    from sqlalchemy import update

    from tests.conftest import S3_ENVIRONMENT

    for name, value in S3_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    key_id = boto3.client("kms", endpoint_url=s3_endpoint).create_key(Description="bluezone")["KeyMetadata"][
        "KeyId"
    ]
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    kms = {"database_url": url, "kms_key_id": key_id, "kms_endpoint": s3_endpoint}
    first = open_services(load_settings(data_dir=tmp_path / "a", **kms))
    second = open_services(load_settings(data_dir=tmp_path / "b", **kms))
    assert first.secrets.hmac_key == second.secrets.hmac_key and not (tmp_path / "a" / "secrets").exists()
    with first.db.session() as session:
        sealed = {row.name: row.sealed for row in session.query(ServerSecret)}
        assert first.secrets.hmac_key not in sealed["hmac.key"]
        session.execute(
            update(ServerSecret).where(ServerSecret.name == "wrap.key").values(sealed=sealed["hmac.key"])
        )
    with pytest.raises(InvalidInput) as swapped:
        open_services(load_settings(data_dir=tmp_path / "c", **kms))
    assert swapped.value.code == "bad_master_key"
    with pytest.raises(BluezoneError) as away:
        open_services(load_settings(data_dir=tmp_path / "d", **{**kms, "kms_endpoint": "http://127.0.0.1:9"}))
    assert away.value.code == "kms_unavailable"
    with pytest.raises(InvalidInput) as both:
        open_services(load_settings(data_dir=tmp_path / "e", master_key=_key(), **kms))
    assert both.value.code == "bad_master_key"
    first.db.dispose()
    second.db.dispose()
