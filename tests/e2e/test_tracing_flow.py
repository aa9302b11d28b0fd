"""The whole chain through real HTTP: phones meet, an F0 uploads with a case worker's code, the exporter
runs, phones download and verify, an F1 is alerted, uploads with a close-contact code, and F2 follows."""

from __future__ import annotations

import base64
import time
from datetime import date, timedelta

import httpx
import numpy as np
import pytest
from scipy import stats  # type: ignore[import-untyped]

from bluezone.keyserver import publish
from bluezone.keyserver.exporter import run_exports
from bluezone.phone.client import DownloadState, ServerClient, ServerError, sync_and_check
from bluezone.phone.phone import Phone
from bluezone.protocol import export as ex
from bluezone.sim.pair import Air, Scan
from bluezone.store.models import Exposure
from bluezone.web.api.privacy import LatencyTracker
from tests.conftest import E2E_START as START
from tests.conftest import REALM, RunningServer

DAY = 86_400
T0 = START.timestamp()


def _issue(server: RunningServer, test_type: str, **dates: str) -> str:
    with server.client() as http:
        response = http.post(
            "/api/issue", json={"testType": test_type, **dates}, headers={"X-API-Key": server.admin_key}
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["code"]) == 8 and len(body["longCode"]) == 16
    return str(body["code"])


def _export(server: RunningServer) -> list[str]:
    svc = server.services
    return run_exports(svc.db, svc.settings, svc.secrets, svc.exports, server.services.now()).files


def _levels(checks: list) -> set[str]:  # type: ignore[type-arg]
    return {alert.level.name for check in checks for alert in check.new_alerts}


def test_f0_to_f1_to_f2(server: RunningServer) -> None:
    clock = server.clock
    phones = {
        name: Phone(clock, model=model)
        for name, model in {
            "An": "SM-A515F",
            "Bình": "SM-G973F",
            "Chi": "Redmi Note 8",
            "Dũng": "iPhone 11",
        }.items()
    }
    air = Air(phones, np.random.default_rng(5))
    meetings = [("Bình", "An", T0 + 3600, 30), ("Chi", "Bình", T0 + DAY + 7200, 30)]
    scans = sorted(
        Scan(start + offset, listener, speaker, 1.0)
        for a, b, start, minutes in meetings
        for listener, speaker in ((a, b), (b, a))
        for offset in range(0, minutes * 60 + 1, 270)
    )
    for day in range(4):
        clock.set(max(clock.now(), T0 + day * DAY))
        for phone in phones.values():
            phone.current_key()
        for scan in [s for s in scans if T0 + day * DAY <= s.time < T0 + (day + 1) * DAY]:
            clock.set(scan.time)
            air.scan(scan)

    # Day 3, 07:00: An tested positive; symptoms began on day 2.
    clock.set(T0 + 3 * DAY + 6 * 3600)
    onset = (START + timedelta(days=2)).date()
    code = _issue(server, "confirmed", symptomDate=onset.isoformat())
    with server.client() as http:
        public_key = ex.load_public_key(http.get("/exports/public-key.pem").content)
    clients = {name: ServerClient(server.base_url, server.device_key, [public_key]) for name in phones}
    with server.client() as http:  # the province lists a facility; phones show it beside an alert
        http.post(
            "/api/facilities",
            headers={"X-API-Key": server.admin_key},
            json={
                "name": "Trạm Y tế phường Hàng Bạc",
                "address": "4 Hàng Bạc",
                "phone": "024 3828 9393",
                "districtCode": "002",
                "communeCode": "00037",
            },
        )
    for phone in phones.values():
        phone.facilities, phone.district_code = clients["An"].facilities(REALM), "002"
    states = {name: DownloadState() for name in phones}
    inserted = clients["An"].upload(code, phones["An"].prepare_upload(onset), REALM)
    assert inserted == 4  # days 0..3

    # The same code cannot be used twice, and a wrong one gets the same answer.
    for reused in (code, "12345678"):
        with pytest.raises(ServerError) as error:
            clients["An"].upload(reused, phones["An"].prepare_upload(onset), REALM)
        assert error.value.code == "code_invalid"

    clock.set(T0 + 3 * DAY + 8 * 3600)
    files = _export(server)
    assert len(files) == 1
    clock.advance(600)
    checks = {name: sync_and_check(phone, clients[name], states[name]) for name, phone in phones.items()}
    assert _levels(checks["Bình"]) == {"F1"}
    assert _levels(checks["Chi"]) == _levels(checks["Dũng"]) == set()
    alert = checks["Bình"][0].new_alerts[0]
    assert alert.exposure_date == START.date() and alert.close_minutes >= 15
    assert [f.name for f in alert.facilities] == ["Trạm Y tế phường Hàng Bạc"]

    # Bình (F1) sends contact details to the province; a case worker reads the queue and gives a code.
    clients["Bình"].declare(
        REALM,
        {
            "phone": "0912345678",
            "name": "Trần Bình",
            "address": "12 Hàng Bạc",
            "communeCode": "00037",
            "alertDate": alert.exposure_date.isoformat(),
            "level": "F1",
        },
    )
    clock.set(T0 + 3 * DAY + 9 * 3600)
    with server.client() as http:
        queue = http.get("/api/declarations", headers={"X-API-Key": server.admin_key}).json()
        assert [(d["name"], d["level"], d["status"]) for d in queue] == [("Trần Bình", "F1", "new")]
        answer = http.post(
            f"/api/declarations/{queue[0]['id']}/close-contact-code", headers={"X-API-Key": server.admin_key}
        ).json()
    assert answer["code"] in answer["smsText"]
    code = answer["code"]
    assert clients["Bình"].upload(code, phones["Bình"].prepare_upload(START.date()), REALM) == 4
    clock.set(T0 + 3 * DAY + 11 * 3600)
    assert len(_export(server)) == 1
    clock.advance(600)
    checks = {name: sync_and_check(phone, clients[name], states[name]) for name, phone in phones.items()}
    assert _levels(checks["Chi"]) == {"F2"}
    assert checks["Chi"][0].new_alerts[0].exposure_date == date(2026, 3, 3)
    assert _levels(checks["Dũng"]) == set()
    assert _levels(checks["Bình"]) == set()  # nothing new for Bình

    # Next day the embargoed keys (valid on upload day) are exported too; every key exactly once.
    clock.set(T0 + 4 * DAY + 3 * 3600)
    _export(server)
    with server.client() as http:
        index = http.get("/exports/index.txt").text.split()
        keys = [
            k.key_data
            for path in index
            for k in ex.read_verified_archive(http.get(f"/exports/{path}").content, [public_key]).batch.keys
        ]
    with server.services.db.session() as session:
        published = {row.key_data for row in session.query(Exposure)}
    assert len(published) == 8
    exported_real = [k for k in keys if k in published]
    assert sorted(exported_real) == sorted(published)  # all there, none twice
    assert len(keys) > len(published)  # padded with fake keys


