"""The console's door: sign in, sign out, and each role's landing page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bluezone.authority import realms, second_factor, users
from bluezone.authority.roles import Role
from bluezone.errors import BluezoneError, Forbidden, InvalidInput, RateLimited, Unauthorized
from bluezone.geography.areas import area_name
from bluezone.web.dependencies import ClientAddress, Svc
from bluezone.web.pages.access import (
    REALM_COOKIE,
    SESSION_COOKIE,
    PageRefused,
    SignInNeeded,
    Token,
    check_csrf,
    signed_in,
    to_login,
)
from bluezone.web.pages.rendering import NAV, error_text, language, page, qr_data_uri

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("")
def home(request: Request, svc: Svc, token: Token = None) -> Response:
    """Each role lands on the first piece of work its menu offers."""
    try:
        who = signed_in(request, svc, token)
    except SignInNeeded:
        return to_login()
    first = next((href for _, href, needs in NAV if who.may(needs)), "/campaign")
    return RedirectResponse(first, status_code=303)


def _system_admin(request: Request, svc: Svc, token: str | None) -> users.SignedIn:
    who = signed_in(request, svc, token)
    if who.role is not Role.SYSTEM_ADMIN:
        raise PageRefused(who, Forbidden("only system admins choose a department", code="forbidden"))
    return who


@router.get("/realm", response_class=HTMLResponse)
def realm_form(request: Request, svc: Svc, token: Token = None) -> Response:
    """A system admin chooses the department whose pages they work in."""
    who = _system_admin(request, svc, token)
    with svc.db.session() as session:
        listed = [
            (r.code, r.name, area_name(r.province_code) if r.province_code else None)
            for r in realms.all_realms(session)
        ]
    return page(request, "choose_realm.html", who, realms=listed)


@router.post("/realm")
async def choose_realm(
    request: Request, svc: Svc, token: Token = None, realm: Annotated[str, Form()] = ""
) -> Response:
    who = await run_in_threadpool(_system_admin, request, svc, token)
    await check_csrf(request, who)

    def known() -> bool:
        with svc.db.session() as session:
            return any(r.code == realm for r in realms.all_realms(session))

    if not await run_in_threadpool(known):
        return RedirectResponse("/console/realm", status_code=303)
    answer = RedirectResponse("/console", status_code=303)
    answer.set_cookie(
        REALM_COOKIE, realm, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return answer


def _sign_out(svc: Svc, token: str) -> None:
    with svc.db.session() as session:
        users.sign_out(session, svc.secrets, token)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return page(request, "login.html", None)


@router.post("/login")
def login(
    request: Request,
    svc: Svc,
    client: ClientAddress,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> Response:
    try:
        with svc.db.session() as session:
            token = users.sign_in(session, svc.secrets, username, password, svc.now(), client=client)
        if token is None:
            raise Unauthorized("wrong username or password", code="bad_credentials")
    except BluezoneError as error:
        status = 429 if isinstance(error, RateLimited) else 401
        return page(request, "login.html", None, status=status, error=error_text(error, language(request)))
    response = RedirectResponse("/console", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=users.SESSION_SECONDS,
    )
    return response


@router.get("/second-factor", response_class=HTMLResponse)
def second_factor_form(request: Request, svc: Svc, token: Token = None) -> Response:
    """An admin's second step: enrolment the first time, a code from the authenticator after that."""
    who = signed_in(request, svc, token, pending_ok=True)
    if not who.pending:
        return RedirectResponse("/console", status_code=303)
    return _second_factor_page(request, svc, who)


def _second_factor_page(
    request: Request,
    svc: Svc,
    who: users.SignedIn,
    status: int = 200,
    proposed: str | None = None,
    **extra: Any,
) -> Response:
    """The enrolment (the same proposed secret again after a wrong code) or the code form."""
    enrolment = None
    if who.user.totp_secret is None:
        secret, sealed = second_factor.proposed_secret(svc.secrets, who.user, proposed)
        uri = second_factor.provisioning_uri(secret, who.user.username)
        grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        enrolment = {"secret": grouped, "sealed": sealed, "qr": qr_data_uri(uri, scale=5)}
    return page(request, "second_factor.html", who, status=status, enrolment=enrolment, **extra)


@router.post("/second-factor", response_class=HTMLResponse)
async def second_factor_submit(request: Request, svc: Svc, token: Token = None) -> Response:
    who = await run_in_threadpool(lambda: signed_in(request, svc, token, pending_ok=True))
    await check_csrf(request, who)
    form = await request.form()
    code, sealed = str(form.get("code", "")), str(form.get("enrolment", ""))
    return await run_in_threadpool(
        lambda: _second_step(request, svc, who, token or "", code=code, sealed=sealed)
    )


def _second_step(
    request: Request, svc: Svc, who: users.SignedIn, token: str, *, code: str, sealed: str
) -> Response:
    """Enrolment (with the proposed secret the form carries) or a code; the recovery codes, once."""
    recovery: list[str] | None = None
    try:
        with svc.db.session() as session:
            if sealed:
                recovery = second_factor.enrol(
                    session, svc.secrets, who.user, sealed=sealed, code=code, now=svc.now()
                )
                confirmed = recovery is not None
            else:
                confirmed = second_factor.confirm(session, svc.secrets, who.user, code, svc.now())
            if confirmed:
                users.complete_second_factor(session, svc.secrets, who, token, svc.now())
    except BluezoneError as error:
        status = 429 if isinstance(error, RateLimited) else 400
        shown = error_text(error, language(request))
        return _second_factor_page(request, svc, who, status, proposed=sealed or None, error=shown)
    if not confirmed:
        wrong = error_text(InvalidInput("wrong code", code="bad_code"), language(request))
        return _second_factor_page(request, svc, who, 400, proposed=sealed or None, error=wrong)
    if recovery:
        return page(request, "second_factor.html", who, recovery=recovery)
    return RedirectResponse("/console", status_code=303)


@router.post("/logout")
async def logout(request: Request, svc: Svc, token: Token = None) -> Response:
    """Signing out is a form like any other: a forged one (another site's) is refused."""
    try:
        who = await run_in_threadpool(lambda: signed_in(request, svc, token, pending_ok=True))
    except SignInNeeded:
        return to_login()
    await check_csrf(request, who)
    await run_in_threadpool(_sign_out, svc, token or "")
    response = to_login()
    response.delete_cookie(SESSION_COOKIE)
    return response
