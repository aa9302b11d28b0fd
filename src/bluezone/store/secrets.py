"""Server secrets, created on first start in a vault (the data directory, or the database under a master key)
and shared by every app process that reads it.

`hmac_key` hashes codes and API keys (they are stored only as keyed hashes) and signs verify tokens;
`wrap_key` encrypts realm signing keys and revision tokens; `export_key` signs export files and risky-venue
packages; `venue_key` signs venue QR codes; `sms_key` signs the texts phones receive; `config_key` signs the
configuration phones follow. Each signing key is its own, so that one leaked cannot stand for another.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bluezone.errors import InvalidInput

if TYPE_CHECKING:
    from bluezone.store.vaults import Vault

SIGNING_KEYS = (
    "export-signing-key.pem",
    "venue-signing-key.pem",
    "sms-signing-key.pem",
    "config-signing-key.pem",
)
NONCE_BYTES = 12
TAG_BYTES = 16  # AES-GCM's: a sealed value is nonce + plaintext + tag


def _signing_key(vault: Vault, name: str) -> ec.EllipticCurvePrivateKey | None:
    """A P-256 key made on first start; None when the vault holds something else."""
    pem = vault.create_once(
        name,
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    key = serialization.load_pem_private_key(pem, password=None)
    return key if isinstance(key, ec.EllipticCurvePrivateKey) else None


@dataclass(frozen=True)
class ServerSecrets:
    hmac_key: bytes
    wrap_key: bytes
    export_key: ec.EllipticCurvePrivateKey
    venue_key: ec.EllipticCurvePrivateKey
    sms_key: ec.EllipticCurvePrivateKey
    config_key: ec.EllipticCurvePrivateKey

    @classmethod
    def load_or_create(cls, vault: Vault) -> ServerSecrets:
        """The secrets the vault keeps, made on the first start of the first process (others find them)."""
        hmac_key = vault.create_once("hmac.key", secrets.token_bytes(32))
        wrap_key = vault.create_once("wrap.key", secrets.token_bytes(32))
        export_key = _signing_key(vault, "export-signing-key.pem")
        signing = [_signing_key(vault, name) for name in SIGNING_KEYS]
        if len(hmac_key) != 32 or len(wrap_key) != 32 or None in signing:
            raise InvalidInput(f"the secrets in {vault} are damaged", code="bad_secrets")
        export_key, venue_key, sms_key, config_key = (k for k in signing if k is not None)
        return cls(hmac_key, wrap_key, export_key, venue_key, sms_key, config_key)

    def keyed_hash(self, purpose: str, value: str) -> bytes:
        """What is stored instead of a code or an API key: HMAC-SHA256 under the server key."""
        return hmac.digest(self.hmac_key, f"{purpose}\x00{value}".encode(), hashlib.sha256)

    def encrypt(self, plaintext: bytes, context: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + AESGCM(self.wrap_key).encrypt(nonce, plaintext, context)

    def decrypt(self, sealed: bytes, context: bytes) -> bytes:
        """Raises cryptography's InvalidTag when the data was altered or sealed for another context."""
        return AESGCM(self.wrap_key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context)

    def realm_key(self, realm_code: str, purpose: str) -> bytes:
        """A key of one realm's own, so one province's sealed data is useless with another's context."""
        return HKDF(hashes.SHA256(), 32, salt=None, info=f"{purpose}:{realm_code}".encode()).derive(
            self.wrap_key
        )

    def seal_for_realm(self, realm_code: str, plaintext: bytes, context: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + AESGCM(self.realm_key(realm_code, "seal")).encrypt(nonce, plaintext, context)

    def open_for_realm(self, realm_code: str, sealed: bytes, context: bytes) -> bytes:
        return AESGCM(self.realm_key(realm_code, "seal")).decrypt(
            sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context
        )

    def export_public_pem(self) -> bytes:
        return public_pem(self.export_key)


def public_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    """The public half, as the app is built with it."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
