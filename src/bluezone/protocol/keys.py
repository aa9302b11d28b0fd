"""TEK → RPIK → RPI and AEMK → AEM, as the Exposure Notification crypto spec v1.2 defines them.

Single-key functions for clarity; `backend` holds the batch versions used for bulk work.
"""

from __future__ import annotations

import secrets
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bluezone.errors import InvalidInput
from bluezone.protocol.intervals import ROLLING_PERIOD

KEY_LENGTH = 16
RPIK_INFO = b"EN-RPIK"
AEMK_INFO = b"EN-AEMK"
RPI_PREFIX = b"EN-RPI" + bytes(6)


def check_key(key: bytes, what: str = "key") -> bytes:
    if len(key) != KEY_LENGTH:
        raise InvalidInput(f"{what} must be {KEY_LENGTH} bytes, got {len(key)}", code="bad_key_length")
    return key


def check_rolling_period(period: int) -> int:
    if not 1 <= period <= ROLLING_PERIOD:
        raise InvalidInput(f"rolling period {period} out of 1..{ROLLING_PERIOD}", code="bad_rolling_period")
    return period


def _hkdf(tek: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_LENGTH, salt=None, info=info).derive(
        check_key(tek, "TEK")
    )


def rpik(tek: bytes) -> bytes:
    """Rolling Proximity Identifier Key."""
    return _hkdf(tek, RPIK_INFO)


def aemk(tek: bytes) -> bytes:
    """Associated Encrypted Metadata Key."""
    return _hkdf(tek, AEMK_INFO)


def padded_data(interval: int) -> bytes:
    return RPI_PREFIX + struct.pack("<I", interval)


def rpi(rpi_key: bytes, interval: int) -> bytes:
    """Rolling Proximity Identifier for one 10-minute interval."""
    encryptor = Cipher(algorithms.AES(check_key(rpi_key, "RPIK")), modes.ECB()).encryptor()
    return encryptor.update(padded_data(interval)) + encryptor.finalize()


def aem(aem_key: bytes, rolling_id: bytes, metadata: bytes) -> bytes:
    """Encrypt (or, being CTR, decrypt) the 4-byte metadata with the RPI as the counter block."""
    cipher = Cipher(algorithms.AES(check_key(aem_key, "AEMK")), modes.CTR(check_key(rolling_id, "RPI")))
    encryptor = cipher.encryptor()
    return encryptor.update(metadata) + encryptor.finalize()


def new_tek() -> bytes:
    """A fresh Temporary Exposure Key from the operating system's CSPRNG."""
    return secrets.token_bytes(KEY_LENGTH)


@dataclass(frozen=True, slots=True)
class DerivedIds:
    """What one TEK broadcasts over its validity: per interval, the RPI and the AEM."""

    rpik: bytes
    aemk: bytes
    ids: list[tuple[int, bytes, bytes]]  # (interval, rpi, aem)


def derive_ids(tek: bytes, start_interval: int, count: int, metadata: bytes) -> DerivedIds:
    check_rolling_period(count)
    rk, ak = rpik(tek), aemk(tek)
    ids = []
    for interval in range(start_interval, start_interval + count):
        rolling_id = rpi(rk, interval)
        ids.append((interval, rolling_id, aem(ak, rolling_id, metadata)))
    return DerivedIds(rk, ak, ids)
