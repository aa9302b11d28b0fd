"""One-time codes: lifetimes, single use, realm boundaries, throttling, and what is stored."""

from __future__ import annotations

import json
import logging
import secrets
import string

import pytest
from sqlalchemy import select

from bluezone.authority import codes, guessing
from bluezone.authority.realms import authenticate, realm_by_code
from bluezone.authority.roles import KeyKind
from bluezone.errors import Forbidden, InvalidInput, RateLimited, Unauthorized
from bluezone.store.models import ApiKey, Base, GuessCount
from tests.conftest import Authority


def _issue(a: Authority, test_type: str = "confirmed", **dates: str | None) -> codes.IssuedCode:
    values = {"symptom_date": "2026-03-04", "test_date": None, **dates}
    with a.services.db.session() as session:
        return codes.issue_code(
            session,
            a.services.secrets,
            a.services.settings,
            realm_by_code(session, "HN"),
            test_type=test_type,
            symptom_date=values["symptom_date"],
            test_date=values["test_date"],
            phone=None,
            now=a.now(),
        )


def _verify(
    a: Authority, code: str, key: str = "device", client: str = "192.0.2.1"
) -> codes.VerifiedCode | None:
    with a.services.db.session() as session:
        row = authenticate(session, a.services.secrets, a.keys[key], KeyKind.DEVICE)
        return codes.verify_code(
            session, a.services.secrets, a.services.settings, row, code=code, client=client, now=a.now()
        )


def test_short_code_lives_fifteen_minutes_long_code_a_day(authority: Authority) -> None:
    first, second = _issue(authority), _issue(authority)
    assert first.code.isdigit() and len(first.code) == 8 and len(first.long_code) == 16
    authority.clock.advance(15 * 60)
    assert _verify(authority, first.code) is None
    verified = _verify(authority, second.long_code)
    assert (
        verified is not None and verified.test_type == "confirmed" and verified.symptom_date == "2026-03-04"
    )
    authority.clock.advance(24 * 3600)
    assert _verify(authority, first.long_code) is None


def test_a_code_works_once_and_only_in_its_realm(authority: Authority) -> None:
    issued = _issue(authority)
    assert _verify(authority, issued.code, "other-realm-device") is None
    assert _verify(authority, issued.code) is not None
    assert _verify(authority, issued.code) is None
    assert _verify(authority, issued.long_code) is None  # one person, one claim


def test_a_guessing_client_waits_but_the_province_does_not(
    authority: Authority, caplog: pytest.LogCaptureFixture
) -> None:
    """One person guessing with the app's shared key must not lock every phone of the province out."""
    limit = authority.services.settings.verify_failures_per_client_hour
    for guess in range(limit):
        assert _verify(authority, f"{guess:08d}", client="198.51.100.7") is None
    first, second = _issue(authority), _issue(authority)
    with pytest.raises(RateLimited):
        _verify(authority, first.code, client="198.51.100.7")  # the guesser waits out the hour
    assert _verify(authority, first.code, client="203.0.113.9") is not None  # everyone else goes on
    with authority.services.db.session() as session:
        realm = realm_by_code(session, "HN")
        assert guessing.wrong_this_hour(session, realm, authority.now()) == limit  # watched, not refused
        stored = [row.client for row in session.scalars(select(GuessCount))]
    assert all(len(client) == guessing.CLIENT_HASH_BYTES for client in stored)  # keyed hashes, not addresses
    assert not any(b"198.51.100.7" in client or b"203.0.113.9" in client for client in stored)
    authority.clock.advance(3600)
    assert _verify(authority, second.long_code, client="198.51.100.7") is not None


def test_an_attack_on_the_app_key_is_raised_once_in_the_log(
    authority: Authority, caplog: pytest.LogCaptureFixture
) -> None:
    settings = authority.services.settings
    alert = settings.verify_failures_alert_per_hour = 30
    caplog.set_level(logging.WARNING, logger="bluezone.guessing")
    for guess in range(alert + 10):  # many clients, a few guesses each
        assert _verify(authority, f"{guess:08d}", client=f"10.0.{guess // 5}.1") is None
    warnings = [json.loads(record.getMessage()) for record in caplog.records]
    assert warnings == [{"event": "guessing", "realm": "HN", "wrong_codes_this_hour": alert}]


