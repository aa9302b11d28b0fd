"""Publishing through the domain service: certificate, transform, storage, revision token."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from bluezone.authority import certificates
from bluezone.authority.realms import authenticate, realm_by_code
from bluezone.authority.roles import KeyKind
from bluezone.errors import Unauthorized
from bluezone.keyserver.publish import Publication, PublishResult, available_at, publish
from bluezone.keyserver.rules import PublishRejected, SubmittedKey
from bluezone.protocol import tekmac
from bluezone.protocol.exposure_key import ReportType
from bluezone.store.models import Exposure
from tests.conftest import Authority, certificate_for, claim, issue

HMAC_KEY = bytes(range(32))


def _keys(a: Authority, days: int = 3) -> list[SubmittedKey]:
    today = a.now() // 600 - (a.now() // 600) % 144
    return [SubmittedKey(bytes([d + 7]) * 16, today - 144 * d, 144, 0) for d in range(days)]


def _certificate(a: Authority, keys: list[SubmittedKey], test_type: str = "confirmed") -> str:
    mac = tekmac.tekmac(HMAC_KEY, [k.as_exposure_key() for k in keys])
    return certificate_for(a.services, a.keys["device"], mac, test_type=test_type, symptom_date="2026-03-04")


def _publish(a: Authority, keys: list[SubmittedKey], certificate: str, realm: str = "HN") -> int:
    with a.services.db.session() as session:
        return publish(
            session, a.services.secrets, Publication(keys, realm, certificate, HMAC_KEY), a.now()
        ).inserted


def test_keys_are_stored_with_report_type_onset_and_embargo(authority: Authority) -> None:
    keys = _keys(authority)
    assert _publish(authority, keys, _certificate(authority, keys)) == 3
    with authority.services.db.session() as session:
        rows = {r.key_data[0]: r for r in session.scalars(select(Exposure))}
    hour = authority.now() - authority.now() % 3600
    assert rows[7].created_at > authority.now()  # today's key is still valid: embargoed until it expires
    assert rows[8].created_at == rows[9].created_at == hour  # truncated to the hour
    assert {r.report_type for r in rows.values()} == {ReportType.CONFIRMED_TEST}
    assert [rows[k].days_since_onset for k in (7, 8, 9)] == [1, 0, -1]  # symptoms from 4 March, today the 5th
    assert {r.transmission_risk for r in rows.values()} == {2}  # filled in for confirmed cases


def test_close_contact_codes_publish_recursive_keys(authority: Authority) -> None:
    keys = _keys(authority, 2)
    _publish(authority, keys, _certificate(authority, keys, "close-contact"))
    with authority.services.db.session() as session:
        assert {r.report_type for r in session.scalars(select(Exposure))} == {ReportType.RECURSIVE}


def test_a_certificate_works_only_for_its_keys_realm_and_lifetime(authority: Authority) -> None:
    keys = _keys(authority)
    certificate = _certificate(authority, keys)
    with pytest.raises(PublishRejected) as rejected:
        _publish(authority, _keys(authority, 2), certificate)
    assert rejected.value.code == "certificate_mismatch"
    with pytest.raises(Unauthorized):
        _publish(authority, keys, certificate, realm="HCM")
    tampered = certificate[:-4] + ("AAAA" if not certificate.endswith("AAAA") else "BBBB")
    with pytest.raises(Unauthorized):
        _publish(authority, keys, tampered)
    authority.clock.advance(15 * 60)
    with pytest.raises(Unauthorized) as expired:
        _publish(authority, keys, certificate)
    assert expired.value.code == "certificate_expired"


def test_a_token_buys_one_certificate(authority: Authority) -> None:
    svc = authority.services
    verified = claim(svc, authority.keys["device"], issue(svc, test_date="2026-03-05").code)
    assert verified is not None
    token = certificates.make_token(svc.secrets, verified, authority.now())
    mac = base64.b64encode(bytes(32)).decode()
    for attempt in range(2):
        with svc.db.session() as session:
            device = authenticate(session, svc.secrets, authority.keys["device"], KeyKind.DEVICE)
            if attempt == 0:
                certificates.issue_certificate(
                    session, svc.secrets, svc.settings, device, token=token, ekeyhmac=mac, now=authority.now()
                )
            else:
                with pytest.raises(Unauthorized):
                    certificates.issue_certificate(
                        session,
                        svc.secrets,
                        svc.settings,
                        device,
                        token=token,
                        ekeyhmac=mac,
                        now=authority.now(),
                    )


def _publish_with(a: Authority, keys: list[SubmittedKey], test_type: str, token: str | None) -> PublishResult:
    with a.services.db.session() as session:
        request = Publication(keys, "HN", _certificate(a, keys, test_type), HMAC_KEY, token)
        return publish(session, a.services.secrets, request, a.now())


def test_an_f1_found_positive_revises_their_keys_once(authority: Authority) -> None:
    keys = _keys(authority)
    first = _publish_with(authority, keys, "close-contact", None)
    with pytest.raises(PublishRejected) as refused:
        _publish_with(authority, keys, "confirmed", None)
    assert refused.value.code == "missing_revision_token"
    other = _publish_with(
        authority,
        _keys(authority, 1)[:0] or [SubmittedKey(b"z" * 16, keys[0].rolling_start, 144, 0)],
        "confirmed",
        None,
    )
    with pytest.raises(PublishRejected) as refused:
        _publish_with(authority, keys, "confirmed", other.revision_token)  # a token for other keys
    assert refused.value.code == "invalid_revision_token"
    with pytest.raises(PublishRejected) as refused:
        _publish_with(authority, keys, "confirmed", "bm90IGEgdG9rZW4=")
    assert refused.value.code == "invalid_revision_token"

    revised = _publish_with(authority, keys, "confirmed", first.revision_token)
    assert revised.inserted == 3
    with authority.services.db.session() as session:
        rows = list(
            session.scalars(select(Exposure).where(Exposure.key_data.in_([k.key_data for k in keys])))
        )
    assert {(r.report_type, r.revised_report_type) for r in rows} == {
        (ReportType.RECURSIVE, ReportType.CONFIRMED_TEST)
    }
    with pytest.raises(PublishRejected) as refused:
        _publish_with(authority, keys, "negative", revised.revision_token)
    assert refused.value.code == "key_already_revised"


def test_a_confirmed_key_cannot_be_revised(authority: Authority) -> None:
    keys = _keys(authority)
    first = _publish_with(authority, keys, "confirmed", None)
    with pytest.raises(PublishRejected) as refused:
        _publish_with(authority, keys, "negative", first.revision_token)
    assert refused.value.code == "invalid_report_type_transition"


def test_revision_tokens_have_one_size_and_are_sealed(authority: Authority) -> None:
    from cryptography.exceptions import InvalidTag

    from bluezone.keyserver.publish import read_revision_token, revision_token

    secrets_ = authority.services.secrets
    one, many = revision_token(secrets_, _keys(authority, 1)), revision_token(secrets_, _keys(authority, 14))
    assert len(one) == len(many)
    keys = _keys(authority, 14)
    assert read_revision_token(secrets_, many) == [
        (k.key_data, k.rolling_start, k.rolling_period) for k in keys
    ]
    forged = base64.b64decode(one)
    with pytest.raises(InvalidTag):
        read_revision_token(secrets_, base64.b64encode(forged[:-1] + bytes([forged[-1] ^ 1])).decode())


def test_embargo_times() -> None:
    day = 2_930_112  # a UTC day's first interval
    now = day * 600 + 5 * 3600 + 17
    assert available_at(day, 144, now) == (day + 144) * 600  # valid until midnight: exported after that
    assert available_at(day - 144, 144, now) == now - 17  # expired: this hour
    assert available_at(day, 31, now) == now - 17 + 3600  # expires at 05:10, next hour boundary 06:00


def test_uploads_feed_the_statistics(authority: Authority) -> None:
    from bluezone.authority import stats

    authority.services.settings.stats_minimum = 1
    _publish(authority, _keys(authority), _certificate(authority, _keys(authority)))
    with authority.services.db.session() as session:
        figures = stats.realm_figures(
            session, authority.services.settings, realm_by_code(session, "HN"), authority.now()
        )
    today = figures.days[-1]
    assert (today.withheld, today.publish_requests, today.codes_claimed, today.certificates) == (
        False,
        1,
        1,
        1,
    )
    assert figures.key_age_days[:4] == [1, 1, 1, 0]  # keys of today, yesterday and the day before
    assert figures.onset_to_upload_days[1] == 1  # symptoms from 4 March, upload on the 5th
