"""The console for health department staff: rendered on the server, Vietnamese first, no outside assets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import resources
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Cookie, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from bluezone.authority import codes, facilities, followup, realms, stats, users
from bluezone.clock import VIETNAM
from bluezone.declarations import store as declaration_store
from bluezone.declarations.forms import border_gates, today_in_vietnam
from bluezone.errors import BluezoneError, Forbidden, Unauthorized
from bluezone.phone.messages import text
from bluezone.venues import qr
from bluezone.venues import registry as venue_registry
from bluezone.web.charts import daily_bars
from bluezone.web.i18n import Lang, t
from bluezone.web.services import Services, services

T = TypeVar("T")
router = APIRouter(prefix="/console", include_in_schema=False)
templates = Jinja2Templates(directory=str(resources.files("bluezone.web") / "templates"))
SESSION_COOKIE, LANG_COOKIE, REALM_COOKIE = "bz_session", "bz_lang", "bz_realm"
NAV = [
    ("nav.codes", "/console/codes"),
    ("nav.queue", "/console/queue"),
    ("nav.arrivals", "/console/arrivals"),
    ("nav.facilities", "/console/facilities"),
    ("nav.venues", "/console/venues"),
    ("nav.stats", "/console/stats"),
    ("nav.people", "/console/people"),
]
Svc = Annotated[Services, Depends(services)]
ARRIVAL_DAYS = 3
Token = Annotated[str | None, Cookie(alias=SESSION_COOKIE)]


def language(request: Request) -> Lang:
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE, "vi")
    return "en" if chosen == "en" else "vi"


def local_time(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=VIETNAM).strftime("%H:%M %d/%m/%Y")


def page(
    request: Request, template: str, who: users.SignedIn | None, status: int = 200, **context: Any
) -> Response:
    lang = language(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "t": lambda key, **v: t(key, lang, **v),
            "who": who,
            "nav": NAV,
            "here": request.url.path,
            **context,
        },
        status_code=status,
    )
    if "lang" in request.query_params:
        response.set_cookie(LANG_COOKIE, lang, samesite="strict", max_age=365 * 86_400)
    return response


def error_text(error: BluezoneError, lang: Lang) -> str:
    known = t(f"error.{error.code}", lang)
    return known if known != f"error.{error.code}" else f"{t('error.generic', lang)}: {error.message}"


def who_is(request: Request, svc: Services, token: str | None) -> users.SignedIn:
    with svc.db.session() as session:
        return users.signed_in(session, svc.secrets, token, svc.now(), request.cookies.get(REALM_COOKIE))


def check_csrf(who: users.SignedIn, csrf: str) -> None:
    if csrf != who.csrf:
        raise Forbidden("the form expired", code="csrf")


def to_login() -> RedirectResponse:
    return RedirectResponse("/console/login", status_code=303)


@router.get("")
def home() -> RedirectResponse:
    return RedirectResponse("/console/codes", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return page(request, "login.html", None)


@router.post("/login")
def login(
    request: Request, svc: Svc, username: Annotated[str, Form()], password: Annotated[str, Form()]
) -> Response:
    try:
        with svc.db.session() as session:
            token = users.sign_in(session, svc.secrets, username, password, svc.now())
        if token is None:
            raise Unauthorized("wrong username or password", code="bad_credentials")
    except BluezoneError as error:
        return page(request, "login.html", None, status=401, error=error_text(error, language(request)))
    response = RedirectResponse("/console/codes", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=users.SESSION_SECONDS,
    )
    return response


@router.post("/logout")
def logout(svc: Svc, token: Token = None, csrf: Annotated[str, Form()] = "") -> Response:
    if token:
        with svc.db.session() as session:
            users.sign_out(session, svc.secrets, token)
    response = to_login()
    response.delete_cookie(SESSION_COOKIE)
    return response


def _guarded(
    request: Request,
    svc: Services,
    token: str | None,
    permission: str,
    template: str,
    *,
    csrf: str | None = None,
    **extra: Any,
) -> tuple[users.SignedIn | None, Response | None]:
    """The signed-in person if they may do this (and, for a form, its CSRF token matches); otherwise the
    response to send instead."""
    try:
        who = who_is(request, svc, token)
    except Unauthorized:
        return None, to_login()
    try:
        who.require(permission)
        if csrf is not None:
            check_csrf(who, csrf)
    except Forbidden as error:
        return None, page(
            request, template, who, status=403, error=error_text(error, language(request)), **extra
        )
    return who, None


def _attempt(request: Request, svc: Services, action: Callable[[Session], T]) -> tuple[T | None, str | None]:
    """Run one domain action in a transaction: its result, or the error to show in the person's language."""
    try:
        with svc.db.session() as session:
            return action(session), None
    except BluezoneError as error:
        return None, error_text(error, language(request))


