"""Where the server's secrets are kept: files in the data directory (the embedded default), or the database,
each secret sealed under a master key: one the environment gives (`BZ_MASTER_KEY`), or one a key-management
service keeps and never hands out (`BZ_KMS_KEY_ID`), so that app processes on different machines share the
secrets with no shared disk."""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select

from bluezone.errors import BluezoneError, InvalidInput
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
class KmsMasterKey:
    """A key-management service speaking AWS KMS's API (AWS, and the clouds and tools that offer the same
    API): the master key never leaves the service, which encrypts and decrypts each secret with the secret's
    name as its encryption context, so a sealed secret opens only under its own name."""

    key_id: str
    client: Any  # boto3's KMS client (untyped)

    @classmethod
    def connect(cls, key_id: str, endpoint: str | None) -> KmsMasterKey:
        """The region and credentials come from the environment, as for the bucket (AWS_DEFAULT_REGION…)."""
        return cls(key_id, boto3.client("kms", endpoint_url=endpoint))

    def seal(self, data: bytes, name: str) -> bytes:
        try:
            found = self.client.encrypt(KeyId=self.key_id, Plaintext=data, EncryptionContext=_context(name))
        except (ClientError, BotoCoreError) as error:
            raise KmsUnavailable(f"the key service did not seal the secret: {_reason(error)}") from None
        return bytes(found["CiphertextBlob"])

    def open(self, sealed: bytes, name: str) -> bytes:
        try:
            found = self.client.decrypt(
                KeyId=self.key_id, CiphertextBlob=sealed, EncryptionContext=_context(name)
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in WRONG_KEY:
                raise InvalidTag from None
            raise KmsUnavailable(f"the key service did not open the secret: {_reason(error)}") from None
        except BotoCoreError as error:
            raise KmsUnavailable(f"the key service did not open the secret: {_reason(error)}") from None
        return bytes(found["Plaintext"])


WRONG_KEY = {"InvalidCiphertextException", "IncorrectKeyException"}


class KmsUnavailable(BluezoneError):
    """The key-management service could not be reached, or refused this server (its credentials or rights)."""

    code = "kms_unavailable"


def _context(name: str) -> dict[str, str]:
    return {"bluezone-secret": name}


def _reason(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", "error"))
    return type(error).__name__


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