def test_a_realm_issues_at_most_its_daily_quota(authority: Authority) -> None:
    authority.services.settings.codes_per_realm_per_day = 3
    for _ in range(3):
        _issue(authority)
    with pytest.raises(RateLimited) as refused:
        _issue(authority)
    assert refused.value.code == "code_quota"
    with authority.services.db.session() as session:
        assert codes.issued_today(session, realm_by_code(session, "HN"), authority.now()) == 3
    authority.clock.advance(86_400)  # a new day in Viet Nam
    assert _issue(authority).code


def test_an_expired_by_hand_code_is_refused(authority: Authority) -> None:
    issued = _issue(authority)
    with authority.services.db.session() as session:
        assert codes.expire_code(
            session, authority.services.secrets, realm_by_code(session, "HN").id, issued.code
        )
    assert _verify(authority, issued.code) is None


@pytest.mark.parametrize(
    ("test_type", "dates", "code"),
    [
        ("positive", {}, "bad_test_type"),
        ("confirmed", {"symptom_date": None, "test_date": None}, "missing_date"),
        ("confirmed", {"symptom_date": "04/03/2026"}, "bad_date"),
        ("confirmed", {"symptom_date": "2026-03-09"}, "date_in_future"),
        ("confirmed", {"symptom_date": "2026-01-01"}, "date_too_old"),
    ],
)
def test_bad_issue_requests_are_named(
    authority: Authority, test_type: str, dates: dict[str, str | None], code: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        _issue(authority, test_type, **dates)
    assert error.value.code == code


def stored_bytes(a: Authority) -> bytes:
    """Every value of every table, as the database returns it."""
    dump = bytearray()
    with a.services.db.session() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)):
                for value in row:
                    dump += value if isinstance(value, bytes) else str(value).encode()
    return bytes(dump)


def test_only_keyed_hashes_are_stored(authority: Authority) -> None:
    issued = _issue(authority)
    dump = stored_bytes(authority)
    assert b"confirmed" in dump and b"2026-03-04" in dump  # the dump really holds the code's row
    for secret in (issued.code, issued.long_code, *authority.keys.values()):
        assert secret.encode() not in dump
    with authority.services.db.session() as session:
        labels = {k.label for k in session.scalars(select(ApiKey))}
    assert labels == {key[:10] for key in authority.keys.values()}  # only a prefix, to recognise a key by


def test_api_keys_are_checked_for_kind_and_existence(authority: Authority) -> None:
    with authority.services.db.session() as session:
        secrets_ = authority.services.secrets
        with pytest.raises(Unauthorized):
            authenticate(session, secrets_, None, KeyKind.ADMIN)
        with pytest.raises(Unauthorized):
            authenticate(session, secrets_, "bz_nope", KeyKind.ADMIN)
        with pytest.raises(Forbidden):
            authenticate(session, secrets_, authority.keys["device"], KeyKind.ADMIN)


def test_short_codes_recur_only_when_the_first_is_no_longer_live(
    authority: Authority, monkeypatch: pytest.MonkeyPatch
) -> None:
    draws = iter("12345678" * 2 + "12345678" + "87654321")
    real_choice = secrets.choice  # only the digits of short codes are forced; long codes stay random
    monkeypatch.setattr(
        secrets, "choice", lambda pool: next(draws) if pool == string.digits else real_choice(pool)
    )
    first = _issue(authority)
    assert _verify(authority, first.long_code) is not None  # claimed: no longer live
    second = _issue(authority)
    assert second.code == first.code == "12345678"  # the same digits may now be given out again
    third = _issue(authority)
    assert third.code == "87654321"  # while the second is live, a clash is drawn again
    verified = _verify(authority, second.code)
    assert verified is not None


def test_the_guessing_arithmetic(authority: Authority, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/security.md's figures: 20 guesses an hour per address against 10^8 short codes."""
    from tests.cli.test_cli import run

    settings = authority.services.settings
    assert guessing.outstanding_codes(settings) == (125, 5000)  # 5,000 a day over ten hours, 15 min each
    assert guessing.odds(settings, 1, 125).hit_per_hour == pytest.approx(20 * 125 / 10**8, rel=1e-3)
    assert guessing.odds(settings, 10_000, 5000).hours_to_hit == pytest.approx(0.1)
    code, out, _ = run(capsys, "admin", "guessing-odds", "--data-dir", str(settings.data_dir))
    assert code == 0 and "4.6 years" in out and "6 minutes" in out
