"""Console users: roles, passwords, sign-in throttling, accounts and sessions."""

from __future__ import annotations

import pytest

from bluezone.authority import accounts, users
from bluezone.authority.realms import realm_by_code
from bluezone.authority.roles import Permission
from bluezone.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited, Unauthorized
from tests.authority.test_codes import stored_bytes
from tests.conftest import Authority

PASSWORD = "đúng-mật-khẩu-123"


def _user(a: Authority, name: str = "cw.hoa", role: str = "case_worker", realm: str | None = "HN") -> None:
    with a.services.db.session() as session:
        users.create_user(session, realm_code=realm, username=name, password=PASSWORD, role=role, now=a.now())


def _sign_in(a: Authority, name: str = "cw.hoa", password: str = PASSWORD, client: str = "192.0.2.1") -> str:
    with a.services.db.session() as session:
        token = users.sign_in(session, a.services.secrets, name, password, a.now(), client=client)
    if token is None:
        raise Unauthorized("wrong username or password")
    return token


def _who(a: Authority, token: str, realm: str | None = None) -> users.SignedIn:
    """Who holds the token; an admin's pending second factor is counted as done (tested on its own)."""
    with a.services.db.session() as session:
        return users.signed_in(session, a.services.secrets, token, a.now(), realm, pending_ok=True)


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
    with authority.services.db.session() as session, pytest.raises(Unauthorized) as pending:
        users.signed_in(session, authority.services.secrets, admin_token, authority.now(), "HCM")
    assert pending.value.code == "second_factor"  # the password alone does not make an admin
    with pytest.raises(Forbidden):  # a system admin first chooses the realm to act in
        _who(authority, admin_token).require(Permission.ISSUE_CODE)
    assert _who(authority, admin_token, "HCM").require(Permission.ISSUE_CODE).code == "HCM"


def test_guessing_slows_that_client_down_but_locks_nobody_out(authority: Authority) -> None:
    _user(authority)
    assert PASSWORD.encode() not in stored_bytes(authority)
    for _ in range(users.FREE_TRIES):
        with pytest.raises(Unauthorized):
            _sign_in(authority, password="wrong-password", client="198.51.100.7")
    with pytest.raises(RateLimited) as waiting:
        _sign_in(authority, client="198.51.100.7")  # the guesser waits, even with the right password
    assert waiting.value.code == "slow_down"
    assert _sign_in(authority, client="203.0.113.9")  # the account's owner, elsewhere, signs in
    authority.clock.advance(users.wait_before_next_try(users.FREE_TRIES, users.FREE_TRIES))
    assert _sign_in(authority, client="198.51.100.7")
    with pytest.raises(Unauthorized):
        _sign_in(authority, "nobody")


def test_the_wait_doubles_and_is_capped() -> None:
    waits = [users.wait_before_next_try(n, 5) for n in range(4, 20)]
    assert waits[:5] == [0, 2, 4, 8, 16] and max(waits) == users.LONGEST_WAIT


def test_one_client_spraying_many_accounts_is_slowed(authority: Authority) -> None:
    for n in range(users.FREE_TRIES_PER_CLIENT):
        with pytest.raises(Unauthorized):
            _sign_in(authority, f"user.{n}", "wrong-password", client="198.51.100.7")
    with pytest.raises(RateLimited):
        _sign_in(authority, "user.x", "wrong-password", client="198.51.100.7")


def test_an_unknown_name_costs_the_same_scrypt_as_a_wrong_password(
    authority: Authority, monkeypatch: pytest.MonkeyPatch
) -> None:
    _user(authority)
    calls: list[str] = []
    original = users._password_matches

    def counted(password: str, stored: str) -> bool:
        calls.append(stored)
        return original(password, stored)

    monkeypatch.setattr(users, "_password_matches", counted)
    for name in ("cw.hoa", "nobody.here"):
        with pytest.raises(Unauthorized):
            _sign_in(authority, name, "wrong-password", client=name)
    assert len(calls) == 2 and calls[1] == users.DUMMY_HASH


def test_accounts_are_disabled_reset_and_logged(authority: Authority) -> None:
    _user(authority)
    _user(authority, "admin.an", "realm_admin")
    token = _sign_in(authority)
    with authority.services.db.session() as session:
        hanoi = realm_by_code(session, "HN")
        accounts.disable(session, "cw.hoa", realm=hanoi, actor="user:admin.an", now=authority.now())
        with pytest.raises(Forbidden):  # not their own
            accounts.disable(session, "admin.an", realm=hanoi, actor="user:admin.an", now=authority.now())
        with pytest.raises(NotFound):  # not another realm's
            accounts.disable(session, "cw.hoa", realm=realm_by_code(session, "HCM"), actor="x", now=1)
    with pytest.raises(Unauthorized):
        _who(authority, token)  # open sessions end
    with pytest.raises(Unauthorized):
        _sign_in(authority)  # and it signs in no more, answered like a wrong password
    with authority.services.db.session() as session:
        accounts.enable(session, "cw.hoa", realm=None, actor=accounts.OPERATOR, now=authority.now())
        accounts.reset_password(
            session, "cw.hoa", "một-mật-khẩu-mới", realm=None, actor=accounts.OPERATOR, now=authority.now()
        )
        logged = [(e.actor, e.action) for e in accounts.history(session, ["cw.hoa"])]
    assert _sign_in(authority, password="một-mật-khẩu-mới")
    assert logged == [("cli", "password_reset"), ("cli", "enabled"), ("user:admin.an", "disabled")]


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