def test_the_apps_chaff_is_answered_alike_and_stores_nothing(server: RunningServer) -> None:
    """The phone's fake upload: the same three requests and sizes, real-looking answers, nothing kept."""
    client = ServerClient(
        server.base_url, server.device_key, [server.services.secrets.export_key.public_key()]
    )
    sent: list[httpx.Response] = []
    client.http.event_hooks["response"].append(lambda response: sent.append(response.read() and response))
    client.chaff()
    assert [(r.request.url.path, r.status_code, len(r.content)) for r in sent] == [
        ("/api/verify", 200, 2048),
        ("/api/certificate", 200, 2048),
        ("/v1/publish", 200, 2048),
    ]
    with server.services.db.session() as session:
        assert session.query(Exposure).count() == 0


def test_chaff_cannot_be_told_apart_by_its_answers(server: RunningServer) -> None:
    device = {"X-API-Key": server.device_key}
    fake = {**device, "X-Chaff": "1"}
    with server.client() as http:
        real = http.post(
            "/api/verify", json={"code": _issue(server, "confirmed", testDate="2026-03-01")}, headers=device
        )
        chaff = http.post("/api/verify", json={"code": "00000000"}, headers=fake)
        real_token, chaff_token = real.json()["token"], chaff.json()["token"]
        assert abs(len(real_token) - len(chaff_token)) <= 6  # a JWT of the same claims (ids differ in digits)
        mac = base64.b64encode(bytes(32)).decode()
        certificate = http.post(
            "/api/certificate", json={"token": real_token, "ekeyhmac": mac}, headers=device
        )
        imitation = http.post("/api/certificate", json={"token": chaff_token, "ekeyhmac": mac}, headers=fake)
        assert abs(len(certificate.json()["certificate"]) - len(imitation.json()["certificate"])) <= 12
        keys = [{"key": base64.b64encode(bytes([9]) * 16).decode(), "rollingStartNumber": 2_930_000}]
        body = {
            "temporaryExposureKeys": keys,
            "healthAuthorityID": REALM,
            "verificationPayload": "x",
            "hmacKey": mac,
        }
        published = http.post("/v1/publish", json=body, headers={"X-Chaff": "1"}).json()["revisionToken"]
        assert len(published) == len(publish.revision_token(server.services.secrets, [])) == 880
        # Refusals alike: no key, and a client throttled for guessing.
        assert http.post("/api/verify", json={"code": "1"}, headers={"X-Chaff": "1"}).status_code == 401
        guesser = {**device, "X-Forwarded-For": "198.51.100.7"}
        for guess in range(server.services.settings.verify_failures_per_client_hour):
            http.post("/api/verify", json={"code": f"{guess:08d}"}, headers=guesser)
        throttled = http.post("/api/verify", json={"code": "12345678"}, headers={**guesser, "X-Chaff": "1"})
        assert throttled.status_code == 429


def test_chaff_takes_as_long_as_real_uploads(server: RunningServer) -> None:
    """Timed from outside, over many requests: chaff's durations follow the real ones' distribution."""
    device = {"X-API-Key": server.device_key}
    kept = LatencyTracker.KEPT  # the first requests (a cold server) are timed apart, then forgotten
    real: list[float] = []
    chaff: list[float] = []
    with server.client() as http:
        for code in [_issue(server, "confirmed", testDate="2026-03-01") for _ in range(kept + 80)]:
            for headers, times, sent in (
                (device, real, code),
                ({**device, "X-Chaff": "1"}, chaff, "00000000"),
            ):
                started = time.perf_counter()
                assert http.post("/api/verify", json={"code": sent}, headers=headers).status_code == 200
                times.append(time.perf_counter() - started)
    # One distribution: a two-sample Kolmogorov-Smirnov test does not tell the samples apart (chaff that took
    # twice as long, as it once did, gives p below 1e-20 here), and the medians agree within 10 %.
    real, chaff = real[kept:], chaff[kept:]
    assert stats.ks_2samp(real, chaff).pvalue > 1e-4, (sorted(real), sorted(chaff))
    assert abs(np.median(chaff) / np.median(real) - 1) < 0.1
