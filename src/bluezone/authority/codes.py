"""One-time codes: a case worker issues one to a confirmed case (F0) or to a close contact asked to upload
(F1, `close-contact`); the phone trades it for a token, then the token and its keys' MAC for a certificate.

Codes are stored only as keyed hashes and are single use. A used, expired and unknown code get the same
answer; a client that keeps guessing waits out the hour (guessing.py), and a realm issues at most its daily
quota of codes.
"""

from __future__ import annotations

import csv
import io
import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from bluezone.authority import guessing
from bluezone.clock import day_start, local_date
from bluezone.config import Settings
from bluezone.errors import BluezoneError, InvalidInput, RateLimited
from bluezone.protocol.sms import international
from bluezone.store.models import ApiKey, Realm, VerificationCode, VerifyFailures
from bluezone.store.secrets import ServerSecrets

TEST_TYPES = ("confirmed", "likely", "negative", "close-contact")  # what a case worker may issue
SELF_REPORT = "self-report"  # a positive rapid test the person reported, their number confirmed by text
SHORT_CODE_DIGITS = 8
LONG_CODE_LENGTH = 16
LONG_CODE_ALPHABET = string.ascii_lowercase + string.digits
MAX_DATE_AGE_DAYS = 28


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: int
    long_code: str
    long_expires_at: int


@dataclass(frozen=True)
class VerifiedCode:
    """What the phone learns from a valid code."""

    code_id: int
    realm_code: str
    test_type: str
    symptom_date: str | None
    test_date: str | None


def parse_recent_date(value: str | None, what: str, today: date) -> str | None:
    if value in (None, ""):
        return None
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{what} must be YYYY-MM-DD, got {value!r}", code="bad_date") from None
    if day > today + timedelta(days=1):  # a day of slack for time zones east of UTC
        raise InvalidInput(f"{what} {day} is in the future", code="date_in_future")
    if day < today - timedelta(days=MAX_DATE_AGE_DAYS):
        raise InvalidInput(f"{what} {day} is more than {MAX_DATE_AGE_DAYS} days ago", code="date_too_old")
    return day.isoformat()


def issue_code(
    session: Session,
    secrets_: ServerSecrets,
    settings: Settings,
    realm: Realm,
    *,
    test_type: str,
    symptom_date: str | None,
    test_date: str | None,
    phone: str | None,
    now: int,
    source: str = "case_worker",
) -> IssuedCode:
    """Make a short (8 digits) and a long (16 characters) code for one person. The phone number, if any,
    is only checked for form: it is where the text goes, and it is not stored. A case worker's codes count
    against the realm's daily quota; a self-report's have a quota of their own (self_reports.py)."""
    allowed = (SELF_REPORT,) if source == "self_report" else TEST_TYPES
    if test_type not in allowed:
        raise InvalidInput(f"testType must be one of {', '.join(allowed)}", code="bad_test_type")
    today = datetime.fromtimestamp(now, tz=UTC).date()
    symptom = parse_recent_date(symptom_date, "symptomDate", today)
    test = parse_recent_date(test_date, "testDate", today)
    if symptom is None and test is None:
        raise InvalidInput("give a symptom date or a test date", code="missing_date")
    if phone:
        international(phone)  # checked before anything is stored: where the text will go
    if source == "case_worker" and issued_today(session, realm, now) >= settings.codes_per_realm_per_day:
        raise RateLimited(
            f"this health department has issued its {settings.codes_per_realm_per_day:,} codes for today",
            code="code_quota",
        )
    short = _unused_short_code(session, secrets_, now)
    long = "".join(secrets.choice(LONG_CODE_ALPHABET) for _ in range(LONG_CODE_LENGTH))
    issued = IssuedCode(
        code=short,
        expires_at=now + settings.short_code_minutes * 60,
        long_code=long,
        long_expires_at=now + settings.long_code_hours * 3600,
    )
    session.add(
        VerificationCode(
            realm_id=realm.id,
            short_hash=secrets_.keyed_hash("code", short),
            long_hash=secrets_.keyed_hash("code", long),
            test_type=test_type,
            symptom_date=symptom,
            test_date=test,
            issued_at=now,
            short_expires_at=issued.expires_at,
            long_expires_at=issued.long_expires_at,
            expired_by_hand=False,
            source=source,
        )
    )
    return issued


@dataclass(frozen=True)
class CodeRequest:
    test_type: str
    symptom_date: str | None
    test_date: str | None
    phone: str | None


class BatchRefused(InvalidInput):
    """Some codes of a batch could not be issued, so none was: `problems` names each by its place."""

    code = "batch_refused"

    def __init__(self, problems: list[tuple[int, BluezoneError]]) -> None:
        super().__init__(f"{len(problems)} of the codes cannot be issued; none was")
        self.problems = problems


MAX_TABLE_CODES = 1000


