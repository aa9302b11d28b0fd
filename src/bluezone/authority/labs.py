"""Lab results to the app, with no phone call: a sample's form carries a QR code of its sample id; the
phone registers the id's SHA-256 (never the id), the lab sends the result under the id, and the phone's
next poll finds it. A positive result is an upload authorisation: a claimed code of source `lab`, handed
to the phone as a verification token with the sample date as the test date.

The server keeps only keyed hashes of the sample id's hash and of the phone's registration token, so its
rows link no person to a result; both kinds of row are deleted `lab_retention_days` after they arrive.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bluezone.authority import guessing
from bluezone.authority.certificates import make_token
from bluezone.authority.codes import VerifiedCode, parse_recent_date
from bluezone.clock import day_start, local_date
from bluezone.config import Settings
from bluezone.errors import BluezoneError, Conflict, InvalidInput, NotFound, RateLimited
from bluezone.protocol.samples import sample_hash
from bluezone.store.models import (
    ApiKey,
    AuditEntry,
    Lab,
    LabResult,
    Realm,
    SampleRegistration,
    VerificationCode,
)
from bluezone.store.secrets import ServerSecrets

SAMPLE_HASH = re.compile(r"^[0-9a-f]{64}$")
# What labs write in a spreadsheet, in either language, for each result.
RESULT_WORDS = {
    "positive": "positive",
    "dương tính": "positive",
    "negative": "negative",
    "âm tính": "negative",
    "invalid": "invalid",
    "không xác định": "invalid",
}
COLUMNS = ("sample_id", "result", "sample_date")
MAX_RESULTS_PER_REQUEST = 1000
MAX_LAB_NAME = 200


def _sample_key(secrets_: ServerSecrets, hashed: str) -> bytes:
    return secrets_.keyed_hash("sample", hashed)


# ------------------------------------------------------------------ labs


def create_lab(session: Session, realm: Realm, name: str, now: int) -> Lab:
    name = " ".join(name.split())
    if not 3 <= len(name) <= MAX_LAB_NAME:
        raise InvalidInput(f"a lab's name is 3 to {MAX_LAB_NAME} characters", code="bad_lab_name")
    if session.scalar(select(Lab).where(Lab.realm_id == realm.id, Lab.name == name)) is not None:
        raise Conflict(f"the lab {name!r} exists already", code="lab_exists")
    lab = Lab(realm_id=realm.id, name=name, created_at=now)
    session.add(lab)
    session.flush()
    return lab


def labs_of(session: Session, realm: Realm) -> list[Lab]:
    return list(session.scalars(select(Lab).where(Lab.realm_id == realm.id).order_by(Lab.name)))


def lab_of(session: Session, realm: Realm, lab_id: int | None) -> Lab:
    lab = None if lab_id is None else session.get(Lab, lab_id)
    if lab is None or lab.realm_id != realm.id:
        raise NotFound("no such lab in this health department", code="unknown_lab")
    return lab


def lab_of_key(session: Session, api_key: ApiKey) -> Lab:
    """The lab a lab key belongs to (a lab key is always made for one)."""
    lab = None if api_key.lab_id is None else session.get(Lab, api_key.lab_id)
    if lab is None:
        raise NotFound("this lab key belongs to no lab", code="unknown_lab")
    return lab


# ------------------------------------------------------------------ results from labs


class ResultRow(NamedTuple):
    sample_hash: str
    result: str
    sample_date: str


@dataclass
class ResultsReport:
    rows: list[ResultRow] = field(default_factory=list)
    errors: list[tuple[int, BluezoneError]] = field(default_factory=list)  # (line or item, what is wrong)


def result_row(sample_id: str, result: str, sample_date: str, now: int) -> ResultRow:
    """One result as a lab gives it, checked."""
    outcome = RESULT_WORDS.get(" ".join(result.lower().split()))
    if outcome is None:
        raise InvalidInput(
            "result must be positive, negative or invalid (dương tính, âm tính, không xác định)",
            code="bad_result",
        )
    today = datetime.fromtimestamp(now, tz=UTC).date()
    day = parse_recent_date(sample_date.strip(), "sample_date", today)
    if day is None:
        raise InvalidInput("give the day the sample was taken", code="missing_date")
    return ResultRow(sample_hash(sample_id), outcome, day)


def check_results(items: Sequence[tuple[str, str, str]], now: int, first_line: int = 1) -> ResultsReport:
    """Every item checked; a sample given twice is refused, since one of the two must be wrong."""
    report, seen = ResultsReport(), set()
    for number, (sample_id, result, sample_date) in enumerate(items, start=first_line):
        try:
            row = result_row(sample_id, result, sample_date, now)
            if row.sample_hash in seen:
                raise InvalidInput("this sample is given twice", code="sample_twice")
        except BluezoneError as error:
            report.errors.append((number, error))
            continue
        seen.add(row.sample_hash)
        report.rows.append(row)
    return report


def parse_results_table(text: str, now: int) -> ResultsReport:
    """A lab's CSV (or XLSX read as CSV): columns sample_id, result, sample_date, lines counted from the
    header's 1."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [c.strip().lower() for c in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            f"the table needs the columns {', '.join(COLUMNS)}; missing: {', '.join(missing)}",
            code="missing_result_columns",
            values={"columns": ", ".join(missing)},
        )
    where = [header.index(c) for c in COLUMNS]
    items = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        padded = values + [""] * (len(header) - len(values))
        items.append((padded[where[0]], padded[where[1]], padded[where[2]]))
    return check_results(items, now, first_line=2)


def sent_today(session: Session, lab: Lab, now: int) -> int:
    since = day_start(local_date(now))
    counted = session.scalar(
        select(func.count())
        .select_from(LabResult)
        .where(LabResult.lab_id == lab.id, LabResult.received_at >= since)
    )
    return int(counted or 0)


