"""Declarations kept sealed for the province they concern.

A resident's goes to their province (and, with symptoms and an exposure, into its follow-up queue); a
traveller's to the province of their quarantine address, whose officers see the arrivals, each reading written
to the audit log. A traveller's receipt is a random code that says nothing by itself; a border officer
checks it against the server. Everything is deleted after the retention period."""

from __future__ import annotations

import base64
import json
import logging
import secrets as random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bluezone.authority import followup
from bluezone.authority.realms import realm_of_province
from bluezone.clock import local_date
from bluezone.config import Settings
from bluezone.declarations.forms import EntryDeclaration, VoluntaryDeclaration, border_gates
from bluezone.errors import NotFound, NotServed
from bluezone.geography.areas import find_area, registry
from bluezone.store.models import HealthDeclaration, Realm
from bluezone.store.secrets import ServerSecrets

RECEIPT_PREFIX = "BZ-ENTRY:1:"
log = logging.getLogger("bluezone.declarations")
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class ReceiptCheck:
    """What a border officer learns from a receipt: that it is real, and for which arrival; no identity."""

    arrival_date: date
    gate: str
    province: str


@dataclass(frozen=True)
class Arrival:
    declaration_id: int
    received_at: int
    form: EntryDeclaration


def _province_of(commune_code: str) -> str:
    structure, area = find_area(commune_code)
    areas = registry(structure)
    return areas.ancestors(area)[-1]


def _seal(
    secrets_: ServerSecrets,
    realm: Realm,
    row: HealthDeclaration,
    form: VoluntaryDeclaration | EntryDeclaration,
) -> bytes:
    return secrets_.seal_for_realm(realm.code, form.model_dump_json().encode(), _context(row))


def _context(row: HealthDeclaration) -> bytes:
    return f"health-declaration:{row.kind}:{row.id}".encode()


def _store(
    session: Session,
    secrets_: ServerSecrets,
    settings: Settings,
    *,
    kind: str,
    form: VoluntaryDeclaration | EntryDeclaration,
    now: int,
    arrival_day: int | None = None,
    receipt_hash: bytes | None = None,
) -> tuple[Realm, HealthDeclaration]:
    province = _province_of(form.commune_code)
    try:
        realm = realm_of_province(session, province)
    except NotFound:
        # The operator's omission, not the declarant's: said loudly here, an apology to them.
        log.error(
            "a declaration for province %s was refused: no realm serves it "
            "(bluezone create-realm … --province %s, or bluezone admin serve-province)",
            province,
            province,
        )
        raise NotServed(
            f"no health department serves province {province} yet", code="province_unserved"
        ) from None
    row = HealthDeclaration(
        realm_id=realm.id,
        kind=kind,
        sealed=b"",
        arrival_day=arrival_day,
        receipt_hash=receipt_hash,
        created_at=now,
        delete_after=now + settings.declaration_retention_days * 86_400,
    )
    session.add(row)
    session.flush()  # the id binds the sealed data to this row
    row.sealed = _seal(secrets_, realm, row, form)
    return realm, row


def submit_voluntary(
    session: Session, secrets_: ServerSecrets, settings: Settings, form: VoluntaryDeclaration, now: int
) -> bool:
    """Store a resident's declaration; True when it also went to the follow-up queue."""
    realm, _ = _store(session, secrets_, settings, kind="voluntary", form=form, now=now)
    if not form.needs_follow_up:
        return False
    details = followup.ContactDetails(
        phone=form.phone,
        name=form.full_name,
        address=form.address,
        commune_code=form.commune_code,
        alert_date=local_date(now).isoformat(),
        level="declared",
    )
    followup.declare(session, secrets_, settings, realm_code=realm.code, details=details, now=now)
    return True


def submit_entry(
    session: Session, secrets_: ServerSecrets, settings: Settings, form: EntryDeclaration, now: int
) -> str:
    """Store a traveller's declaration; return the receipt code (shown as a QR code)."""
    code = base64.b32encode(random.token_bytes(10)).decode()
    _store(
        session,
        secrets_,
        settings,
        kind="entry",
        form=form,
        now=now,
        arrival_day=(form.arrival_date - EPOCH).days,
        receipt_hash=secrets_.keyed_hash("entry-receipt", code),
    )
    return RECEIPT_PREFIX + code


def check_receipt(session: Session, secrets_: ServerSecrets, receipt: str) -> ReceiptCheck:
    code = receipt.removeprefix(RECEIPT_PREFIX).strip().upper()
    row = session.scalar(
        select(HealthDeclaration).where(
            HealthDeclaration.receipt_hash == secrets_.keyed_hash("entry-receipt", code)
        )
    )
    if row is None or row.arrival_day is None:
        raise NotFound("no declaration has this receipt", code="unknown_receipt")
    realm = session.get(Realm, row.realm_id)
    assert realm is not None
    form = _open_entry(secrets_, realm, row)
    return ReceiptCheck(form.arrival_date, border_gates()[form.gate][0], realm.name)


def _open_entry(secrets_: ServerSecrets, realm: Realm, row: HealthDeclaration) -> EntryDeclaration:
    return EntryDeclaration.model_validate(
        json.loads(secrets_.open_for_realm(realm.code, row.sealed, _context(row)))
    )


def arrivals(
    session: Session, secrets_: ServerSecrets, realm: Realm, actor: str, *, first: date, last: date, now: int
) -> list[Arrival]:
    """Travellers arriving in this province between two dates; each one shown is written to the audit log."""
    rows = session.scalars(
        select(HealthDeclaration)
        .where(
            HealthDeclaration.realm_id == realm.id,
            HealthDeclaration.kind == "entry",
            HealthDeclaration.arrival_day >= (first - EPOCH).days,
            HealthDeclaration.arrival_day <= (last - EPOCH).days,
        )
        .order_by(HealthDeclaration.arrival_day, HealthDeclaration.id)
    )
    shown = []
    for row in rows:
        shown.append(Arrival(row.id, row.created_at, _open_entry(secrets_, realm, row)))
        followup.audit(session, realm, actor, action="read_arrival", declaration_id=row.id, now=now)
    return shown


def purge(session: Session, now: int) -> int:
    old = session.query(HealthDeclaration).filter(HealthDeclaration.delete_after <= now)
    return int(old.delete())