@router.get("/codes", response_class=HTMLResponse)
def codes_form(request: Request, svc: Svc, token: Token = None) -> Response:
    who, refusal = _guarded(request, svc, token, "issue_code", "codes.html")
    return refusal or page(request, "codes.html", who)


@router.post("/codes", response_class=HTMLResponse)
def issue(
    request: Request,
    svc: Svc,
    *,
    token: Token = None,
    csrf: Annotated[str, Form()] = "",
    test_type: Annotated[str, Form()] = "confirmed",
    symptom_date: Annotated[str, Form()] = "",
    test_date: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
) -> Response:
    who, refusal = _guarded(request, svc, token, "issue_code", "codes.html", csrf=csrf)
    if refusal or who is None:
        return refusal or to_login()
    realm = who.require("issue_code")
    issued, error = _attempt(
        request,
        svc,
        lambda session: codes.issue_code(
            session,
            svc.secrets,
            svc.settings,
            realm,
            test_type=test_type,
            symptom_date=symptom_date or None,
            test_date=test_date or None,
            phone=phone or None,
            now=svc.now(),
        ),
    )
    if issued is None:
        return page(request, "codes.html", who, status=400, error=error)
    expires = local_time(issued.expires_at)
    shown = {
        "code": issued.code,
        "long_code": issued.long_code,
        "expires": expires,
        "long_expires": local_time(issued.long_expires_at),
        "sms": text("sms.close_contact_code", language(request), code=issued.code, expires=expires)
        if phone
        else "",
    }
    return page(request, "codes.html", who, issued=shown)


@router.get("/queue", response_class=HTMLResponse)
def queue(request: Request, svc: Svc, token: Token = None, issued: dict[str, str] | None = None) -> Response:
    who, refusal = _guarded(request, svc, token, "read_queue", "queue.html", declarations=[])
    if refusal or who is None:
        return refusal or to_login()
    with svc.db.session() as session:
        shown = followup.queue(session, svc.secrets, who.require("read_queue"), who.actor, now=svc.now())
    rows = [{"id": d.id, "received": local_time(d.received_at), "details": d.details} for d in shown]
    return page(request, "queue.html", who, declarations=rows, issued=issued)


@router.get("/arrivals", response_class=HTMLResponse)
def arrivals(request: Request, svc: Svc, token: Token = None) -> Response:
    """Travellers arriving in the province today and in the next three days; every reading audited."""
    who, refusal = _guarded(request, svc, token, "read_queue", "arrivals.html", arrivals=[])
    if refusal or who is None:
        return refusal or to_login()
    today = today_in_vietnam(svc.now())
    with svc.db.session() as session:
        shown = declaration_store.arrivals(
            session,
            svc.secrets,
            who.require("read_queue"),
            who.actor,
            first=today,
            last=today + timedelta(days=ARRIVAL_DAYS),
            now=svc.now(),
        )
    return page(request, "arrivals.html", who, arrivals=shown, gates=border_gates())


@router.post("/queue/{declaration_id}/code", response_class=HTMLResponse)
def queue_code(
    request: Request, svc: Svc, declaration_id: int, token: Token = None, csrf: Annotated[str, Form()] = ""
) -> Response:
    who, refusal = _guarded(request, svc, token, "read_queue", "queue.html", csrf=csrf, declarations=[])
    if refusal or who is None:
        return refusal or to_login()
    realm = who.require("issue_code")
    issued, error = _attempt(
        request,
        svc,
        lambda session: followup.issue_close_contact_code(
            session, svc.secrets, svc.settings, realm, who.actor, declaration_id=declaration_id, now=svc.now()
        ),
    )
    if issued is None:
        return page(request, "queue.html", who, status=400, declarations=[], error=error)
    sms = text(
        "sms.close_contact_code", language(request), code=issued.code, expires=local_time(issued.expires_at)
    )
    return queue(request, svc, token, issued={"code": issued.code, "sms": sms})


