"""Where the server's secrets are kept: files in the data directory (the embedded default), or the database,
each secret sealed under a master key the environment gives (`BZ_MASTER_KEY`), so that app processes on
different machines share them with no shared disk. A key-management service fits behind `MasterKey`."""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select

from bluezone.errors import InvalidInput
from bluezone.store.db import Database
from bluezone.store.files import create_once
from bluezone.store.inserts import insert_ignoring_duplicates
from bluezone.store.models import ServerSecret

NONCE_BYTES = 12


class Vault(Protocol):
    def create_once(self, name: str, data: bytes) -> bytes:
        """Keep `data` under `name` unless another process got there first; return what is kept."""


class MasterKey(Protocol):
    def seal(self, data: bytes, name: str) -> bytes: ...

    def open(self, sealed: bytes, name: str) -> bytes:
        """Raise InvalidTag when `sealed` was not sealed under this key for this name."""


@dataclass(frozen=True)
class DirectoryVault:
    directory: Path

    def create_once(self, name: str, data: bytes) -> bytes:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return create_once(self.directory / name, data)


@dataclass(frozen=True)
class LocalMasterKey:
    """AES-256-GCM under a key from the environment; each secret's name is bound into its seal."""

    key: bytes

    @classmethod
    def from_setting(cls, text: str) -> LocalMasterKey:
        try:
            key = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != 32:
            raise InvalidInput(
                "master_key must be 32 random bytes in base64 (`head -c 32 /dev/urandom | base64`)",
                code="bad_master_key",
            )
        return cls(key)

    def seal(self, data: bytes, name: str) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + AESGCM(self.key).encrypt(nonce, data, name.encode())

    def open(self, sealed: bytes, name: str) -> bytes:
        return AESGCM(self.key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], name.encode())


@dataclass(frozen=True)
class DatabaseVault:
    db: Database
    master: MasterKey

    def create_once(self, name: str, data: bytes) -> bytes:
        row = {"name": name, "sealed": self.master.seal(data, name), "created_at": int(time.time())}
        with self.db.session() as session:
            insert_ignoring_duplicates(session, ServerSecret, [row], unique=["name"])
            sealed = session.scalar(select(ServerSecret.sealed).where(ServerSecret.name == name))
        assert sealed is not None
        try:
            return self.master.open(sealed, name)
        except InvalidTag:
            raise InvalidInput(
                "the master key does not open the server's secrets in the database: give the key they were "
                "sealed under",
                code="bad_master_key",
            ) from None
