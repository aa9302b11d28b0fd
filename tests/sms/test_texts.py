"""Texts that cannot be spoofed, sent through a real SMPP server and an HTTP gateway: signed for one number
and day, verified by the app before it offers the code; refusals counted per realm; self-reports confirmed
by the text itself and de-duplicated by keyed hash only."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select

from bluezone.authority import texting
from bluezone.authority.realms import realm_by_code
from bluezone.authority.stats import daily_figures
from bluezone.clock import local_date
from bluezone.errors import InvalidInput, SignatureError
from bluezone.phone.client import ServerClient
from bluezone.phone.phone import Phone
from bluezone.protocol.exposure_key import ReportType
from bluezone.protocol.sms import code_from_link, international, key_id, sign_text, verify_text
from bluezone.sms.senders import HttpSender, SmsFailed, sender_from_url
from bluezone.store.models import Exposure, SelfReport, SmsCount, VerificationCode
from bluezone.web.api.privacy import PADDED_SIZE
from tests.conftest import REALM, RunningServer
from tests.sms.conftest import SmsCentre

NUMBER = "0912 345 678"
TODAY = date(2026, 3, 2)
BODY = "Bluezone: ma xac nhan cua ban la 12345678. bluezone://v?c=abcdefgh23456789"


@pytest.fixture
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _keys(key: ec.EllipticCurvePrivateKey) -> dict[str, ec.EllipticCurvePublicKey]:
    return {key_id(key.public_key()): key.public_key()}


# ------------------------------------------------------------------ signatures


def test_a_signed_text_verifies_for_its_number_and_days(key: ec.EllipticCurvePrivateKey) -> None:
    signed = sign_text(BODY, NUMBER, TODAY, key)
    checked = verify_text(signed, "+84912345678", _keys(key), TODAY + timedelta(days=1))
    assert (checked.body, checked.code, checked.sent_on) == (BODY, "abcdefgh23456789", TODAY)
    assert international("84912345678") == international("0912.345.678") == "+84912345678"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda t: t.replace("12345678", "87654321", 1), "sms_bad_signature"),  # altered
        (lambda t: t.rpartition("\n")[0], "sms_unsigned"),  # the signature line dropped
        (lambda t: t[:-3] + ("AAA" if t[-3:] != "AAA" else "BBB"), "sms_bad_signature"),
    ],
)
def test_an_altered_or_unsigned_text_is_refused(
    key: ec.EllipticCurvePrivateKey, change: Any, code: str
) -> None:
    with pytest.raises(SignatureError) as refused:
        verify_text(change(sign_text(BODY, NUMBER, TODAY, key)), NUMBER, _keys(key), TODAY)
    assert refused.value.code == code


def test_a_text_for_another_number_from_another_key_or_weeks_ago_is_refused(
    key: ec.EllipticCurvePrivateKey,
) -> None:
    signed = sign_text(BODY, NUMBER, TODAY, key)
    for number, keys, today, code in [
        ("0987654321", _keys(key), TODAY, "sms_bad_signature"),
        (NUMBER, _keys(ec.generate_private_key(ec.SECP256R1())), TODAY, "sms_unknown_key"),
        (NUMBER, _keys(key), TODAY + timedelta(days=3), "sms_too_old"),
    ]:
        with pytest.raises(SignatureError) as refused:
            verify_text(signed, number, keys, today)
        assert refused.value.code == code
    with pytest.raises(InvalidInput):
        sign_text(BODY, "12345", TODAY, key)
    assert code_from_link("no link here") is None


# ------------------------------------------------------------------ senders


def test_smpp_delivers_a_long_vietnamese_text_in_parts(smsc: SmsCentre) -> None:
    sender = sender_from_url(smsc.url)
    text = "Mã xác nhận Bluezone của bạn là 12345678; mở ứng dụng để cảnh báo người ở gần bạn. " * 3
    sender.send("+84912345678", text)
    (received,) = smsc.texts(1)
    assert (received["to"], received["from"], received["data_coding"]) == ("84912345678", "BoYTe", 8)
    assert received["text"] == text and received["esm_class"] == 0x40  # UCS-2 in concatenated parts


def test_smpp_refusals_and_outages_are_failures(smsc: SmsCentre) -> None:
    with pytest.raises(SmsFailed):
        sender_from_url(smsc.url).send("+84910000000", "x")  # the centre refuses the number
    smsc.texts(1)
    with pytest.raises(SmsFailed):
        sender_from_url(smsc.url.replace("secret12", "wrong")).send("+84912345678", "x")
    with pytest.raises(SmsFailed):
        sender_from_url("smpp://bluezone:x@127.0.0.1:9?from=BoYTe").send("+84912345678", "x")
    with pytest.raises(InvalidInput):
        sender_from_url("smpp://127.0.0.1:2775")
    with pytest.raises(SmsFailed) as none:
        sender_from_url("none").send("+84912345678", "x")
    assert none.value.code == "sms_not_configured"


@pytest.fixture
def gateway() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """An SMS gateway's HTTP API: takes {to, text} with a bearer token, refuses numbers ending 0000000."""
    received: list[dict[str, Any]] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            ok = self.headers.get("Authorization") == "Bearer t0ken" and not body["to"].endswith("0000000")
            received.append({**body, "ok": ok})
            self.send_response(200 if ok else 502)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"id": str(len(received))}).encode())

        def log_message(self, *_args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/send", received
    server.shutdown()


def test_an_http_gateway_sends_with_its_token(gateway: tuple[str, list[dict[str, Any]]]) -> None:
    url, received = gateway
    assert sender_from_url(url, "t0ken").send("+84912345678", "Xin chào") == "1"
    with pytest.raises(SmsFailed):
        HttpSender(url, "wrong").send("+84912345678", "x")
    assert [r["ok"] for r in received] == [True, False] and received[0]["text"] == "Xin chào"


# ------------------------------------------------------------------ through the server


def _sms_keys(server: RunningServer) -> dict[str, ec.EllipticCurvePublicKey]:
    return _keys(server.services.secrets.sms_key)


def test_a_code_texted_by_the_server_is_verified_and_used_by_the_app(
    server: RunningServer, smsc: SmsCentre
) -> None:
    server.services.sms = sender_from_url(smsc.url)
    body = {"testType": "confirmed", "symptomDate": "2026-03-01", "phone": NUMBER}
    with server.client() as http:
        issued = http.post("/api/issue", json=body, headers={"X-API-Key": server.admin_key}).json()
        refused = http.post(
            "/api/issue", json={**body, "phone": "0910000000"}, headers={"X-API-Key": server.admin_key}
        ).json()
        (text,) = smsc.texts(1)
        smsc.texts(1)
        assert (issued["smsSent"], refused["smsSent"]) == (True, False)
        today = local_date(server.services.now())
        checked = verify_text(text["text"], NUMBER, _sms_keys(server), today)
        assert issued["code"] in checked.body and checked.code == issued["longCode"]
        verified = http.post(
            "/api/verify", json={"code": checked.code}, headers={"X-API-Key": server.device_key}
        )
    assert verified.status_code == 200 and verified.json()["testtype"] == "confirmed"
    with server.services.db.session() as session:
        row = session.scalar(select(SmsCount))
        assert row is not None and (row.sent, row.failures) == (1, 1)
        realm = realm_by_code(session, REALM)
        figures = daily_figures(
            session, server.services.settings, realm, server.services.now(), published=False
        )[-1]
        assert (figures.texts_sent, figures.texts_failed, figures.codes_issued) == (1, 1, 2)
        stored = " ".join(str(v) for r in session.scalars(select(VerificationCode)) for v in vars(r).values())
    assert "912345678" not in stored  # the number went to the centre, not into the database


def test_a_batch_of_codes_takes_the_quota_first(server: RunningServer) -> None:
    item = {"testType": "confirmed", "testDate": "2026-03-01"}
    with server.client() as http:
        made = http.post(
            "/api/batch-issue", json={"codes": [item] * 3}, headers={"X-API-Key": server.admin_key}
        )
        server.services.settings.codes_per_realm_per_day = 4
        over = http.post(
            "/api/batch-issue", json={"codes": [item] * 2}, headers={"X-API-Key": server.admin_key}
        )
    assert made.status_code == 200 and len({c["code"] for c in made.json()["codes"]}) == 3
    assert (over.status_code, over.json()["code"]) == (429, "code_quota")
    with server.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(VerificationCode)) == 3