@router.get("/facilities", response_class=HTMLResponse)
def facility_list(request: Request, svc: Svc, token: Token = None, error: str | None = None) -> Response:
    who, refusal = _guarded(request, svc, token, "manage_facilities", "facilities.html", facilities=[])
    if refusal or who is None:
        return refusal or to_login()
    with svc.db.session() as session:
        found = facilities.facilities(session, who.require("manage_facilities"))
    return page(request, "facilities.html", who, facilities=found, error=error, status=400 if error else 200)


@router.post("/facilities", response_class=HTMLResponse)
def facility_add(
    request: Request,
    svc: Svc,
    *,
    token: Token = None,
    csrf: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    district_code: Annotated[str, Form()] = "",
    commune_code: Annotated[str, Form()] = "",
) -> Response:
    who, refusal = _guarded(
        request, svc, token, "manage_facilities", "facilities.html", csrf=csrf, facilities=[]
    )
    if refusal or who is None:
        return refusal or to_login()
    realm = who.require("manage_facilities")
    _, error = _attempt(
        request,
        svc,
        lambda session: facilities.add_facility(
            session,
            realm,
            name=name,
            address=address,
            phone=phone,
            district_code=district_code,
            commune_code=commune_code,
            now=svc.now(),
        ),
    )
    return (
        facility_list(request, svc, token, error=error)
        if error
        else RedirectResponse("/console/facilities", 303)
    )


@router.post("/facilities/{facility_id}/delete", response_class=HTMLResponse)
def facility_remove(
    request: Request, svc: Svc, facility_id: int, token: Token = None, csrf: Annotated[str, Form()] = ""
) -> Response:
    who, refusal = _guarded(
        request, svc, token, "manage_facilities", "facilities.html", csrf=csrf, facilities=[]
    )
    if refusal or who is None:
        return refusal or to_login()
    realm = who.require("manage_facilities")
    _, error = _attempt(request, svc, lambda session: facilities.remove_facility(session, realm, facility_id))
    return (
        facility_list(request, svc, token, error=error)
        if error
        else RedirectResponse("/console/facilities", 303)
    )


@router.get("/stats", response_class=HTMLResponse)
def statistics(request: Request, svc: Svc, token: Token = None) -> Response:
    who, refusal = _guarded(request, svc, token, "read_stats", "stats.html", days=[], chart="")
    if refusal or who is None:
        return refusal or to_login()
    with svc.db.session() as session:
        days = stats.daily_figures(session, svc.settings, who.require("read_stats"), svc.now())
    lang = language(request)
    chart = daily_bars(days, t("stats.issued", lang), t("stats.claimed", lang), t("stats.withheld", lang))
    return page(request, "stats.html", who, days=days, chart=chart)


PEOPLE_EMPTY: dict[str, Any] = {"users": [], "keys": [], "roles": []}


def _people_page(
    request: Request, svc: Services, who: users.SignedIn, status: int = 200, **extra: Any
) -> Response:
    realm = who.require("manage_users")
    with svc.db.session() as session:
        people = [{"username": u.username, "role": u.role} for u in users.realm_users(session, realm)]
        keys = [
            {
                "id": k.id,
                "label": k.label,
                "kind": k.kind,
                "created": local_time(k.created_at),
                "revoked": k.revoked_at is not None,
            }
            for k in realms.api_keys(session, realm)
        ]
    return page(
        request,
        "people.html",
        who,
        status=status,
        users=people,
        keys=keys,
        roles=[r.value for r in users.GRANTABLE],
        **extra,
    )


