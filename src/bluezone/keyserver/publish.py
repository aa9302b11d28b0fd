"""Publishing keys: certificate → rules → transform → store, and the revision token handed back."""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bluezone.authority.certificates import verify_certificate
from bluezone.authority.secrets import ServerSecrets
from bluezone.keyserver.rules import MAX_KEYS, PublishRejected, Submission, SubmittedKey, validate
from bluezone.protocol.exposure_key import ReportType
from bluezone.protocol.intervals import INTERVAL_SECONDS, ROLLING_PERIOD, day_start_interval
from bluezone.store.inserts import insert_ignoring_duplicates
from bluezone.store.models import Exposure

HOUR = 3600
REVISION_ENTRY = struct.Struct("<16sIB")  # key, rolling start, rolling period

REPORT_TYPES = {
    "confirmed": ReportType.CONFIRMED_TEST,
    "likely": ReportType.CONFIRMED_CLINICAL_DIAGNOSIS,
    "negative": ReportType.REVOKED,
    "close-contact": ReportType.RECURSIVE,  # an F1 asked to upload: their contacts become F2
}
# Transmission risk for keys sent without one, by report type (as the GAEN key server fills it in).
DEFAULT_TRANSMISSION_RISK = {"confirmed": 2, "likely": 4, "negative": 6, "close-contact": 0}


@dataclass(frozen=True)
class PublishRequest:
    keys: list[SubmittedKey]
    health_authority_id: str
    certificate: str
    hmac_key: bytes


@dataclass(frozen=True)
class PublishResult:
    inserted: int
    revision_token: str


def available_at(rolling_start: int, rolling_period: int, now: int) -> int:
    """When a key may enter an export: the current hour, or after the key stops being valid (embargo)."""
    hour = now - now % HOUR
    valid_until = (rolling_start + rolling_period) * INTERVAL_SECONDS
    if valid_until > now:
        return -(-valid_until // HOUR) * HOUR  # the first hour boundary at or after expiry
    return hour


def publish(session: Session, secrets_: ServerSecrets, request: PublishRequest, now: int) -> PublishResult:
    claims = verify_certificate(session, request.certificate, request.health_authority_id, now)
    if claims.report_type not in REPORT_TYPES:
        raise PublishRejected(f"unknown report type {claims.report_type!r}", code="bad_report_type")
    validate(Submission(request.keys, request.hmac_key, claims, now // INTERVAL_SECONDS))
    onset_day = (
        None if claims.symptom_onset_interval is None else day_start_interval(claims.symptom_onset_interval)
    )
    rows = [
        {
            "key_data": key.key_data,
            "rolling_start": key.rolling_start,
            "rolling_period": key.rolling_period,
            "transmission_risk": key.transmission_risk or DEFAULT_TRANSMISSION_RISK[claims.report_type],
            "report_type": int(REPORT_TYPES[claims.report_type]),
            "days_since_onset": (
                None
                if onset_day is None
                else (day_start_interval(key.rolling_start) - onset_day) // ROLLING_PERIOD
            ),
            "realm_id": claims.realm_id,
            "created_at": available_at(key.rolling_start, key.rolling_period, now),
        }
        for key in request.keys
    ]
    inserted = insert_ignoring_duplicates(session, Exposure, rows, ["key_data"])
    return PublishResult(inserted, revision_token(secrets_, request.keys))


def revision_token(secrets_: ServerSecrets, keys: list[SubmittedKey]) -> str:
    """An encrypted list of the keys just published, which a later revision must present. Fixed-width
    entries padded to the most keys a request may carry, so every token has the same size."""
    entries = [REVISION_ENTRY.pack(k.key_data, k.rolling_start, k.rolling_period) for k in keys]
    entries += [REVISION_ENTRY.pack(bytes(16), 0, 0)] * (MAX_KEYS - len(entries))
    sealed = secrets_.encrypt(bytes([len(keys)]) + b"".join(entries), b"revision-token")
    return base64.b64encode(sealed).decode()


def read_revision_token(secrets_: ServerSecrets, token: str) -> list[tuple[bytes, int, int]]:
    """(key, rolling start, rolling period) of each key a token covers; raises InvalidTag when forged."""
    plain = secrets_.decrypt(base64.b64decode(token), b"revision-token")
    size = REVISION_ENTRY.size
    return [REVISION_ENTRY.unpack_from(plain, 1 + i * size) for i in range(plain[0])]