def test_a_self_report_confirmed_by_text_warns_with_its_own_report_type(
    server: RunningServer, smsc: SmsCentre
) -> None:
    server.services.sms = sender_from_url(smsc.url)
    phone = Phone(server.clock)
    phone.current_key()
    day = (local_date(server.services.now()) - timedelta(days=1)).isoformat()
    report = {"phone": NUMBER, "testDate": day}
    device = {"X-API-Key": server.device_key}
    with server.client() as http:
        first = http.post("/api/self-report", json=report, headers=device)
        (text,) = smsc.texts(1)
        again = http.post("/api/self-report", json=report, headers=device)
        (repeat,) = smsc.texts(1)
        chaff = http.post("/api/self-report", json=report, headers={**device, "X-Chaff": "1"})
        code = verify_text(text["text"], NUMBER, _sms_keys(server), local_date(server.services.now())).code
        assert code is not None
        client = _client(server, http)
        client.upload(code, phone.prepare_upload(date.fromisoformat(day)), REALM)
    assert first.status_code == again.status_code == chaff.status_code == 202
    assert len(first.content) == len(again.content) == len(chaff.content) == PADDED_SIZE
    assert "90 ngay" in repeat["text"] and smsc.received.empty()  # the repeat is told; chaff texts nobody
    with server.services.db.session() as session:
        types = set(session.scalars(select(Exposure.report_type)))
        sources = list(session.scalars(select(VerificationCode.source)))
        kept = list(session.scalars(select(SelfReport.phone_key)))
    assert types == {int(ReportType.SELF_REPORT)} and sources == ["self_report"]
    assert kept == [server.services.secrets.keyed_hash("self-report", "+84912345678")]


