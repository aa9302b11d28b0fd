"""Who may change which part of the campaign: one rule for the console's pages and for the API.

A caller acts within a scope: the whole country (the ministry: a system admin, a realm with no province, a
national campaign officer), an area (a province health department's realm and its people, or an officer
given `area:CODE`), or a unit and the units inside it (`unit:ID`). Counts, units, reports and targets outside
the scope are refused with `Forbidden`; reading the campaign's figures is public and needs no scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from bluezone.authority.roles import Role
from bluezone.campaign import units
from bluezone.errors import Forbidden, InvalidInput
from bluezone.geography.areas import Structure, find_area, registry
from bluezone.store.models import Realm, Unit, User


class ScopeKind(StrEnum):
    NATION = "nation"
    AREA = "area"
    UNIT = "unit"


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    ident: str = ""  # the area's GSO code or the unit's id

    @classmethod
    def parse(cls, text: str | None) -> Scope:
        """`area:CODE`, `unit:ID`, or None for the whole country (as stored on a user)."""
        if text is None:
            return NATION
        kind, _, ident = text.partition(":")
        if kind not in (ScopeKind.AREA, ScopeKind.UNIT) or not ident.isdigit():
            raise InvalidInput("a scope is area:CODE or unit:ID", code="bad_scope")
        return cls(ScopeKind(kind), ident)


NATION = Scope(ScopeKind.NATION)
OUTSIDE = "outside your part of the campaign"


def of_realm(realm: Realm) -> Scope:
    """An API key acts for its realm's province; a realm that serves no province is the ministry's."""
    return NATION if realm.province_code is None else Scope(ScopeKind.AREA, realm.province_code)


def of_user(user: User, realm: Realm | None) -> Scope:
    """A campaign officer: the scope they were given (none: the country). A health department's people: their
    realm's province. System admins: the country."""
    if user.role == Role.CAMPAIGN_OFFICER:
        return Scope.parse(user.scope)
    if user.role == Role.SYSTEM_ADMIN or realm is None:
        return NATION
    return of_realm(realm)


def _area_within(structure: Structure, area_code: str, scope: Scope) -> bool:
    if area_code == scope.ident:
        return True
    areas = registry(structure)
    return scope.ident in areas.ancestors(areas.get(area_code))


def covers_unit(session: Session, scope: Scope, unit: Unit) -> bool:
    """A unit in the scope's area (at any depth), the scope's unit, or a unit inside it."""
    if scope.kind is ScopeKind.NATION:
        return True
    if scope.kind is ScopeKind.AREA:
        return _area_within(Structure(unit.structure), unit.area_code, scope)
    current: Unit | None = unit
    while current is not None:
        if str(current.id) == scope.ident:
            return True
        current = None if current.parent_id is None else session.get(Unit, current.parent_id)
    return False


def covers_area(scope: Scope, area_code: str) -> bool:
    """An area inside the scope's area; a unit's scope covers no area of its own."""
    if scope.kind is ScopeKind.NATION:
        return True
    if scope.kind is ScopeKind.UNIT:
        return False
    structure, _ = find_area(area_code)
    return _area_within(structure, area_code, scope)


def check_unit(session: Session, scope: Scope, unit: Unit) -> None:
    """For reporting for a unit (or reading its report form)."""
    if not covers_unit(session, scope, unit):
        raise Forbidden(OUTSIDE, code="forbidden")


def check_units(session: Session, scope: Scope, unit_ids: Iterable[int]) -> None:
    """For reports for several units at once (an unknown one is the reports' to refuse)."""
    for unit_id in unit_ids:
        unit = session.get(Unit, unit_id)
        if unit is not None:
            check_unit(session, scope, unit)


def check_new_unit(session: Session, scope: Scope, *, area_code: str, parent_id: int | None) -> None:
    """A new unit goes in the scope's area, or inside the scope's unit."""
    if parent_id is not None:
        parent = session.get(Unit, parent_id)
        if parent is not None and covers_unit(session, scope, parent):
            return
        raise Forbidden(OUTSIDE, code="forbidden")
    try:
        inside = covers_area(scope, area_code)
    except InvalidInput:
        return  # no such area: create_unit says so
    if not inside:
        raise Forbidden(OUTSIDE, code="forbidden")


def check_target(session: Session, scope: Scope, subject: str) -> None:
    """A target for `area:CODE` or `unit:ID` inside the scope (a malformed one is set_target's to refuse)."""
    kind, _, ident = subject.partition(":")
    if kind == ScopeKind.UNIT:
        unit = units.unit_named(session, ident)
        if unit is None or covers_unit(session, scope, unit):
            return
    elif kind == ScopeKind.AREA and ident.isdigit():
        try:
            if covers_area(scope, ident):
                return
        except InvalidInput:
            return
    else:
        return
    raise Forbidden(OUTSIDE, code="forbidden")


def check_counts(scope: Scope, areas: Iterable[tuple[Structure, str]]) -> None:
    """Every imported count is of an area inside the scope (a unit's officer imports none)."""
    if scope.kind is ScopeKind.NATION:
        return
    for structure, area_code in areas:
        if scope.kind is ScopeKind.UNIT or not _area_within(structure, area_code, scope):
            raise Forbidden(f"{OUTSIDE}: area {area_code}", code="forbidden")


def visible_units(session: Session, scope: Scope, units: Iterable[Unit]) -> list[Unit]:
    return [unit for unit in units if covers_unit(session, scope, unit)]