def parse_code_table(text: str) -> list[CodeRequest]:
    """A list of cases as CSV (or XLSX read as CSV) with the column phone and, as needed, test_type
    (confirmed if empty), symptom_date, test_date; each request is checked when its code is issued."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    if reader.fieldnames is None or "phone" not in [f.strip() for f in reader.fieldnames]:
        raise InvalidInput("the table needs at least the column phone", code="bulk_columns")
    rows = [
        {
            k.strip(): (v or "").strip()
            for k, v in row.items()
            if isinstance(k, str) and not isinstance(v, list)
        }
        for row in reader
        if any(v.strip() for v in row.values() if isinstance(v, str))
    ]
    if len(rows) > MAX_TABLE_CODES:
        raise InvalidInput(
            f"at most {MAX_TABLE_CODES:,} codes a table",
            code="bulk_too_many",
            values={"most": MAX_TABLE_CODES},
        )
    return [
        CodeRequest(
            row.get("test_type") or "confirmed",
            row.get("symptom_date") or None,
            row.get("test_date") or None,
            row.get("phone") or None,
        )
        for row in rows
    ]


def issue_many(
    session: Session,
    secrets_: ServerSecrets,
    settings: Settings,
    realm: Realm,
    requests: Sequence[CodeRequest],
    *,
    now: int,
    first_line: int = 1,
) -> list[IssuedCode]:
    """A batch of codes (a hospital's list of cases): the day's quota taken for all of them first, every
    one checked, and all issued or none (`BatchRefused` naming each bad one by line)."""
    left = settings.codes_per_realm_per_day - issued_today(session, realm, now)
    if len(requests) > left:
        raise RateLimited(
            f"this health department has {max(left, 0):,} codes left for today",
            code="code_quota",
            values={"left": max(left, 0)},
        )
    issued, problems = [], []
    for line, request in enumerate(requests, start=first_line):
        try:
            issued.append(
                issue_code(
                    session,
                    secrets_,
                    settings,
                    realm,
                    test_type=request.test_type,
                    symptom_date=request.symptom_date,
                    test_date=request.test_date,
                    phone=request.phone,
                    now=now,
                )
            )
        except BluezoneError as error:
            problems.append((line, error))
    if problems:
        raise BatchRefused(problems)
    return issued


def issued_today(session: Session, realm: Realm, now: int, source: str = "case_worker") -> int:
    """Codes of one source (case workers', self-reports') the realm issued since midnight in Viet Nam."""
    since = day_start(local_date(now))
    counted = session.scalar(
        select(func.count())
        .select_from(VerificationCode)
        .where(
            VerificationCode.realm_id == realm.id,
            VerificationCode.issued_at >= since,
            VerificationCode.source == source,
        )
    )
    return int(counted or 0)


def _active(now: int) -> ColumnElement[bool]:
    return (
        (VerificationCode.claimed_at.is_(None))
        & (~VerificationCode.expired_by_hand)
        & (VerificationCode.long_expires_at > now)
    )


def _unused_short_code(session: Session, secrets_: ServerSecrets, now: int) -> str:
    """An 8-digit code no active code has: 10^8 codes recur over weeks, but never while both are live."""
    for _ in range(20):
        short = "".join(secrets.choice(string.digits) for _ in range(SHORT_CODE_DIGITS))
        clash = select(VerificationCode.id).where(
            VerificationCode.short_hash == secrets_.keyed_hash("code", short), _active(now)
        )
        if session.scalar(clash) is None:
            return short
    raise RuntimeError("no free short code after 20 draws")  # 10^8 codes, a few thousand live: unreachable


def verify_code(
    session: Session,
    secrets_: ServerSecrets,
    settings: Settings,
    api_key: ApiKey,
    *,
    code: str,
    client: str,
    now: int,
) -> VerifiedCode | None:
    """Claim a code for a client (its address). None means "not a valid code" whatever the reason; the caller
    answers alike."""
    who = guessing.client_id(secrets_, client)
    guessing.check_client(session, settings, who, now)
    code = code.strip().lower()
    digest = secrets_.keyed_hash("code", code)
    is_short = code.isdigit() and len(code) == SHORT_CODE_DIGITS
    column = VerificationCode.short_hash if is_short else VerificationCode.long_hash
    row = session.scalar(
        select(VerificationCode)
        .where(column == digest, _active(now))
        .order_by(VerificationCode.id.desc())
        .with_for_update()
    )
    expires = None if row is None else (row.short_expires_at if is_short else row.long_expires_at)
    if (
        row is None
        or expires is None
        or now >= expires
        or row.claimed_at is not None
        or row.expired_by_hand
        or row.realm_id != api_key.realm_id
    ):
        guessing.count_wrong(session, settings, api_key, who, now)
        return None
    row.claimed_at = now
    realm = session.get(Realm, row.realm_id)
    assert realm is not None
    return VerifiedCode(row.id, realm.code, row.test_type, row.symptom_date, row.test_date)


def expire_code(session: Session, secrets_: ServerSecrets, realm_id: int, code: str) -> bool:
    """A case worker withdraws a code (given wrongly, or to the wrong person)."""
    digest = secrets_.keyed_hash("code", code.strip().lower())
    row = session.scalar(
        select(VerificationCode).where(
            (VerificationCode.short_hash == digest) | (VerificationCode.long_hash == digest),
            VerificationCode.realm_id == realm_id,
        )
    )
    if row is None or row.claimed_at is not None:
        return False
    row.expired_by_hand = True
    return True


def purge_codes(session: Session, before: int) -> int:
    """Delete codes issued, and guessing counts kept, before the retention cutoff."""
    deleted = session.execute(delete(VerificationCode).where(VerificationCode.issued_at < before)).rowcount  # type: ignore[attr-defined]
    deleted += session.execute(delete(VerifyFailures).where(VerifyFailures.hour < before // 3600)).rowcount  # type: ignore[attr-defined]
    return int(deleted)