def test_self_reports_have_a_daily_cap_and_a_failed_text_keeps_nothing(
    server: RunningServer, smsc: SmsCentre
) -> None:
    server.services.sms = sender_from_url(smsc.url)
    server.services.settings.self_reports_per_realm_per_day = 1
    day = local_date(server.services.now()).isoformat()
    device = {"X-API-Key": server.device_key}
    with server.client() as http:
        failed = http.post("/api/self-report", json={"phone": "0910000000", "testDate": day}, headers=device)
        smsc.texts(1)
        first = http.post("/api/self-report", json={"phone": "0912000001", "testDate": day}, headers=device)
        smsc.texts(1)
        capped = http.post("/api/self-report", json={"phone": "0912000002", "testDate": day}, headers=device)
    assert (failed.status_code, failed.json()["code"], failed.headers["Retry-After"]) == (
        503,
        "sms_failed",
        "300",
    )
    assert first.status_code == 202
    assert (capped.status_code, capped.json()["code"]) == (429, "self_report_quota")
    with server.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(SelfReport)) == 1
        assert session.scalar(select(func.count()).select_from(VerificationCode)) == 1  # not the failed one


def _client(server: RunningServer, http: httpx.Client) -> ServerClient:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    public = load_pem_public_key(server.services.secrets.export_public_pem())
    assert isinstance(public, ec.EllipticCurvePublicKey)
    return ServerClient(server.base_url, server.device_key, [public], http=http)


def test_code_texts_name_the_code_and_its_link() -> None:
    from bluezone.authority.codes import IssuedCode

    issued = IssuedCode("12345678", 1_772_500_000, "abcdefgh23456789", 1_772_586_400)
    body = texting.code_text(issued)
    assert "12345678" in body and code_from_link(body) == "abcdefgh23456789"


def test_an_sms_centre_killed_mid_flight_loses_no_report(server: RunningServer) -> None:
    """The centre dies (`kill -9`): self-reports are answered 503 and keep nothing, codes for case workers
    are issued with `smsSent` false (to read out); once a centre is back, the same person reports again."""
    from tests.sms.conftest import start_smsc

    process, centre = start_smsc()
    server.services.sms = sender_from_url(centre.url)
    day = local_date(server.services.now()).isoformat()
    device, admin = {"X-API-Key": server.device_key}, {"X-API-Key": server.admin_key}
    with server.client() as http:
        assert (
            http.post(
                "/api/self-report", json={"phone": "0912000009", "testDate": day}, headers=device
            ).status_code
            == 202
        )
        process.kill()
        process.wait(timeout=10)
        down = http.post("/api/self-report", json={"phone": NUMBER, "testDate": day}, headers=device)
        issued = http.post(
            "/api/issue", json={"testType": "confirmed", "testDate": day, "phone": NUMBER}, headers=admin
        )
        with server.services.db.session() as session:
            kept = session.scalar(select(func.count()).select_from(SelfReport))
        again_process, again = start_smsc()
        server.services.sms = sender_from_url(again.url)
        back = http.post("/api/self-report", json={"phone": NUMBER, "testDate": day}, headers=device)
        again_process.terminate()
        again_process.wait(timeout=10)
    assert (down.status_code, down.json()["code"]) == (503, "sms_failed")
    assert issued.status_code == 200 and issued.json()["smsSent"] is False
    assert kept == 1 and back.status_code == 202
    with server.services.db.session() as session:
        row = session.scalar(select(SmsCount))
        assert row is not None and (row.sent, row.failures) == (2, 2)
