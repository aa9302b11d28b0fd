"""A health department's own records: its health facilities and venues, its people and API keys, its
statistics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bluezone.authority import accounts, facilities, guessing, labs, realms, stats, users
from bluezone.authority.roles import GRANTABLE, KeyKind, Permission, Role
from bluezone.clock import local_date
from bluezone.errors import Forbidden
from bluezone.geography.areas import area_name, structure_on
from bluezone.services import Services
from bluezone.texts import text
from bluezone.venues import qr
from bluezone.venues import registry as venue_registry
from bluezone.web.dependencies import RowId, Svc
from bluezone.web.pages.access import InRealm, RealmStaff
from bluezone.web.pages.charts import daily_bars
from bluezone.web.pages.pickers import area_steps
from bluezone.web.pages.rendering import attempt, language, page, shown_time

router = APIRouter(prefix="/console", include_in_schema=False)
Keeping = Annotated[InRealm, Depends(RealmStaff(Permission.MANAGE_FACILITIES))]
KeepingForm = Annotated[InRealm, Depends(RealmStaff(Permission.MANAGE_FACILITIES, form=True))]
Managing = Annotated[InRealm, Depends(RealmStaff(Permission.MANAGE_USERS))]
ManagingForm = Annotated[InRealm, Depends(RealmStaff(Permission.MANAGE_USERS, form=True))]
Viewing = Annotated[InRealm, Depends(RealmStaff(Permission.READ_STATS))]


def _after(error: str | None, again: Callable[[str], Response], where: str) -> Response:
    """After a form: back to the list, or the list again with what went wrong."""
    return again(error) if error else RedirectResponse(where, status_code=303)


def _pickers(svc: Services, staff: InRealm, field: str) -> dict[str, Any]:
    """An area picker that starts from the department's province, in the structure in force today."""
    structure = structure_on(local_date(svc.now()))
    return {
        "structure": structure,
        "picker": area_steps(structure, field, {}, within=staff.realm.province_code),
    }


def _facility_page(request: Request, svc: Services, staff: InRealm, error: str | None = None) -> Response:
    with svc.db.session() as session:
        found = [
            (f, area_name(f.commune_code or f.district_code))
            for f in facilities.facilities(session, staff.realm)
        ]
    status = 400 if error else 200
    context = _pickers(svc, staff, "area_code")
    return page(
        request, "facilities.html", staff.who, status=status, facilities=found, error=error, **context
    )


@router.get("/facilities", response_class=HTMLResponse)
def facility_list(request: Request, svc: Svc, staff: Keeping) -> Response:
    return _facility_page(request, svc, staff)


@router.post("/facilities", response_class=HTMLResponse)
def facility_add(
    request: Request,
    svc: Svc,
    staff: KeepingForm,
    *,
    name: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    area_code: Annotated[str, Form()] = "",
    district: Annotated[str, Form(alias="area_code.district")] = "",
) -> Response:
    """A facility serves a commune, or (in the 2008 structure) a district and optionally one commune."""
    district_code = district or area_code
    commune_code = area_code if district else ""
    _, error = attempt(
        request,
        svc,
        lambda session: facilities.add_facility(
            session,
            staff.realm,
            name=name,
            address=address,
            phone=phone,
            district_code=district_code,
            commune_code=commune_code,
            now=svc.now(),
        ),
    )
    return _after(error, lambda e: _facility_page(request, svc, staff, e), "/console/facilities")


@router.post("/facilities/{facility_id}/delete", response_class=HTMLResponse)
def facility_remove(request: Request, svc: Svc, facility_id: RowId, staff: KeepingForm) -> Response:
    _, error = attempt(
        request, svc, lambda session: facilities.remove_facility(session, staff.realm, facility_id)
    )
    return _after(error, lambda e: _facility_page(request, svc, staff, e), "/console/facilities")


def _venue_page(request: Request, svc: Services, staff: InRealm, error: str | None = None) -> Response:
    """The province's registered venues with their posters, and the form to register one."""
    with svc.db.session() as session:
        listed = [
            (v.venue_id, v.name, v.address, v.kind) for v in venue_registry.venues_of(session, staff.realm)
        ]
    status = 400 if error else 200
    context = _pickers(svc, staff, "commune_code")
    return page(
        request,
        "venues.html",
        staff.who,
        status=status,
        venues=listed,
        kinds=qr.KINDS,
        error=error,
        **context,
    )


@router.get("/venues", response_class=HTMLResponse)
def venue_list(request: Request, svc: Svc, staff: Keeping) -> Response:
    return _venue_page(request, svc, staff)


@router.post("/venues", response_class=HTMLResponse)
def venue_add(
    request: Request,
    svc: Svc,
    staff: KeepingForm,
    *,
    name: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    commune_code: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    visit_minutes: Annotated[int, Form()] = 60,
) -> Response:
    _, error = attempt(
        request,
        svc,
        lambda session: venue_registry.register_venue(
            session,
            svc.secrets,
            staff.realm,
            name=name,
            address=address,
            commune_code=commune_code,
            kind=kind,
            visit_minutes=visit_minutes,
            now=svc.now(),
        ),
    )
    return _after(error, lambda e: _venue_page(request, svc, staff, e), "/console/venues")


