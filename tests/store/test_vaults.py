"""Secrets in the database, sealed under a master key: processes with separate data directories share one
set, nothing reaches their disks, and a wrong or malformed master key stops the start with a clear error."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest

from bluezone.config import load_settings
from bluezone.errors import InvalidInput
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
