"""Publish validation as a pipeline of small named rules, each checkable alone.

A rule takes the submission and raises `PublishRejected` with a stable code; `validate` runs them in order.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from google.protobuf.message import DecodeError

from bluezone.authority.certificates import CertificateClaims
from bluezone.errors import InvalidInput
from bluezone.protocol import tekmac
from bluezone.protocol.exposure_key import MAX_DAYS_SINCE_ONSET, ExposureKey
from bluezone.protocol.intervals import ROLLING_PERIOD, day_start_interval
from bluezone.venues import venues_pb2

MAX_KEYS = 30
MAX_KEY_AGE_DAYS = 15
MAX_KEYS_PER_START = 3
MAX_CHECK_INS = 100


class PublishRejected(InvalidInput):
    code = "bad_request"


@dataclass(frozen=True)
class SubmittedKey:
    key_data: bytes
    rolling_start: int
    rolling_period: int
    transmission_risk: int

    def as_exposure_key(self) -> ExposureKey:
        return ExposureKey(self.key_data, self.rolling_start, self.rolling_period, self.transmission_risk)


@dataclass(frozen=True)
class Submission:
    keys: list[SubmittedKey]
    hmac_key: bytes
    claims: CertificateClaims
    now_interval: int
    check_ins: list[bytes] = field(default_factory=list)  # serialised CheckInProtectedReports


Rule = Callable[[Submission], None]


def key_count(sub: Submission) -> None:
    if not 1 <= len(sub.keys) <= MAX_KEYS:
        raise PublishRejected(f"send 1 to {MAX_KEYS} keys, not {len(sub.keys)}", code="bad_key_count")


def key_length(sub: Submission) -> None:
    for i, key in enumerate(sub.keys):
        if len(key.key_data) != 16:
            raise PublishRejected(f"key {i} is {len(key.key_data)} bytes, not 16", code="bad_key_length")


def distinct_keys(sub: Submission) -> None:
    """A key sent twice is a client's mistake, not two keys: refused by name rather than stored once."""
    first_seen: dict[bytes, int] = {}
    for i, key in enumerate(sub.keys):
        if key.key_data in first_seen:
            raise PublishRejected(f"key {i} repeats key {first_seen[key.key_data]}", code="duplicate_key")
        first_seen[key.key_data] = i


def rolling_period_range(sub: Submission) -> None:
    for i, key in enumerate(sub.keys):
        if not 1 <= key.rolling_period <= ROLLING_PERIOD:
            raise PublishRejected(
                f"key {i}: rolling period {key.rolling_period} out of 1..144", code="bad_rolling_period"
            )


def transmission_risk_range(sub: Submission) -> None:
    for i, key in enumerate(sub.keys):
        if not 0 <= key.transmission_risk <= 8:
            raise PublishRejected(f"key {i}: transmission risk out of 0..8", code="bad_transmission_risk")


def not_in_future(sub: Submission) -> None:
    for i, key in enumerate(sub.keys):
        if key.rolling_start > sub.now_interval:
            raise PublishRejected(f"key {i} starts in the future", code="key_in_future")


def not_too_old(sub: Submission) -> None:
    oldest = sub.now_interval - MAX_KEY_AGE_DAYS * ROLLING_PERIOD
    for i, key in enumerate(sub.keys):
        if key.rolling_start + key.rolling_period <= oldest:
            raise PublishRejected(
                f"key {i} expired more than {MAX_KEY_AGE_DAYS} days ago", code="key_too_old"
            )


def max_keys_per_start(sub: Submission) -> None:
    start, count = Counter(k.rolling_start for k in sub.keys).most_common(1)[0]
    if count > MAX_KEYS_PER_START:
        raise PublishRejected(
            f"{count} keys start at interval {start}; at most {MAX_KEYS_PER_START}",
            code="too_many_keys_per_interval",
        )


def no_overlap(sub: Submission) -> None:
    """Keys may share a start interval (a key replaced the same day); otherwise they must not overlap."""
    ordered = sorted(sub.keys, key=lambda k: k.rolling_start)
    for earlier, later in itertools.pairwise(ordered):
        if later.rolling_start != earlier.rolling_start and later.rolling_start < earlier.rolling_start + (
            earlier.rolling_period
        ):
            raise PublishRejected("keys overlap in time", code="keys_overlap")


def tekmac_matches(sub: Submission) -> None:
    """The certificate was issued for exactly these keys."""
    keys = [k.as_exposure_key() for k in sub.keys]
    if not tekmac.verify(sub.hmac_key, keys, sub.claims.tekmac, sub.check_ins):
        raise PublishRejected("the certificate was not issued for these keys", code="certificate_mismatch")


def onset_in_range(sub: Submission) -> None:
    onset = sub.claims.symptom_onset_interval
    if onset is None:
        return
    for i, key in enumerate(sub.keys):
        days = (day_start_interval(key.rolling_start) - day_start_interval(onset)) // ROLLING_PERIOD
        if abs(days) > MAX_DAYS_SINCE_ONSET:
            raise PublishRejected(
                f"key {i} is {days} days from symptom onset; at most 14", code="onset_out_of_range"
            )


def check_in_reports(sub: Submission) -> None:
    """At most a fortnight of stays, each a well-formed protected report (what it says stays unreadable)."""
    if len(sub.check_ins) > MAX_CHECK_INS:
        raise PublishRejected(f"send at most {MAX_CHECK_INS} check-ins", code="bad_check_in_count")
    for i, data in enumerate(sub.check_ins):
        try:
            report = venues_pb2.CheckInProtectedReport.FromString(data)
        except DecodeError:
            raise PublishRejected(f"check-in {i} is not a protected report", code="bad_check_in") from None
        ciphertext = len(report.encrypted_check_in_record)
        if (
            len(report.location_id_hash) != 32
            or len(report.iv) != 16
            or len(report.mac) != 32
            or not 16 <= ciphertext <= 64
            or ciphertext % 16
        ):
            raise PublishRejected(f"check-in {i} has fields of the wrong length", code="bad_check_in")


RULES: list[tuple[str, Rule]] = [
    ("key_count", key_count),
    ("key_length", key_length),
    ("distinct_keys", distinct_keys),
    ("rolling_period_range", rolling_period_range),
    ("transmission_risk_range", transmission_risk_range),
    ("check_in_reports", check_in_reports),
    ("tekmac_matches", tekmac_matches),
    ("not_in_future", not_in_future),
    ("not_too_old", not_too_old),
    ("max_keys_per_start", max_keys_per_start),
    ("no_overlap", no_overlap),
    ("onset_in_range", onset_in_range),
]


def validate(sub: Submission) -> None:
    for _name, rule in RULES:
        rule(sub)
