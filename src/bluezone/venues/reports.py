"""Protected check-in reports: a stay at a venue, encrypted so that only phones (and case workers) holding the
venue's QR code can read it; the server stores and publishes what it cannot read.

The scheme is Corona-Warn-App's (its test vectors pass): keys from the venue's location ID,
AES-256-CBC with PKCS#7 and a random IV, HMAC-SHA256 over IV ‖ ciphertext, the venue named only by the
SHA-256 of its location ID. The MAC is checked before anything is decrypted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from google.protobuf.message import DecodeError

from bluezone.errors import FormatError, SignatureError
from bluezone.venues import venues_pb2

ENCRYPTION_KEY_PREFIX = b"CWA-ENCRYPTION-KEY"
MAC_KEY_PREFIX = b"CWA-MAC-KEY"
IV_BYTES = 16
MAX_RISK_LEVEL = 8


@dataclass(frozen=True)
class Stay:
    start_interval: int  # 10-minute intervals since the epoch
    period: int  # in 10-minute intervals
    transmission_risk: int

    @property
    def end_interval(self) -> int:
        return self.start_interval + self.period


def encryption_key(location_id: bytes) -> bytes:
    return hashlib.sha256(ENCRYPTION_KEY_PREFIX + location_id).digest()


def mac_key(location_id: bytes) -> bytes:
    return hashlib.sha256(MAC_KEY_PREFIX + location_id).digest()


def location_id_hash(location_id: bytes) -> bytes:
    return hashlib.sha256(location_id).digest()


def mac(location_id: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    return hmac.digest(mac_key(location_id), iv + ciphertext, hashlib.sha256)


def protect(location_id: bytes, stay: Stay, iv: bytes | None = None) -> venues_pb2.CheckInProtectedReport:
    if stay.period < 1 or not 0 <= stay.transmission_risk <= MAX_RISK_LEVEL:
        raise FormatError("a stay needs a period and a transmission risk of 0 to 8", code="bad_stay")
    iv = iv if iv is not None else secrets.token_bytes(IV_BYTES)
    record = venues_pb2.CheckInRecord(
        start_interval_number=stay.start_interval,
        period=stay.period,
        transmission_risk_level=stay.transmission_risk,
    ).SerializeToString()
    padder = padding.PKCS7(128).padder()
    padded = padder.update(record) + padder.finalize()
    encryptor = Cipher(algorithms.AES(encryption_key(location_id)), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    return venues_pb2.CheckInProtectedReport(
        location_id_hash=location_id_hash(location_id),
        iv=iv,
        encrypted_check_in_record=ciphertext,
        mac=mac(location_id, iv, ciphertext),
    )


def unprotect(location_id: bytes, report: venues_pb2.CheckInProtectedReport) -> Stay:
    """The stay inside a report for this venue; the MAC is checked first."""
    if report.location_id_hash != location_id_hash(location_id):
        raise SignatureError("the report is for another venue", code="other_venue")
    if (
        len(report.iv) != IV_BYTES
        or not report.encrypted_check_in_record
        or len(report.encrypted_check_in_record) % 16
    ):
        raise FormatError("the report's IV or ciphertext has the wrong length", code="bad_report")
    expected = mac(location_id, report.iv, report.encrypted_check_in_record)
    if not hmac.compare_digest(expected, report.mac):
        raise SignatureError("the report's MAC does not match: altered or forged", code="bad_mac")
    decryptor = Cipher(algorithms.AES(encryption_key(location_id)), modes.CBC(report.iv)).decryptor()
    padded = decryptor.update(report.encrypted_check_in_record) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
        record = venues_pb2.CheckInRecord.FromString(plain)
    except (ValueError, DecodeError):
        raise FormatError("the report does not decrypt to a check-in record", code="bad_report") from None
    return Stay(record.start_interval_number, record.period, record.transmission_risk_level)
