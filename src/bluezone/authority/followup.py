"""The F1 follow-up queue: contact details an alerted user chose to send to their province.

Sealed with a key of the province's own, shown only through that province's admin key, every read written to
the audit log (ids only), deleted after the retention period. From the queue a case worker can give the
person a `close-contact` code, so their own keys can be published and their contacts warned (F2).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bluezone.authority import codes
from bluezone.authority.realms import realm_by_code
from bluezone.config import Settings
from bluezone.errors import InvalidInput, NotFound
from bluezone.protocol.sms import international
from bluezone.store.models import AuditEntry, Declaration, Realm
from bluezone.store.secrets import ServerSecrets

COMMUNE_CODE = re.compile(r"^\d{5}$")
LEVELS = ("F1", "F2", "declared")  # declared: symptoms and an exposure in a health declaration


@dataclass(frozen=True)
class ContactDetails:
    phone: str
    name: str
    address: str
    commune_code: str
    alert_date: str
    level: str

    def __post_init__(self) -> None:
        international(self.phone)  # a Vietnamese mobile number, however it is typed
        if not 1 <= len(self.name.strip()) <= 100:
            raise InvalidInput("name must have 1 to 100 characters", code="bad_name")
        if not 1 <= len(self.address.strip()) <= 300:
            raise InvalidInput("address must have 1 to 300 characters", code="bad_address")
        if not COMMUNE_CODE.match(self.commune_code):
            raise InvalidInput("communeCode must be a 5-digit GSO code", code="bad_commune")
        if self.level not in LEVELS:
            raise InvalidInput("level must be F1, F2 or declared", code="bad_level")


@dataclass(frozen=True)
class QueuedDeclaration:
    id: int
    received_at: int
    status: str
    details: ContactDetails


def _context(declaration_id: int) -> bytes:
    return f"declaration:{declaration_id}".encode()


def declare(
    session: Session,
    secrets_: ServerSecrets,
    settings: Settings,
    *,
    realm_code: str,
    details: ContactDetails,
    now: int,
) -> None:
    """Store one declaration, sealed; nothing about it is readable without the province's key."""
    alert = _alert_date(details.alert_date, now)
    realm = realm_by_code(session, realm_code)
    row = Declaration(
        realm_id=realm.id,
        created_at=now,
        sealed=b"",
        status="new",
        delete_after=now + settings.declaration_retention_days * 86_400,
    )
    session.add(row)
    session.flush()  # the id binds the sealed data to this row
    plain = json.dumps(asdict(details) | {"alert_date": alert.isoformat()}).encode()
    row.sealed = secrets_.seal_for_realm(realm.code, plain, _context(row.id))


def _alert_date(value: str, now: int) -> date:
    today = datetime.fromtimestamp(now, tz=UTC).date()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"alertDate must be YYYY-MM-DD, got {value!r}", code="bad_date") from None
    if not today - timedelta(days=14) <= day <= today:
        raise InvalidInput("alertDate must be within the last 14 days", code="bad_date")
    return day


def audit(
    session: Session, realm: Realm, actor: str, *, action: str, declaration_id: int | None, now: int
) -> None:
    session.add(
        AuditEntry(realm_id=realm.id, at=now, actor=actor[:64], action=action, declaration_id=declaration_id)
    )


def queue(
    session: Session,
    secrets_: ServerSecrets,
    realm: Realm,
    actor: str,
    *,
    now: int,
    status: str | None = "new",
) -> list[QueuedDeclaration]:
    """The province's declarations (newest first); each one shown is written to the audit log under `actor`
    (an API key's label, or `user:<name>`)."""
    query = select(Declaration).where(Declaration.realm_id == realm.id).order_by(Declaration.id.desc())
    if status is not None:
        query = query.where(Declaration.status == status)
    shown = []
    for row in session.scalars(query):
        details = ContactDetails(
            **json.loads(secrets_.open_for_realm(realm.code, row.sealed, _context(row.id)))
        )
        shown.append(QueuedDeclaration(row.id, row.created_at, row.status, details))
        audit(session, realm, actor, action="read", declaration_id=row.id, now=now)
    return shown


def issue_close_contact_code(
    session: Session,
    secrets_: ServerSecrets,
    settings: Settings,
    realm: Realm,
    actor: str,
    *,
    declaration_id: int,
    now: int,
) -> codes.IssuedCode:
    """A `close-contact` code for the person behind a declaration, dated on their contact."""
    row = session.get(Declaration, declaration_id)
    if row is None or row.realm_id != realm.id:
        raise NotFound("no such declaration in this realm", code="unknown_declaration")
    details = json.loads(secrets_.open_for_realm(realm.code, row.sealed, _context(row.id)))
    issued = codes.issue_code(
        session,
        secrets_,
        settings,
        realm,
        test_type="close-contact",
        symptom_date=None,
        test_date=details["alert_date"],
        phone=None,
        now=now,
    )
    row.status = "code_issued"
    audit(session, realm, actor, action="issue_close_contact_code", declaration_id=row.id, now=now)
    return issued


def purge_declarations(session: Session, now: int) -> int:
    return int(session.execute(delete(Declaration).where(Declaration.delete_after <= now)).rowcount)  # type: ignore[attr-defined]
