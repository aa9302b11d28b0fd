"""The console's door: sign in, sign out, and each role's landing page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bluezone.authority import users
from bluezone.errors import BluezoneError, RateLimited, Unauthorized
from bluezone.web.dependencies import ClientAddress, Svc
from bluezone.web.pages.access import SESSION_COOKIE, SignInNeeded, Token, check_csrf, signed_in, to_login
from bluezone.web.pages.rendering import NAV, error_text, language, page

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


@router.post("/logout")
async def logout(request: Request, svc: Svc, token: Token = None) -> Response:
    """Signing out is a form like any other: a forged one (another site's) is refused."""
    try:
        who = await run_in_threadpool(signed_in, request, svc, token)
    except SignInNeeded:
        return to_login()
    await check_csrf(request, who)
    await run_in_threadpool(_sign_out, svc, token or "")
    response = to_login()
    response.delete_cookie(SESSION_COOKIE)
    return response
