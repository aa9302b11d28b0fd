"""Publishing keys: certificate → rules → transform → store, and the revision token handed back."""

from __future__ import annotations

import base64
import binascii
import secrets
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from sqlalchemy import select
from sqlalchemy.orm import Session

from bluezone.authority.certificates import verify_certificate
from bluezone.keyserver.rules import MAX_KEYS, PublishRejected, Submission, SubmittedKey, validate
from bluezone.protocol.exposure_key import ReportType
from bluezone.protocol.intervals import INTERVAL_SECONDS, ROLLING_PERIOD, day_start_interval
from bluezone.store.inserts import insert_ignoring_duplicates
from bluezone.store.models import CheckInReport, Exposure, PublishEvent
from bluezone.store.secrets import NONCE_BYTES, TAG_BYTES, ServerSecrets

HOUR = 3600
REVISION_ENTRY = struct.Struct("<16sIB")  # key, rolling start, rolling period

REPORT_TYPES = {
    "confirmed": ReportType.CONFIRMED_TEST,
    "likely": ReportType.CONFIRMED_CLINICAL_DIAGNOSIS,
    "negative": ReportType.REVOKED,
    "close-contact": ReportType.RECURSIVE,  # an F1 asked to upload: their contacts become F2
    "self-report": ReportType.SELF_REPORT,  # a positive rapid test, the number confirmed by text
}
RISKY_VENUE_REPORTS = (ReportType.CONFIRMED_TEST, ReportType.CONFIRMED_CLINICAL_DIAGNOSIS)
# Transmission risk for keys sent without one, by report type (as the GAEN key server fills it in).
DEFAULT_TRANSMISSION_RISK = {"confirmed": 2, "likely": 4, "negative": 6, "close-contact": 0, "self-report": 4}


# Which report types a later test may turn a published key into (each key changes at most once).
ALLOWED_REVISIONS = {
    ReportType.CONFIRMED_CLINICAL_DIAGNOSIS: {ReportType.CONFIRMED_TEST, ReportType.REVOKED},
    ReportType.RECURSIVE: {
        ReportType.CONFIRMED_TEST,
        ReportType.CONFIRMED_CLINICAL_DIAGNOSIS,
        ReportType.REVOKED,
    },
    ReportType.SELF_REPORT: {
        ReportType.CONFIRMED_TEST,
        ReportType.CONFIRMED_CLINICAL_DIAGNOSIS,
        ReportType.REVOKED,
    },
}


@dataclass(frozen=True)
class Publication:
    keys: list[SubmittedKey]
    health_authority_id: str
    certificate: str
    hmac_key: bytes
    revision_token: str | None = None
    check_ins: list[bytes] = field(default_factory=list)  # serialised CheckInProtectedReports


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


