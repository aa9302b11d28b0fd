"""Console users: roles, passwords, lockout and sessions."""

from __future__ import annotations

import pytest

from bluezone.authority import users
from bluezone.authority.roles import Permission
from bluezone.errors import Conflict, Forbidden, InvalidInput, RateLimited, Unauthorized
from tests.authority.test_codes import stored_bytes
from tests.conftest import Authority

PASSWORD = "đúng-mật-khẩu-123"


def _user(a: Authority, name: str = "cw.hoa", role: str = "case_worker", realm: str | None = "HN") -> None:
    with a.services.db.session() as session:
        users.create_user(session, realm_code=realm, username=name, password=PASSWORD, role=role, now=a.now())


def _sign_in(a: Authority, name: str = "cw.hoa", password: str = PASSWORD) -> str:
    with a.services.db.session() as session:
        token = users.sign_in(session, a.services.secrets, name, password, a.now())
    if token is None:
        raise Unauthorized("wrong username or password")
    return token


def _who(a: Authority, token: str, realm: str | None = None) -> users.SignedIn:
    with a.services.db.session() as session:
        return users.signed_in(session, a.services.secrets, token, a.now(), realm)


def test_roles_decide_what_a_person_may_do(authority: Authority) -> None:
    _user(authority)
    _user(authority, "viewer.lan", "viewer")
    _user(authority, "root.admin", "system_admin", None)
    worker, viewer = _who(authority, _sign_in(authority)), _who(authority, _sign_in(authority, "viewer.lan"))
    assert worker.require(Permission.ISSUE_CODE).code == "HN"
    with pytest.raises(Forbidden):
        worker.require(Permission.MANAGE_FACILITIES)
    with pytest.raises(Forbidden):
        viewer.require(Permission.ISSUE_CODE)
    admin_token = _sign_in(authority, "root.admin")
    with pytest.raises(Forbidden):  # a system admin first chooses the realm to act in
        _who(authority, admin_token).require(Permission.ISSUE_CODE)
    assert _who(authority, admin_token, "HCM").require(Permission.ISSUE_CODE).code == "HCM"


def test_passwords_are_hashed_and_guessing_locks_the_account(authority: Authority) -> None:
    _user(authority)

    assert PASSWORD.encode() not in stored_bytes(authority)
    for _ in range(users.LOCK_AFTER):
        with pytest.raises(Unauthorized):
            _sign_in(authority, password="wrong-password")
    with pytest.raises(RateLimited):
        _sign_in(authority)
    authority.clock.advance(users.LOCK_SECONDS + 1)
    assert _sign_in(authority)
    with pytest.raises(Unauthorized):
        _sign_in(authority, "nobody")


def test_sessions_end(authority: Authority) -> None:
    _user(authority)
    token = _sign_in(authority)
    assert token.encode() not in stored_bytes(authority)
    authority.clock.advance(users.SESSION_SECONDS)
    with pytest.raises(Unauthorized):
        _who(authority, token)
    token = _sign_in(authority)
    with authority.services.db.session() as session:
        users.sign_out(session, authority.services.secrets, token)
    with pytest.raises(Unauthorized):
        _who(authority, token)


@pytest.mark.parametrize(
    ("name", "role", "realm", "password", "error"),
    [
        ("X", "viewer", "HN", PASSWORD, InvalidInput),
        ("ok.name", "boss", "HN", PASSWORD, InvalidInput),
        ("ok.name", "viewer", "HN", "short", InvalidInput),
        ("ok.name", "system_admin", "HN", PASSWORD, InvalidInput),
        ("ok.name", "viewer", None, PASSWORD, InvalidInput),
        ("cw.hoa", "viewer", "HN", PASSWORD, Conflict),
    ],
)
def test_bad_users_are_refused(
    authority: Authority, name: str, role: str, realm: str | None, password: str, *, error: type[Exception]
) -> None:
    _user(authority)
    with pytest.raises(error), authority.services.db.session() as session:
        users.create_user(session, realm_code=realm, username=name, password=password, role=role, now=1)
