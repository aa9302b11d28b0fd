"""The signed configuration phones follow, from a proposal and a second person's approval to the phone's
alert screen: signatures, rollback, the two-person rule, risk rules, isolation countdowns, the stop."""

from __future__ import annotations

import json
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from bluezone.authority import app_configs
from bluezone.clock import ManualClock
from bluezone.errors import Conflict, Forbidden, FormatError, InvalidInput, SignatureError
from bluezone.phone.client import ServerClient
from bluezone.phone.guidance import countdown
from bluezone.phone.phone import Phone
from bluezone.protocol.app_config import AppConfig, Isolation, read_config, sign_config
from bluezone.protocol.sms import key_id
from bluezone.risk.scoring import Level
from tests.conftest import RunningServer
from tests.phone.test_phone import START, _meet, _published

KEY = ec.generate_private_key(ec.SECP256R1())
KEYS = {key_id(KEY.public_key()): KEY.public_key()}
RULES_2021 = {"f1_days": 7, "f1_at_home": True, "f1_test_days": [1, 7], "f2_days": 0}


def test_a_signed_configuration_reads_back_and_a_changed_one_does_not() -> None:
    config = AppConfig(version=3, f1_minutes=10, f1_instructions={"vi": "Ở nhà 7 ngày."})
    signed = sign_config(config, KEY)
    assert read_config(signed, KEYS, newer_than=2) == config
    tampered = json.loads(signed)
    tampered["config"]["f1_minutes"] = 60
    with pytest.raises(SignatureError):
        read_config(json.dumps(tampered).encode(), KEYS)
    other = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(SignatureError):
        read_config(sign_config(config, other), KEYS)  # the export key, say: not the configuration's
    with pytest.raises(InvalidInput) as old:
        read_config(signed, KEYS, newer_than=3)  # an old file served again
    assert old.value.code == "config_old"
    for junk in (b"", b"{}", b"[1]", signed[:40]):
        with pytest.raises(FormatError):
            read_config(junk, KEYS)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"f1_minutes": 2}, "bad_f1_minutes"),
        ({"self_report_weight": 1.5}, "bad_weight"),
        ({"isolation": {"f1_days": 7, "f1_test_days": [10]}}, "bad_test_days"),
        ({"min_app_version": "two"}, "bad_app_version"),
        ({"f1_instructions": {"fr": "x"}}, "bad_instructions"),
        ({"surprise": 1}, "bad_config"),
    ],
)
def test_a_configuration_out_of_bounds_is_refused(changes: dict[str, object], code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        AppConfig.from_json({"version": 2, **changes})
    assert refused.value.code == code


def test_two_people_publish_and_the_phone_follows(server: RunningServer) -> None:
    svc = server.services
    with svc.db.session() as session:
        proposal = app_configs.propose(
            session,
            {"f1_minutes": 10, "isolation": RULES_2021, "f1_instructions": {"vi": "Ở nhà, xét nghiệm."}},
            actor="user:lan",
            note="Quyết định 2021: F1 cách ly tại nhà 7 ngày",
            now=svc.now(),
        )
    with svc.db.session() as session, pytest.raises(Forbidden):
        app_configs.approve(session, svc.secrets, svc.exports, proposal.id, actor="user:lan", now=svc.now())
    with server.client() as http:
        client = ServerClient(
            server.base_url, server.device_key, [svc.secrets.export_key.public_key()], http=http
        )
        keys = {key_id(svc.secrets.config_key.public_key()): svc.secrets.config_key.public_key()}
        assert client.new_config(keys, newer_than=1) is None  # nothing published yet
        with svc.db.session() as session:
            app_configs.approve(
                session, svc.secrets, svc.exports, proposal.id, actor="user:minh", now=svc.now()
            )
        config = client.new_config(keys, newer_than=1)
        assert config is not None and config.version == 2
        assert client.new_config(keys, newer_than=2) is None
    with svc.db.session() as session, pytest.raises(Conflict):
        app_configs.approve(session, svc.secrets, svc.exports, proposal.id, actor="user:minh", now=svc.now())
    with svc.db.session() as session:
        trail = [
            (v.config.version, v.status, v.proposed_by, v.decided_by) for v in app_configs.history(session)
        ]
    assert trail == [(2, "published", "user:lan", "user:minh")]

    phone, f0 = Phone(ManualClock(START.timestamp())), Phone(ManualClock(START.timestamp()))
    phone.apply_config(config)
    assert phone.risk.high_risk_seconds == 600
    clock = phone.clock
    assert isinstance(clock, ManualClock)
    f0.clock = clock
    _meet(phone, f0, clock, minutes=10, rssi=-72)  # 14 minutes: an F1 under the 10-minute rule
    clock.advance(86_400)
    (alert,) = phone.check(_published(f0)).new_alerts
    assert alert.level is Level.F1 and alert.instructions("vi") == "Ở nhà, xét nghiệm."
    assert alert.instructions("en").startswith("Stay where you are")  # no English given: the app's own
    screen = alert.render("vi", date(2026, 3, 3))
    assert "Cách ly tại nhà: còn 7 ngày, đến hết ngày 09/03/2026" in screen
    assert "Xét nghiệm vào các ngày: 03/03/2026, 09/03/2026." in screen


def test_a_countdown_under_the_2020_rules_and_after_it_ends() -> None:
    contact = date(2020, 7, 28)
    f1 = countdown(Level.F1, contact, Isolation())
    assert f1 is not None and f1.last_day == date(2020, 8, 11) and f1.days_left(contact) == 14
    shown = f1.render(date(2020, 8, 1), "vi")
    assert "cơ sở cách ly tập trung: còn 11 ngày, đến hết ngày 11/08/2020" in shown
    assert "Xét nghiệm vào các ngày: 04/08/2020, 11/08/2020." in shown
    assert f1.days_left(date(2020, 8, 11)) == 1 and "ended on 11 Aug 2020" in f1.render(
        date(2020, 8, 12), "en"
    )
    assert countdown(Level.F2, contact, Isolation(f2_days=0)) is None


def test_an_emergency_stop_pauses_matching_and_an_old_app_is_told_to_update() -> None:
    clock = ManualClock(START.timestamp())
    phone, f0 = Phone(clock), Phone(clock)
    _meet(phone, f0, clock, minutes=20, rssi=-72)
    clock.advance(86_400)
    phone.apply_config(AppConfig(version=2, emergency_stop=True, min_app_version="99.0"))
    check = phone.check(_published(f0))
    assert check.paused and check.new_alerts == [] and "tạm dừng" in check.summary("vi")
    assert phone.must_update("1.2.0") and not phone.must_update("99.0.1")


def test_local_levels_are_set_by_the_department_and_shown_where_the_user_lives(server: RunningServer) -> None:
    from bluezone.authority import area_levels
    from bluezone.authority.realms import realm_by_code
    from bluezone.phone.guidance import local_level, local_level_text

    svc = server.services
    with svc.db.session() as session:
        hanoi = realm_by_code(session, "HN")

        def set_level(area: str, level: int, cases: int | None) -> None:
            area_levels.set_level(
                session, svc.secrets, svc.exports, hanoi, area_code=area, level=level, cases_7d=cases,
                actor="user:hoa", now=svc.now(),
            )  # fmt: skip

        for area, level, cases in (("01", 2, 1234), ("00070", 3, 40)):
            set_level(area, level, cases)
        for area, level, code in (
            ("79", 2, "outside_province"),
            ("00004", 5, "bad_level"),
            ("", 1, "missing_area"),
        ):
            with pytest.raises((InvalidInput, Forbidden)) as refused:
                set_level(area, level, None)
            assert refused.value.code == code
    public = svc.secrets.config_key.public_key()
    with server.client() as http:
        client = ServerClient(
            server.base_url, server.device_key, [svc.secrets.export_key.public_key()], http=http
        )
        levels = client.local_levels({key_id(public): public})
    assert local_level_text(local_level(levels, "00070"), "vi") == (
        "Cấp độ dịch ở Phường Hoàn Kiếm: cấp 3, nguy cơ cao (vùng cam). 40 ca mắc trong 7 ngày qua."
    )
    found = local_level(levels, "00004")  # a commune with no level of its own: the province's
    assert found is not None and (found.area_code, found.level) == ("01", 2)
    assert "1,234 cases" in local_level_text(found, "en")
    assert local_level(levels, None) is None and "No epidemic level" in local_level_text(None, "en")