@router.get("/stats", response_class=HTMLResponse)
def statistics(request: Request, svc: Svc, staff: Viewing) -> Response:
    with svc.db.session() as session:
        days = stats.daily_figures(session, svc.settings, staff.realm, svc.now(), published=False)
        wrong = (
            guessing.wrong_this_hour(session, staff.realm, svc.now()),
            svc.settings.verify_failures_alert_per_hour,
        )
        # The ministry (a realm with no province) is told which provinces nobody can take declarations for.
        unserved = (
            realms.unserved_provinces(session, structure_on(local_date(svc.now())))
            if staff.realm.province_code is None
            else []
        )
    lang = language(request)
    chart = daily_bars(
        days, text("stats.issued", lang), text("stats.claimed", lang), text("stats.not_published", lang)
    )
    return page(
        request,
        "stats.html",
        staff.who,
        days=days,
        chart=chart,
        wrong=wrong,
        minimum=svc.settings.stats_minimum,
        unserved=[a.name for a in unserved],
    )


def _people_page(
    request: Request, svc: Services, staff: InRealm, status: int = 200, **extra: Any
) -> Response:
    with svc.db.session() as session:
        people = [
            {
                "username": u.username,
                "role": u.role,
                "disabled": u.disabled_at is not None,
                "last_sign_in": None if u.last_sign_in_at is None else shown_time(u.last_sign_in_at),
                "manageable": u.role in GRANTABLE and u.id != staff.who.user.id,
            }
            for u in users.realm_users(session, staff.realm)
        ]
        keys = [
            {
                "id": k.id,
                "label": k.label,
                "kind": k.kind,
                "created": shown_time(k.created_at),
                "revoked": k.revoked_at is not None,
            }
            for k in realms.api_keys(session, staff.realm)
        ]
        lab_rows = [
            {"id": lab.id, "name": lab.name, "sent_today": labs.sent_today(session, lab, svc.now())}
            for lab in labs.labs_of(session, staff.realm)
        ]
    roles = [r.value for r in GRANTABLE]
    context = {"users": people, "keys": keys, "roles": roles, "labs": lab_rows, **extra}
    return page(request, "people.html", staff.who, status=status, **context)


def _lab_choice(chosen: str, lab: str) -> int | None:
    """The lab picked in a form, for what belongs to a lab (lab staff, lab keys) only."""
    return int(lab) if chosen in (Role.LAB_STAFF, KeyKind.LAB) and lab.isdigit() else None


@router.get("/people", response_class=HTMLResponse)
def people(request: Request, svc: Svc, staff: Managing) -> Response:
    return _people_page(request, svc, staff)


@router.post("/people/users", response_class=HTMLResponse)
def add_person(
    request: Request,
    svc: Svc,
    staff: ManagingForm,
    *,
    username: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    lab: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    def add(session: Session) -> object:
        if role not in GRANTABLE:  # a realm admin grants nothing above their own level
            raise Forbidden("a realm admin cannot give that role", code="forbidden")
        return users.create_user(
            session,
            realm_code=staff.realm.code,
            username=username,
            password=password,
            role=role,
            now=svc.now(),
            lab_id=_lab_choice(role, lab),
        )

    _, error = attempt(request, svc, add)
    return _after(error, lambda e: _people_page(request, svc, staff, 400, error=e), "/console/people")


@router.post("/people/users/{username}/{change}", response_class=HTMLResponse)
def change_person(
    request: Request,
    svc: Svc,
    *,
    username: str,
    change: Literal["disable", "enable", "password"],
    staff: ManagingForm,
    password: Annotated[str, Form()] = "",
) -> Response:
    """Disable, enable or reset the password of one of the realm's accounts; written to the account log."""

    def apply(session: Session) -> None:
        realm, actor, now = staff.realm, staff.who.actor, svc.now()
        if change == "disable":
            accounts.disable(session, username, realm=realm, actor=actor, now=now)
        elif change == "enable":
            accounts.enable(session, username, realm=realm, actor=actor, now=now)
        else:
            accounts.reset_password(session, username, password, realm=realm, actor=actor, now=now)

    _, error = attempt(request, svc, apply)
    return _after(error, lambda e: _people_page(request, svc, staff, 400, error=e), "/console/people")


@router.post("/people/keys", response_class=HTMLResponse)
def add_key(
    request: Request,
    svc: Svc,
    staff: ManagingForm,
    kind: Annotated[str, Form()] = "",
    lab: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    key, error = attempt(
        request,
        svc,
        lambda session: realms.create_api_key(
            session, svc.secrets, staff.realm.code, kind, svc.now(), lab_id=_lab_choice(kind, lab)
        ),
    )
    return _people_page(request, svc, staff, 400 if error else 200, error=error, new_key=key)


@router.post("/people/labs", response_class=HTMLResponse)
def add_lab(request: Request, svc: Svc, staff: ManagingForm, name: Annotated[str, Form()] = "") -> Response:
    """A lab or testing site that sends results: then its staff and its keys are added as for anyone."""
    _, error = attempt(request, svc, lambda session: labs.create_lab(session, staff.realm, name, svc.now()))
    return _after(error, lambda e: _people_page(request, svc, staff, 400, error=e), "/console/people")


@router.post("/people/keys/{key_id}/revoke", response_class=HTMLResponse)
def revoke_key(
    request: Request, svc: Svc, key_id: RowId, staff: ManagingForm, confirmed: Annotated[str, Form()] = ""
) -> Response:
    """Revoking stops every phone or program that holds the key, so it is asked twice."""
    if confirmed != "yes":
        with svc.db.session() as session:
            key = next((k for k in realms.api_keys(session, staff.realm) if k.id == key_id), None)
        if key is None:
            return _people_page(request, svc, staff, 404, error=text("error.unknown_key", language(request)))
        return page(request, "confirm_revoke.html", staff.who, key_id=key_id, label=key.label, kind=key.kind)
    _, error = attempt(
        request, svc, lambda session: realms.revoke_api_key(session, staff.realm, key_id, svc.now())
    )
    return _after(error, lambda e: _people_page(request, svc, staff, 400, error=e), "/console/people")
