"""People who use the console: roles, passwords (scrypt), sign-in with lockout, and web sessions.

A session token lives only in the browser's cookie; the database keeps its keyed hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bluezone.authority.realms import realm_by_code
from bluezone.authority.roles import PERMISSIONS, Permission, Role
from bluezone.errors import Conflict, Forbidden, InvalidInput, RateLimited, Unauthorized
from bluezone.store.models import Realm, User, WebSession
from bluezone.store.secrets import ServerSecrets

USERNAME = re.compile(r"^[a-z0-9._-]{3,64}$")
SCOPE = re.compile(r"^(area:\d{2,5}|unit:\d{1,10})$")
MIN_PASSWORD = 10
SESSION_SECONDS = 8 * 3600
LOCK_AFTER, LOCK_SECONDS = 10, 3600
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class SignedIn:
    user: User
    realm: Realm | None
    csrf: str

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
    user = User(
        realm_id=realm_id,
        username=username,
        password_hash=hash_password(password),
        role=chosen.value,
        created_at=now,
        failed_logins=0,
        locked_until=0,
        scope=scope,
    )
    session.add(user)
    session.flush()
    return user


def sign_in(session: Session, secrets_: ServerSecrets, username: str, password: str, now: int) -> str | None:
    """A new session token for the browser, or None for a wrong name or password. Wrong passwords count
    towards an hour's lockout; returning (not raising) lets the transaction keep that count."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()).with_for_update())
    if user is not None and user.locked_until > now:
        raise RateLimited("too many wrong passwords; try again in an hour", code="locked")
    if user is None or not _password_matches(password, user.password_hash):
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= LOCK_AFTER:
                user.locked_until, user.failed_logins = now + LOCK_SECONDS, 0
        return None
    user.failed_logins = 0
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=secrets_.keyed_hash("web-session", token),
            user_id=user.id,
            csrf=secrets.token_urlsafe(24),
            expires_at=now + SESSION_SECONDS,
        )
    )
    return token


def signed_in(
    session: Session, secrets_: ServerSecrets, token: str | None, now: int, realm_code: str | None = None
) -> SignedIn:
    if not token:
        raise Unauthorized("please sign in", code="not_signed_in")
    row = session.scalar(
        select(WebSession).where(WebSession.token_hash == secrets_.keyed_hash("web-session", token))
    )
    if row is None or row.expires_at <= now:
        raise Unauthorized("your session has ended; please sign in again", code="not_signed_in")
    user = session.get(User, row.user_id)
    assert user is not None
    realm = session.get(Realm, user.realm_id) if user.realm_id is not None else None
    if user.role == Role.SYSTEM_ADMIN and realm_code:
        realm = realm_by_code(session, realm_code)
    return SignedIn(user, realm, row.csrf)


def sign_out(session: Session, secrets_: ServerSecrets, token: str) -> None:
    session.execute(
        delete(WebSession).where(WebSession.token_hash == secrets_.keyed_hash("web-session", token))
    )


def purge_sessions(session: Session, now: int) -> int:
    return int(session.execute(delete(WebSession).where(WebSession.expires_at <= now)).rowcount)  # type: ignore[attr-defined]


def realm_users(session: Session, realm: Realm) -> list[User]:
    return list(session.scalars(select(User).where(User.realm_id == realm.id).order_by(User.username)))
