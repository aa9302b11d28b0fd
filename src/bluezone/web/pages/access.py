"""Who is signed in to the console and whether they may do this: FastAPI dependencies for "a staff member
with permission P" (in a realm, where the work belongs to one), with the form's CSRF token checked on posts.

A refusal is raised, not returned: someone not signed in is sent to the sign-in page, someone without the
permission sees the refusal in their language.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Cookie, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bluezone.authority import users
from bluezone.authority.roles import Permission
from bluezone.campaign import access as campaign_access
from bluezone.errors import Forbidden, Unauthorized
from bluezone.store.models import Realm
from bluezone.web.dependencies import Svc
from bluezone.web.pages.rendering import error_text, language, page

SESSION_COOKIE, REALM_COOKIE = "bz_session", "bz_realm"
Token = Annotated[str | None, Cookie(alias=SESSION_COOKIE)]


class SignInNeeded(Exception):
    """No valid session: the page sends the browser to sign in."""


class SecondFactorNeeded(Exception):
    """Signed in with the password only: the page sends an admin to the second step."""


class PageRefused(Exception):
    """Signed in, but this is not theirs to do: the page says so."""

    def __init__(self, who: users.SignedIn, error: Forbidden) -> None:
        super().__init__(error.message)
        self.who, self.error = who, error


class RealmNeeded(Exception):
    """A system admin opened a department's page before choosing the department: the chooser answers."""


@dataclass(frozen=True)
class InRealm:
    """A staff member acting in one realm (system admins: the realm they chose)."""

    who: users.SignedIn
    realm: Realm


def signed_in(request: Request, svc: Svc, token: str | None, *, pending_ok: bool = False) -> users.SignedIn:
    try:
        with svc.db.session() as session:
            realm = request.cookies.get(REALM_COOKIE)
            return users.signed_in(session, svc.secrets, token, svc.now(), realm, pending_ok=pending_ok)
    except Unauthorized as error:
        raise (SecondFactorNeeded if error.code == "second_factor" else SignInNeeded) from None


def _permitted(request: Request, svc: Svc, token: str | None, permission: Permission) -> users.SignedIn:
    who = signed_in(request, svc, token)
    if not who.may(permission):
        raise PageRefused(who, Forbidden("your role does not allow this", code="forbidden"))
    return who


async def check_csrf(request: Request, who: users.SignedIn) -> None:
    sent = (await request.form()).get("csrf")  # parsed once: the route's own form fields read the same
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), who.csrf.encode()):
        raise PageRefused(who, Forbidden("the form expired", code="csrf"))


class Staff:
    """`Depends(Staff(P))`: the signed-in person, if their role grants P; `form=True` checks CSRF too."""

    def __init__(self, permission: Permission, *, form: bool = False) -> None:
        self.permission, self.form = permission, form

    async def __call__(self, request: Request, svc: Svc, token: Token = None) -> users.SignedIn:
        who = await run_in_threadpool(_permitted, request, svc, token, self.permission)
        if self.form:
            await check_csrf(request, who)
        return who


class RealmStaff(Staff):
    """`Depends(RealmStaff(P))`: as Staff, with the realm they act in (a system admin must choose one)."""

    async def __call__(  # type: ignore[override]
        self, request: Request, svc: Svc, token: Token = None
    ) -> InRealm:
        who = await super().__call__(request, svc, token)
        if who.realm is None:
            raise RealmNeeded
        return InRealm(who, who.realm)


def campaign_scope(who: users.SignedIn) -> campaign_access.Scope:
    return campaign_access.of_user(who.user, who.realm)


def to_login() -> RedirectResponse:
    return RedirectResponse("/console/login", status_code=303)


async def _sign_in_needed(_request: Request, _error: Exception) -> Response:
    return to_login()


async def _realm_needed(_request: Request, _error: Exception) -> Response:
    return RedirectResponse("/console/realm", status_code=303)


async def _second_factor_needed(_request: Request, _error: Exception) -> Response:
    return RedirectResponse("/console/second-factor", status_code=303)


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, PageRefused)
    message = error_text(error.error, language(request))
    return page(request, "refused.html", error.who, status=403, error=message)


def install(app: FastAPI) -> None:
    app.add_exception_handler(SignInNeeded, _sign_in_needed)
    app.add_exception_handler(SecondFactorNeeded, _second_factor_needed)
    app.add_exception_handler(PageRefused, _refused)
    app.add_exception_handler(RealmNeeded, _realm_needed)
