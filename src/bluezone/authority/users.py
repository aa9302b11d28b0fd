"""People who use the console: passwords (scrypt), sign-in, and web sessions.

A session token lives only in the browser's cookie; the database keeps its keyed hash. Sign-in costs one
scrypt whether the name exists or not, and wrong passwords slow down the account from that client (and
the client on every account) with a doubling wait, instead of locking the account for everyone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bluezone.authority.realms import realm_by_code
from bluezone.authority.roles import PERMISSIONS, SECOND_FACTOR_ROLES, Permission, Role
from bluezone.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited, Unauthorized
from bluezone.store.inserts import locked_counter
from bluezone.store.models import Lab, Realm, SignInFailures, User, WebSession
from bluezone.store.secrets import ServerSecrets

USERNAME = re.compile(r"^[a-z0-9._-]{3,64}$")
SCOPE = re.compile(r"^(area:\d{2,5}|unit:\d{1,10})$")
MIN_PASSWORD = 10
SESSION_SECONDS = 8 * 3600
FREE_TRIES = 5  # wrong passwords for an account from one client before it must wait
FREE_TRIES_PER_CLIENT = 30  # on any accounts, before that client must wait
LONGEST_WAIT = 900  # the wait doubles with each further failure, up to 15 minutes
FAILURES_KEPT = 86_400
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class SignedIn:
    user: User
    realm: Realm | None
    csrf: str
    pending: bool = False  # the second factor is still to come

    @property
    def role(self) -> Role:
        return Role(self.user.role)

    @property
    def actor(self) -> str:
        return f"user:{self.user.username}"

    def may(self, permission: Permission) -> bool:
        return permission in PERMISSIONS[self.role]

    def require(self, permission: Permission) -> Realm:
        """The realm to act in, if this person may do this; system admins act in the realm they chose."""
        if not self.may(permission) or self.realm is None:
            raise Forbidden("your role does not allow this", code="forbidden")
        return self.realm


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


DUMMY_HASH = hash_password(secrets.token_urlsafe(16))  # checked for unknown names: the same work either way


def _password_matches(password: str, stored: str) -> bool:
    _, salt, digest = stored.split("$")
    computed = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), dklen=32, **SCRYPT)
    return hmac.compare_digest(computed, base64.b64decode(digest))


def create_user(
    session: Session,
    *,
    realm_code: str | None,
    username: str,
    password: str,
    role: str,
    now: int,
    scope: str | None = None,
    lab_id: int | None = None,
) -> User:
    try:
        chosen = Role(role)
    except ValueError:
        raise InvalidInput(f"role must be one of {', '.join(Role)}", code="bad_role") from None
    if not USERNAME.match(username):
        raise InvalidInput(
            "a username is 3-64 lower-case letters, digits, '.', '_' or '-'", code="bad_username"
        )
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters", code="weak_password")
    if (realm_code is None) != (chosen is Role.SYSTEM_ADMIN):
        raise InvalidInput("system admins have no realm; everyone else belongs to one", code="bad_realm")
    if scope is not None and (chosen is not Role.CAMPAIGN_OFFICER or not SCOPE.match(scope)):
        raise InvalidInput("a scope (area:CODE or unit:ID) is for campaign officials", code="bad_scope")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"user {username} exists already", code="user_exists")
    realm_id = None if realm_code is None else realm_by_code(session, realm_code).id
    if (chosen is Role.LAB_STAFF) != (lab_id is not None):
        raise InvalidInput("lab staff belong to a lab, and only lab staff do", code="lab_staff_needs_lab")
    if lab_id is not None:
        lab = session.get(Lab, lab_id)
        if lab is None or lab.realm_id != realm_id:
            raise NotFound("no such lab in this health department", code="unknown_lab")
    user = User(
        realm_id=realm_id,
        username=username,
        password_hash=hash_password(password),
        role=chosen.value,
        created_at=now,
        scope=scope,
        lab_id=lab_id,
    )
    session.add(user)
    session.flush()
    return user


def _subjects(secrets_: ServerSecrets, username: str, client: str) -> list[tuple[bytes, int]]:
    """What failures are counted against, each with its free tries: the account from this client, and the
    client on any account."""
    account = secrets_.keyed_hash("sign-in", f"{username}\x00{client}")[:16]
    anywhere = secrets_.keyed_hash("sign-in", f"\x00{client}")[:16]
    return [(account, FREE_TRIES), (anywhere, FREE_TRIES_PER_CLIENT)]


def wait_before_next_try(failures: int, free: int) -> int:
    return 0 if failures < free else min(LONGEST_WAIT, 2 ** (failures - free + 1))


def check_wait(session: Session, subjects: list[tuple[bytes, int]], now: int) -> None:
    """Refuse a try while any of its subjects must still wait after its failures."""
    for subject, free in subjects:
        row = locked_counter(session, SignInFailures, {"last_at": 0}, subject=subject)
        if now < row.last_at + wait_before_next_try(row.failures, free):
            wait = row.last_at + wait_before_next_try(row.failures, free) - now
            raise RateLimited(f"too many wrong tries; try again in {wait} seconds", code="slow_down")


def count_failure(session: Session, subjects: list[tuple[bytes, int]], now: int) -> None:
    for subject, _ in subjects:
        row = locked_counter(session, SignInFailures, {"last_at": 0}, subject=subject)
        row.failures, row.last_at = row.failures + 1, now


def sign_in(
    session: Session, secrets_: ServerSecrets, username: str, password: str, now: int, *, client: str
) -> str | None:
    """A new session token for the browser, or None for a wrong name or password (a disabled account
    answers alike). Returning, not raising, lets the transaction keep the failure counts. An admin's new
    session is pending until the second factor (second_factor.py)."""
    name = username.strip().lower()
    subjects = _subjects(secrets_, name, client)
    check_wait(session, subjects, now)
    user = session.scalar(select(User).where(User.username == name))
    matches = _password_matches(password, DUMMY_HASH if user is None else user.password_hash)
    if user is None or not matches or user.disabled_at is not None:
        count_failure(session, subjects, now)
        return None
    session.execute(delete(SignInFailures).where(SignInFailures.subject == subjects[0][0]))
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=secrets_.keyed_hash("web-session", token),
            user_id=user.id,
            csrf=secrets.token_urlsafe(24),
            expires_at=now + SESSION_SECONDS,
            pending=Role(user.role) in SECOND_FACTOR_ROLES,
        )
    )
    if Role(user.role) not in SECOND_FACTOR_ROLES:
        user.last_sign_in_at = now
    return token


def signed_in(
    session: Session,
    secrets_: ServerSecrets,
    token: str | None,
    now: int,
    realm_code: str | None = None,
    *,
    pending_ok: bool = False,
) -> SignedIn:
    """Who holds this session token. A session still waiting for its second factor is good for nothing
    else (`second_factor`), unless the caller is the second-factor step itself (`pending_ok`)."""
    if not token:
        raise Unauthorized("please sign in", code="not_signed_in")
    row = session.scalar(
        select(WebSession).where(WebSession.token_hash == secrets_.keyed_hash("web-session", token))
    )
    if row is None or row.expires_at <= now:
        raise Unauthorized("your session has ended; please sign in again", code="not_signed_in")
    user = session.get(User, row.user_id)
    assert user is not None
    if user.disabled_at is not None:
        raise Unauthorized("this account is disabled", code="not_signed_in")
    if row.pending and not pending_ok:
        raise Unauthorized("confirm the sign-in with your authenticator", code="second_factor")
    realm = session.get(Realm, user.realm_id) if user.realm_id is not None else None
    if user.role == Role.SYSTEM_ADMIN and realm_code:
        realm = realm_by_code(session, realm_code)
    return SignedIn(user, realm, row.csrf, row.pending)


def complete_second_factor(
    session: Session, secrets_: ServerSecrets, who: SignedIn, token: str, now: int
) -> None:
    """The session is good for work now, and the sign-in is complete."""
    session.execute(
        update(WebSession)
        .where(WebSession.token_hash == secrets_.keyed_hash("web-session", token))
        .values(pending=False)
    )
    session.execute(update(User).where(User.id == who.user.id).values(last_sign_in_at=now))


def sign_out(session: Session, secrets_: ServerSecrets, token: str) -> None:
    session.execute(
        delete(WebSession).where(WebSession.token_hash == secrets_.keyed_hash("web-session", token))
    )


def purge_sessions(session: Session, now: int) -> int:
    """Ended sessions, and sign-in failures older than a day."""
    ended = session.execute(delete(WebSession).where(WebSession.expires_at <= now)).rowcount  # type: ignore[attr-defined]
    old = session.execute(delete(SignInFailures).where(SignInFailures.last_at < now - FAILURES_KEPT))
    return int(ended + old.rowcount)  # type: ignore[attr-defined]


def realm_users(session: Session, realm: Realm) -> list[User]:
    return list(session.scalars(select(User).where(User.realm_id == realm.id).order_by(User.username)))
