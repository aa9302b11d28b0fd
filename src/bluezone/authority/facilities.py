"""Each province's directory of health facilities, kept by its admins and downloaded by phones."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bluezone.authority.realms import check_in_province
from bluezone.errors import InvalidInput, NotFound
from bluezone.store.models import Facility, Realm

CODE = re.compile(r"^\d{3,5}$")


def add_facility(
    session: Session,
    realm: Realm,
    *,
    name: str,
    address: str,
    phone: str,
    district_code: str,
    commune_code: str = "",
    now: int,
) -> Facility:
    if not 1 <= len(name.strip()) <= 200 or not 1 <= len(address.strip()) <= 300:
        raise InvalidInput("a facility needs a name (≤ 200) and an address (≤ 300)", code="bad_facility")
    if not re.fullmatch(r"[\d +().-]{6,20}", phone):
        raise InvalidInput("phone must be 6 to 20 digits, spaces or + ( ) . -", code="bad_phone")
    if not CODE.match(district_code) or (commune_code and not CODE.match(commune_code)):
        raise InvalidInput("district and commune codes are GSO codes (3 to 5 digits)", code="bad_area_code")
    check_in_province(realm, district_code, commune_code)
    facility = Facility(
        realm_id=realm.id,
        name=name.strip(),
        address=address.strip(),
        phone=phone,
        district_code=district_code,
        commune_code=commune_code,
        created_at=now,
    )
    session.add(facility)
    session.flush()
    return facility


def remove_facility(session: Session, realm: Realm, facility_id: int) -> None:
    facility = session.get(Facility, facility_id)
    if facility is None or facility.realm_id != realm.id:
        raise NotFound("no such facility in this realm", code="unknown_facility")
    session.delete(facility)


def facilities(session: Session, realm: Realm) -> list[Facility]:
    query = (
        select(Facility).where(Facility.realm_id == realm.id).order_by(Facility.district_code, Facility.name)
    )
    return list(session.scalars(query))