@router.get("/people", response_class=HTMLResponse)
def people(request: Request, svc: Svc, token: Token = None) -> Response:
    who, refusal = _guarded(request, svc, token, "manage_users", "people.html", **PEOPLE_EMPTY)
    if refusal or who is None:
        return refusal or to_login()
    return _people_page(request, svc, who)


@router.post("/people/users", response_class=HTMLResponse)
def add_person(
    request: Request,
    svc: Svc,
    *,
    token: Token = None,
    csrf: Annotated[str, Form()] = "",
    username: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    who, refusal = _guarded(request, svc, token, "manage_users", "people.html", csrf=csrf, **PEOPLE_EMPTY)
    if refusal or who is None:
        return refusal or to_login()
    realm = who.require("manage_users")

    def add(session: Session) -> object:
        if role not in users.GRANTABLE:  # a realm admin grants nothing above their own level
            raise Forbidden("a realm admin cannot give that role", code="forbidden")
        return users.create_user(
            session, realm_code=realm.code, username=username, password=password, role=role, now=svc.now()
        )

    _, error = _attempt(request, svc, add)
    return (
        _people_page(request, svc, who, status=400, error=error)
        if error
        else RedirectResponse("/console/people", 303)
    )


@router.post("/people/keys", response_class=HTMLResponse)
def add_key(
    request: Request,
    svc: Svc,
    token: Token = None,
    csrf: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
) -> Response:
    who, refusal = _guarded(request, svc, token, "manage_users", "people.html", csrf=csrf, **PEOPLE_EMPTY)
    if refusal or who is None:
        return refusal or to_login()
    realm = who.require("manage_users")
    key, error = _attempt(
        request, svc, lambda session: realms.create_api_key(session, svc.secrets, realm.code, kind, svc.now())
    )
    return _people_page(request, svc, who, status=400 if error else 200, error=error, new_key=key)


@router.post("/people/keys/{key_id}/revoke", response_class=HTMLResponse)
def revoke_key(
    request: Request, svc: Svc, key_id: int, token: Token = None, csrf: Annotated[str, Form()] = ""
) -> Response:
    who, refusal = _guarded(request, svc, token, "manage_users", "people.html", csrf=csrf, **PEOPLE_EMPTY)
    if refusal or who is None:
        return refusal or to_login()
    realm = who.require("manage_users")
    _, error = _attempt(
        request, svc, lambda session: realms.revoke_api_key(session, realm, key_id, svc.now())
    )
    return (
        _people_page(request, svc, who, status=400, error=error)
        if error
        else RedirectResponse("/console/people", 303)
    )


@router.get("/venues", response_class=HTMLResponse)
def venue_list(request: Request, svc: Svc, token: Token = None, error: str | None = None) -> Response:
    """The province's registered venues with their posters, and the form to register one."""
    who, refusal = _guarded(
        request, svc, token, "manage_facilities", "venues.html", venues=[], kinds=qr.KINDS
    )
    if refusal or who is None:
        return refusal or to_login()
    with svc.db.session() as session:
        listed = [
            (v.venue_id, v.name, v.address, v.kind)
            for v in venue_registry.venues_of(session, who.require("manage_facilities"))
        ]
    status = 400 if error else 200
    return page(request, "venues.html", who, status=status, venues=listed, kinds=qr.KINDS, error=error)


@router.post("/venues", response_class=HTMLResponse)
def venue_add(
    request: Request,
    svc: Svc,
    *,
    token: Token = None,
    csrf: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    commune_code: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    visit_minutes: Annotated[int, Form()] = 60,
) -> Response:
    who, refusal = _guarded(
        request, svc, token, "manage_facilities", "venues.html", csrf=csrf, venues=[], kinds=qr.KINDS
    )
    if refusal or who is None:
        return refusal or to_login()
    realm = who.require("manage_facilities")
    _, error = _attempt(
        request,
        svc,
        lambda session: venue_registry.register_venue(
            session,
            svc.secrets,
            realm,
            name=name,
            address=address,
            commune_code=commune_code,
            kind=kind,
            visit_minutes=visit_minutes,
            now=svc.now(),
        ),
    )
    return venue_list(request, svc, token, error=error) if error else RedirectResponse("/console/venues", 303)
