"""Looking after console accounts: disable, enable, reset a password; each change written to the account log.

A realm admin looks after the accounts of their own realm at their level or below (never a system admin's,
never their own); the CLI, run by the server's operator, looks after any.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bluezone.authority import second_factor
from bluezone.authority.roles import GRANTABLE, Role
from bluezone.authority.users import MIN_PASSWORD, hash_password
from bluezone.errors import Forbidden, InvalidInput, NotFound
from bluezone.store.models import AccountEvent, Realm, User, WebSession

OPERATOR = "cli"  # the actor the account log names for the server's own command line


class Change(StrEnum):
    CREATED = "created"
    DISABLED = "disabled"
    ENABLED = "enabled"
    PASSWORD_RESET = "password_reset"
    SECOND_FACTOR_RESET = "second_factor_reset"


def record(session: Session, *, actor: str, change: Change, username: str, now: int) -> None:
    session.add(AccountEvent(at=now, actor=actor, action=change.value, username=username))


def _account(session: Session, username: str, realm: Realm | None, actor: str) -> User:
    """The account to change, if the actor may: any for the operator (realm None), else one of the realm's
    at a level the realm admin may grant, and not the actor's own."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or (realm is not None and user.realm_id != realm.id):
        raise NotFound(f"no user {username}", code="unknown_user")
    if realm is not None and (Role(user.role) not in GRANTABLE or actor == f"user:{user.username}"):
        raise Forbidden("a realm admin cannot change that account", code="forbidden")
    return user


def disable(session: Session, username: str, *, realm: Realm | None, actor: str, now: int) -> None:
    """The account signs in no more, and its open sessions end now."""
    user = _account(session, username, realm, actor)
    if user.disabled_at is None:
        user.disabled_at = now
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        record(session, actor=actor, change=Change.DISABLED, username=user.username, now=now)


def enable(session: Session, username: str, *, realm: Realm | None, actor: str, now: int) -> None:
    user = _account(session, username, realm, actor)
    if user.disabled_at is not None:
        user.disabled_at = None
        record(session, actor=actor, change=Change.ENABLED, username=user.username, now=now)


def reset_password(
    session: Session, username: str, password: str, *, realm: Realm | None, actor: str, now: int
) -> None:
    """A new password, chosen by the person resetting it and passed on by them; open sessions end."""
    user = _account(session, username, realm, actor)
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters", code="weak_password")
    user.password_hash = hash_password(password)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    record(session, actor=actor, change=Change.PASSWORD_RESET, username=user.username, now=now)


def reset_second_factor(
    session: Session, username: str, *, realm: Realm | None, actor: str, now: int
) -> None:
    """For an admin who lost the authenticator and the recovery codes: the next sign-in enrols anew."""
    user = _account(session, username, realm, actor)
    second_factor.forget(session, user)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    record(session, actor=actor, change=Change.SECOND_FACTOR_RESET, username=user.username, now=now)


def history(session: Session, usernames: list[str], limit: int = 50) -> list[AccountEvent]:
    """The newest changes to these accounts."""
    return list(
        session.scalars(
            select(AccountEvent)
            .where(AccountEvent.username.in_(usernames))
            .order_by(AccountEvent.at.desc(), AccountEvent.id.desc())
            .limit(limit)
        )
    )
