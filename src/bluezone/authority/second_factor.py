"""The admins' second factor: a TOTP authenticator (RFC 6238, as phone authenticator apps do) and ten
one-use recovery codes for a lost phone.

An admin's first sign-in with the password leads to enrolment: the secret is shown once (as text and a QR
code), the admin proves the authenticator works with a code from it, and receives the recovery codes. From
then on every sign-in asks for a code. Wrong codes slow down like wrong passwords.
"""

from __future__ import annotations

import base64
import secrets

import pyotp
from cryptography.exceptions import InvalidTag
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bluezone.authority import users
from bluezone.errors import InvalidInput
from bluezone.store.models import RecoveryCode, User
from bluezone.store.secrets import ServerSecrets

ISSUER = "Bluezone"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread on paper


def proposed_secret(secrets_: ServerSecrets, user: User, sealed: str | None = None) -> tuple[str, str]:
    """A secret for enrolment, and the same sealed for the form to carry back (bound to this user): a fresh
    one, or the one the form carried (after a wrong code, so that the admin need not scan again)."""
    if sealed is not None:
        return _opened(secrets_, user, sealed), sealed
    secret = pyotp.random_base32()
    fresh = secrets_.encrypt(secret.encode(), f"totp-enrolment:{user.id}".encode())
    return secret, base64.urlsafe_b64encode(fresh).decode()


def _opened(secrets_: ServerSecrets, user: User, sealed: str) -> str:
    try:
        return secrets_.decrypt(
            base64.urlsafe_b64decode(sealed.encode()), f"totp-enrolment:{user.id}".encode()
        ).decode()
    except (InvalidTag, ValueError):
        raise InvalidInput("the enrolment form expired; start again", code="csrf") from None


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def _subjects(secrets_: ServerSecrets, user: User) -> list[tuple[bytes, int]]:
    return [(secrets_.keyed_hash("second-factor", str(user.id))[:16], users.FREE_TRIES)]


def _count_wrong(session: Session, secrets_: ServerSecrets, user: User, now: int) -> None:
    users.count_failure(session, _subjects(secrets_, user), now)


def enrol(
    session: Session, secrets_: ServerSecrets, user: User, *, sealed: str, code: str, now: int
) -> list[str] | None:
    """Keep the proposed secret if `code` comes from it; the recovery codes, shown this once. None when the
    code is wrong (returned, not raised, so that the failure count is kept)."""
    users.check_wait(session, _subjects(secrets_, user), now)
    secret = _opened(secrets_, user, sealed)
    if not pyotp.TOTP(secret).verify(code.strip(), for_time=now, valid_window=1):
        _count_wrong(session, secrets_, user, now)
        return None
    stored = session.get(User, user.id)
    assert stored is not None
    stored.totp_secret = secrets_.encrypt(secret.encode(), f"totp:{user.id}".encode())
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=secrets_.keyed_hash("recovery", code)) for code in codes
    )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def confirm(session: Session, secrets_: ServerSecrets, user: User, code: str, now: int) -> bool:
    """Whether `code` is the authenticator's current one or an unused recovery code (used up now). A wrong
    one is counted, and returned as False so that the count is kept."""
    users.check_wait(session, _subjects(secrets_, user), now)
    typed = code.strip().lower().replace("-", "").replace(" ", "")
    assert user.totp_secret is not None
    secret = secrets_.decrypt(user.totp_secret, f"totp:{user.id}".encode()).decode()
    if typed.isdigit() and pyotp.TOTP(secret).verify(typed, for_time=now, valid_window=1):
        return True
    recovery = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == secrets_.keyed_hash("recovery", typed),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is not None:
        recovery.used_at = now
        return True
    _count_wrong(session, secrets_, user, now)
    return False


def forget(session: Session, user: User) -> None:
    """For an admin who lost both the authenticator and the codes: the next sign-in enrols anew."""
    user.totp_secret = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
