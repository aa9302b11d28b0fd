"""The follow-up queue, facilities and statistics, through the domain functions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bluezone.authority import codes, facilities, followup, stats
from bluezone.authority.realms import authenticate, realm_by_code
from bluezone.authority.roles import KeyKind
from bluezone.errors import InvalidInput, NotFound
from bluezone.store.models import AuditEntry, Declaration
from tests.authority.test_codes import stored_bytes
from tests.conftest import Authority, claim

DETAILS = followup.ContactDetails("0912345678", "Nguyễn Văn A", "5 Lý Thái Tổ", "00037", "2026-03-03", "F1")


def _declare(a: Authority, realm: str = "HN", details: followup.ContactDetails = DETAILS) -> None:
    with a.services.db.session() as session:
        followup.declare(
            session, a.services.secrets, a.services.settings, realm_code=realm, details=details, now=a.now()
        )


def _queue(a: Authority, realm: str = "HN") -> list[followup.QueuedDeclaration]:
    with a.services.db.session() as session:
        actor = authenticate(session, a.services.secrets, a.keys["admin"], KeyKind.ADMIN)
        return followup.queue(
            session, a.services.secrets, realm_by_code(session, realm), f"key:{actor.label}", now=a.now()
        )


def test_declarations_are_sealed_audited_and_deleted(authority: Authority) -> None:
    _declare(authority)
    dump = stored_bytes(authority)
    for personal in ("0912345678", "Nguyễn Văn A", "5 Lý Thái Tổ"):
        assert personal.encode() not in dump
    assert [d.details for d in _queue(authority)] == [DETAILS]
    assert _queue(authority, "HCM") == []  # another province sees nothing of it
    with authority.services.db.session() as session:
        audit = list(session.scalars(select(AuditEntry)))
    assert [(e.action, e.actor) for e in audit] == [("read", f"key:{authority.keys['admin'][:10]}")]
    authority.clock.advance(30 * 86_400)
    with authority.services.db.session() as session:
        assert followup.purge_declarations(session, authority.now()) == 1
        assert session.scalar(select(Declaration)) is None


def test_sealed_data_is_bound_to_its_province_and_row(authority: Authority) -> None:
    from cryptography.exceptions import InvalidTag

    _declare(authority)
    secrets_ = authority.services.secrets
    with authority.services.db.session() as session:
        row = session.scalar(select(Declaration))
        assert row is not None
        with pytest.raises(InvalidTag):
            secrets_.open_for_realm("HCM", row.sealed, f"declaration:{row.id}".encode())
        with pytest.raises(InvalidTag):
            secrets_.open_for_realm("HN", row.sealed, f"declaration:{row.id + 1}".encode())


def test_a_close_contact_code_comes_from_the_queue(authority: Authority) -> None:
    _declare(authority)
    declaration = _queue(authority)[0]
    svc = authority.services
    with svc.db.session() as session:
        actor = authenticate(session, svc.secrets, authority.keys["admin"], KeyKind.ADMIN)

        def code_from(realm: str) -> codes.IssuedCode:
            return followup.issue_close_contact_code(
                session,
                svc.secrets,
                svc.settings,
                realm_by_code(session, realm),
                f"key:{actor.label}",
                declaration_id=declaration.id,
                now=authority.now(),
            )

        issued = code_from("HN")
        with pytest.raises(NotFound):
            code_from("HCM")  # another province's queue holds no such declaration
    verified = claim(svc, authority.keys["device"], issued.code)
    assert (
        verified is not None and verified.test_type == "close-contact" and verified.test_date == "2026-03-03"
    )
    assert _queue(authority) == []  # no longer new


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"phone": "12345"}, "bad_phone"),
        ({"name": ""}, "bad_name"),
        ({"communeCode": "37"}, "bad_commune"),
        ({"level": "F3"}, "bad_level"),
        ({"alertDate": "2026-02-01"}, "bad_date"),
    ],
)
def test_bad_declarations_are_named_and_nothing_is_stored(
    authority: Authority, change: dict[str, str], code: str
) -> None:
    fields = {
        "phone": DETAILS.phone,
        "name": DETAILS.name,
        "address": DETAILS.address,
        "commune_code": DETAILS.commune_code,
        "alert_date": DETAILS.alert_date,
        "level": DETAILS.level,
    }
    fields |= {
        {"communeCode": "commune_code", "alertDate": "alert_date"}.get(k, k): v for k, v in change.items()
    }
    with pytest.raises(InvalidInput) as error:
        _declare(authority, details=followup.ContactDetails(**fields))
    assert error.value.code == code
    with authority.services.db.session() as session:
        assert session.scalar(select(Declaration)) is None


def test_facilities_per_province(authority: Authority) -> None:
    with authority.services.db.session() as session:
        hn, hcm = realm_by_code(session, "HN"), realm_by_code(session, "HCM")
        added = facilities.add_facility(
            session,
            hn,
            name="Trạm Y tế",
            address="4 Hàng Bạc",
            phone="024 3828 9393",
            district_code="002",
            commune_code="00037",
            now=authority.now(),
        )
        with pytest.raises(InvalidInput):
            facilities.add_facility(session, hn, name="", address="x", phone="024", district_code="2", now=1)
        assert [f.name for f in facilities.facilities(session, hn)] == ["Trạm Y tế"]
        assert facilities.facilities(session, hcm) == []
        with pytest.raises(NotFound):
            facilities.remove_facility(session, hcm, added.id)
        facilities.remove_facility(session, hn, added.id)
        assert facilities.facilities(session, hn) == []


def test_small_days_are_withheld_from_statistics(authority: Authority) -> None:
    svc = authority.services
    svc.settings.stats_minimum = 3
    with svc.db.session() as session:
        realm = realm_by_code(session, "HN")
        issued = [
            codes.issue_code(
                session,
                svc.secrets,
                svc.settings,
                realm,
                test_type="confirmed",
                symptom_date="2026-03-04",
                test_date=None,
                phone=None,
                now=authority.now(),
            )
            for _ in range(4)
        ]

    for code in issued[:2]:
        claim(svc, authority.keys["device"], code.code)
    with svc.db.session() as session:
        today = stats.daily_figures(session, svc.settings, realm_by_code(session, "HN"), authority.now())[-1]
    assert today.withheld and today.codes_issued is None
    claim(svc, authority.keys["device"], issued[2].code)
    with svc.db.session() as session:
        today = stats.daily_figures(session, svc.settings, realm_by_code(session, "HN"), authority.now())[-1]
    assert (today.withheld, today.codes_issued, today.codes_claimed, today.certificates) == (False, 4, 3, 0)