def record_results(
    session: Session,
    secrets_: ServerSecrets,
    settings: Settings,
    lab: Lab,
    rows: Sequence[ResultRow],
    *,
    actor: str,
    now: int,
) -> int:
    """Store checked results, all or none, and audit who sent how many. A result may be corrected until a
    phone has been given an upload authorisation on it."""
    if sent_today(session, lab, now) + len(rows) > settings.lab_results_per_day:
        raise RateLimited(
            f"this lab may send {settings.lab_results_per_day:,} results a day",
            code="lab_quota",
            values={"limit": settings.lab_results_per_day},
        )
    keys = [_sample_key(secrets_, row.sample_hash) for row in rows]
    stored = {
        r.sample_key: r for r in session.scalars(select(LabResult).where(LabResult.sample_key.in_(keys)))
    }
    authorised = set(
        session.scalars(
            select(SampleRegistration.sample_key).where(
                SampleRegistration.sample_key.in_(keys), SampleRegistration.code_id.is_not(None)
            )
        )
    )
    for key, row in zip(keys, rows, strict=True):
        if key in authorised and key in stored and stored[key].result != row.result:
            raise Conflict(
                "a positive result already let the phone share its keys; it cannot be changed",
                code="result_final",
            )
        existing = stored.get(key)
        if existing is not None and existing.lab_id != lab.id:
            raise Conflict("another lab sent this sample's result", code="other_lab")
        if existing is None:
            session.add(
                LabResult(
                    sample_key=key,
                    lab_id=lab.id,
                    result=row.result,
                    sample_date=row.sample_date,
                    received_at=now,
                )
            )
        else:
            existing.result, existing.sample_date, existing.received_at = row.result, row.sample_date, now
    session.add(
        AuditEntry(realm_id=lab.realm_id, at=now, actor=actor[:64], action=f"lab_results:{len(rows)}")
    )
    return len(rows)


# ------------------------------------------------------------------ the phone


def register_sample(session: Session, secrets_: ServerSecrets, realm: Realm, hashed: str, now: int) -> str:
    """The phone's claim on a sample: a registration token, shown to nobody, that it polls with."""
    if not SAMPLE_HASH.match(hashed):
        raise InvalidInput("sampleHash must be 64 lower-case hex digits (a SHA-256)", code="bad_sample_hash")
    key = _sample_key(secrets_, hashed)
    if session.scalar(select(SampleRegistration.id).where(SampleRegistration.sample_key == key)):
        raise Conflict("this sample is registered on another phone", code="sample_registered")
    token = secrets.token_urlsafe(24)
    session.add(
        SampleRegistration(
            token_key=secrets_.keyed_hash("registration", token),
            sample_key=key,
            realm_id=realm.id,
            registered_at=now,
        )
    )
    return token


@dataclass(frozen=True)
class Poll:
    result: str  # pending | positive | negative | invalid
    sample_date: str | None = None
    token: str | None = None  # on a positive result: the verification token for the upload


def poll_result(
    session: Session,
    secrets_: ServerSecrets,
    settings: Settings,
    api_key: ApiKey,
    *,
    registration: str,
    client: str,
    now: int,
) -> Poll | None:
    """The result for a registration token; None for a token the server does not know (counted as a wrong
    guess, like a wrong code). A positive result authorises one upload; until the phone has used the token,
    every poll hands it the same authorisation again (an answer lost on the way is not the end)."""
    who = guessing.client_id(secrets_, client)
    guessing.check_client(session, settings, who, now)
    row = session.scalar(
        select(SampleRegistration)
        .where(SampleRegistration.token_key == secrets_.keyed_hash("registration", registration))
        .with_for_update()
    )
    if row is None or row.realm_id != api_key.realm_id:
        guessing.count_wrong(session, settings, api_key, who, now)
        return None
    result = session.scalar(select(LabResult).where(LabResult.sample_key == row.sample_key))
    if result is None:
        return Poll("pending")
    if result.result != "positive":
        return Poll(result.result, result.sample_date)
    code = None if row.code_id is None else session.get(VerificationCode, row.code_id)
    if code is None:
        code = _authorisation(session, row.realm_id, result.sample_date, now)
        row.code_id = code.id
    if code.token_used_at is not None:
        return Poll("positive", result.sample_date)  # shared already
    realm = session.get(Realm, row.realm_id)
    assert realm is not None
    verified = VerifiedCode(code.id, realm.code, "confirmed", None, result.sample_date)
    return Poll("positive", result.sample_date, make_token(secrets_, verified, now))


def _authorisation(session: Session, realm_id: int, sample_date: str, now: int) -> VerificationCode:
    """A code nobody types: claimed at once, its hashes random, counted as the lab's and not a case
    worker's."""
    code = VerificationCode(
        realm_id=realm_id,
        short_hash=secrets.token_bytes(32),
        long_hash=secrets.token_bytes(32),
        test_type="confirmed",
        symptom_date=None,
        test_date=sample_date,
        issued_at=now,
        short_expires_at=now,
        long_expires_at=now,
        claimed_at=now,
        expired_by_hand=False,
        source="lab",
    )
    session.add(code)
    session.flush()
    return code


def purge(session: Session, before: int) -> int:
    """Delete results and registrations that arrived before the cutoff."""
    deleted = session.execute(delete(LabResult).where(LabResult.received_at < before)).rowcount  # type: ignore[attr-defined]
    deleted += session.execute(
        delete(SampleRegistration).where(SampleRegistration.registered_at < before)
    ).rowcount  # type: ignore[attr-defined]
    return int(deleted)