def publish(session: Session, secrets_: ServerSecrets, request: Publication, now: int) -> PublishResult:
    claims = verify_certificate(session, request.certificate, request.health_authority_id, now)
    if claims.report_type not in REPORT_TYPES:
        raise PublishRejected(f"unknown report type {claims.report_type!r}", code="bad_report_type")
    validate(Submission(request.keys, request.hmac_key, claims, now // INTERVAL_SECONDS, request.check_ins))
    onset_day = (
        None if claims.symptom_onset_interval is None else day_start_interval(claims.symptom_onset_interval)
    )
    report_type = REPORT_TYPES[claims.report_type]

    def days_since_onset(key: SubmittedKey) -> int | None:
        return (
            None
            if onset_day is None
            else (day_start_interval(key.rolling_start) - onset_day) // ROLLING_PERIOD
        )

    submitted = [k.key_data for k in request.keys]
    known = {r.key_data: r for r in session.scalars(select(Exposure).where(Exposure.key_data.in_(submitted)))}
    revised = _revise(
        secrets_, request, known, report_type=report_type, days_since_onset=days_since_onset, now=now
    )
    rows = [
        {
            "key_data": key.key_data,
            "rolling_start": key.rolling_start,
            "rolling_period": key.rolling_period,
            "transmission_risk": key.transmission_risk or DEFAULT_TRANSMISSION_RISK[claims.report_type],
            "report_type": int(report_type),
            "days_since_onset": days_since_onset(key),
            "realm_id": claims.realm_id,
            "created_at": available_at(key.rolling_start, key.rolling_period, now),
        }
        for key in request.keys
        if key.key_data not in known
    ]
    inserted = insert_ignoring_duplicates(session, Exposure, rows, ["key_data"])
    if report_type in RISKY_VENUE_REPORTS:  # a close contact's stays put nobody at risk
        next_hour = now - now % HOUR + HOUR
        session.add_all(
            CheckInReport(realm_id=claims.realm_id, report=data, available_at=next_hour)
            for data in request.check_ins
        )
    today = now // 86_400
    session.add(
        PublishEvent(
            realm_id=claims.realm_id,
            day=today,
            keys=len(request.keys),
            key_ages=" ".join(str(today - k.rolling_start // ROLLING_PERIOD) for k in request.keys),
            onset_to_upload=None if onset_day is None else today - onset_day // ROLLING_PERIOD,
        )
    )
    return PublishResult(inserted + revised, revision_token(secrets_, request.keys))


def _revise(
    secrets_: ServerSecrets,
    request: Publication,
    known: dict[bytes, Exposure],
    *,
    report_type: ReportType,
    days_since_onset: Callable[[SubmittedKey], int | None],
    now: int,
) -> int:
    """Apply a later test to keys published before; the revision token must cover every one of them."""
    if not known:
        return 0
    if not request.revision_token:
        raise PublishRejected(
            "some keys were published before: send the revision token", code="missing_revision_token"
        )
    try:
        covered = {key for key, _, _ in read_revision_token(secrets_, request.revision_token)}
    except (InvalidTag, ValueError, IndexError, struct.error, binascii.Error):
        raise PublishRejected("the revision token is not valid", code="invalid_revision_token") from None
    for key in request.keys:
        row = known.get(key.key_data)
        if row is None:
            continue
        if key.key_data not in covered:
            raise PublishRejected(
                "the revision token does not cover these keys", code="invalid_revision_token"
            )
        if row.revised_at is not None:
            raise PublishRejected("a key can be revised only once", code="key_already_revised")
        if report_type not in ALLOWED_REVISIONS.get(ReportType(row.report_type), set()):
            raise PublishRejected(
                f"a {ReportType(row.report_type).name} key cannot become {report_type.name}",
                code="invalid_report_type_transition",
            )
        row.revised_report_type = int(report_type)
        row.revised_days_since_onset = days_since_onset(key)
        row.revised_at = available_at(row.rolling_start, row.rolling_period, now)
    return len(known)


def revision_token(secrets_: ServerSecrets, keys: list[SubmittedKey]) -> str:
    """An encrypted list of the keys just published, which a later revision must present. Fixed-width
    entries padded to the most keys a request may carry, so every token has the same size."""
    entries = [REVISION_ENTRY.pack(k.key_data, k.rolling_start, k.rolling_period) for k in keys]
    entries += [REVISION_ENTRY.pack(bytes(16), 0, 0)] * (MAX_KEYS - len(entries))
    sealed = secrets_.encrypt(bytes([len(keys)]) + b"".join(entries), b"revision-token")
    return base64.b64encode(sealed).decode()


def imitation_revision_token() -> str:
    """What chaff gets: random bytes of a sealed token's exact size, so both encode to the same length."""
    sealed_bytes = NONCE_BYTES + 1 + MAX_KEYS * REVISION_ENTRY.size + TAG_BYTES
    return base64.b64encode(secrets.token_bytes(sealed_bytes)).decode()


def read_revision_token(secrets_: ServerSecrets, token: str) -> list[tuple[bytes, int, int]]:
    """(key, rolling start, rolling period) of each key a token covers; raises InvalidTag when forged."""
    plain = secrets_.decrypt(base64.b64decode(token), b"revision-token")
    size = REVISION_ENTRY.size
    return [REVISION_ENTRY.unpack_from(plain, 1 + i * size) for i in range(plain[0])]
