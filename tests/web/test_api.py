"""The HTTP contract: error shapes, size limits, who may call what, and what the logs say."""

from __future__ import annotations

import json
import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bluezone.authority import users
from bluezone.config import load_settings
from bluezone.web.app import create_app
from bluezone.web.serving import serve_in_background
from tests.conftest import RunningServer, add_console_user

DECLARATION: dict[str, object] = {
    "realm": "HN",
    "phone": "0912345678",
    "name": "A",
    "address": "B",
    "communeCode": "00037",
    "alertDate": "2026-03-04",
    "level": "F1",
}
FACILITY: dict[str, object] = {
    "name": "Trạm Y tế",
    "address": "4 Hàng Bạc",
    "phone": "024 3828 9393",
    "districtCode": "002",
}
# (method, path, body) → the one key kind allowed
ENDPOINTS: dict[tuple[str, str], tuple[dict[str, object] | None, str]] = {
    ("POST", "/api/issue"): ({"testType": "confirmed", "symptomDate": "2026-03-01"}, "admin"),
    ("POST", "/api/verify"): ({"code": "12345678"}, "device"),
    ("POST", "/api/batch-issue"): (
        {"codes": [{"testType": "confirmed", "symptomDate": "2026-03-01"}]},
        "admin",
    ),
    ("POST", "/api/self-report"): ({"phone": "0912345678", "testDate": "2026-03-01"}, "device"),
    ("POST", "/api/expirecode"): ({"code": "12345678"}, "admin"),
    ("POST", "/api/certificate"): ({"token": "x", "ekeyhmac": "AAAA"}, "device"),
    ("POST", "/api/declarations"): (DECLARATION, "device"),
    ("GET", "/api/declarations"): (None, "admin"),
    ("POST", "/api/declarations/1/close-contact-code"): (None, "admin"),
    ("POST", "/api/facilities"): (FACILITY, "admin"),
    ("DELETE", "/api/facilities/1"): (None, "admin"),
    ("GET", "/api/stats"): (None, "stats"),
    ("POST", "/api/labs/results"): (
        {"results": [{"sampleId": "0000-0000-0000-0000", "result": "negative", "sampleDate": "2026-03-01"}]},
        "lab",
    ),
    ("POST", "/api/tests/register"): ({"sampleHash": "0" * 64}, "device"),
    ("POST", "/api/tests/result"): ({"registration": "x"}, "device"),
    ("POST", "/api/venues/batch"): (
        {"venues": [{"name": "Chợ Đồng Xuân", "communeCode": "00037", "kind": "market"}]},
        "admin",
    ),
}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS), ids=[f"{m} {p}" for m, p in ENDPOINTS])
@pytest.mark.parametrize("kind", ["admin", "device", "stats", "lab", "none", "unknown"])
def test_authorization_matrix(server: RunningServer, endpoint: tuple[str, str], kind: str) -> None:
    body, allowed = ENDPOINTS[endpoint]
    key = {
        "admin": server.admin_key,
        "device": server.device_key,
        "stats": server.stats_key,
        "lab": server.lab_key,
        "unknown": "bz_not-a-key",
    }.get(kind)
    with server.client() as http:
        response = http.request(
            endpoint[0], endpoint[1], json=body, headers={"X-API-Key": key} if key else {}
        )
    code = response.json().get("code") if response.content and response.status_code >= 400 else None
    if kind in ("none", "unknown"):
        assert (response.status_code, code) == (401, "unauthorized")
    elif kind != allowed:
        assert (response.status_code, code) == (403, "forbidden")
    else:
        assert code not in {"unauthorized", "forbidden"}


@pytest.mark.parametrize(
    ("path", "content", "code"),
    [
        ("/api/verify", b"{not json", "bad_request"),
        ("/api/verify", b'{"code": 12345678}', "bad_request"),
        ("/api/verify", b'{"code": ""}', "bad_request"),
        ("/v1/publish", b'{"temporaryExposureKeys": []}', "bad_request"),
        (
            "/v1/publish",
            b'{"temporaryExposureKeys": [{"key": "short", "rollingStartNumber": 1}],'
            b'"healthAuthorityID": "HN", "verificationPayload": "x", "hmacKey": "AAAA"}',
            "bad_request",
        ),
        (
            "/v1/publish",
            b'{"temporaryExposureKeys": [{"key": "AAAAAAAAAAAAAAAAAAAAAA==", "rollingStartNumber": 1,'
            b'"rollingPeriod": 145}], "healthAuthorityID": "HN", "verificationPayload": "x",'
            b'"hmacKey": "AAAAAAAAAAAAAAAAAAAAAA=="}',
            "bad_request",
        ),
        (
            "/v1/publish",
            b'{"temporaryExposureKeys": [{"key": "AAAAAAAAAAAAAAAAAAAAAA==", "rollingStartNumber": 1}],'
            b'"healthAuthorityID": "HN", "verificationPayload": "x", "hmacKey": "AAAAAAAAAAAAAAAAAAAAAA=="}',
            "certificate_invalid",
        ),
    ],
)
def test_malformed_requests_get_a_4xx_with_a_code(
    server: RunningServer, path: str, content: bytes, code: str
) -> None:
    headers = {"Content-Type": "application/json", "X-API-Key": server.device_key}
    with server.client() as http:
        response = http.post(path, content=content, headers=headers)
    assert 400 <= response.status_code < 500
    assert response.json()["code"] == code


def test_oversized_bodies_are_refused_before_reading(server: RunningServer) -> None:
    with server.client() as http:
        response = http.post(
            "/v1/publish", content=b"x" * (65 * 1024), headers={"Content-Type": "application/json"}
        )
        chunked = http.post(
            "/v1/publish",
            content=iter([b"x" * 40_000, b"x" * 40_000]),
            headers={"Content-Type": "application/json"},
        )
    assert (response.status_code, response.json()["code"]) == (413, "too_large")
    assert chunked.status_code == 413


def test_unknown_routes_and_realms_answer_json(server: RunningServer) -> None:
    with server.client() as http:
        missing = http.get("/nope")
        realm = http.get("/.well-known/jwks/XX")
        jwks = http.get("/.well-known/jwks/HN").json()
        health = http.get("/healthz")
        ready = http.get("/readyz")
        metrics = http.get("/metrics")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (realm.status_code, realm.json()["code"]) == (404, "unknown_realm")
    assert jwks["keys"][0]["kty"] == "EC" and jwks["keys"][0]["crv"] == "P-256"
    assert health.json() == {"status": "ok"}
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "exports": "ok", "secrets": "ok"}}
    assert "bluezone_requests_total" in metrics.text


def test_logs_carry_no_codes_keys_or_addresses(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bluezone")
    with server.client() as http:
        http.post("/api/verify", json={"code": "87654321"}, headers={"X-API-Key": server.device_key})
        http.post(
            "/api/issue",
            json={"testType": "confirmed", "testDate": "2026-03-01", "phone": "0912345678"},
            headers={"X-API-Key": server.admin_key},
        )
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert '"route": "/api/verify"' in text and '"status": 400' in text
    for secret in ("87654321", "0912345678", server.device_key, server.admin_key, "127.0.0.1"):
        assert secret not in text


def test_openapi_describes_the_endpoints(server: RunningServer) -> None:
    spec = httpx.get(f"{server.base_url}/openapi.json").json()
    assert {"/api/issue", "/api/verify", "/api/certificate", "/v1/publish"} <= set(spec["paths"])


def test_a_withdrawn_code_no_longer_works(server: RunningServer) -> None:
    admin, device = {"X-API-Key": server.admin_key}, {"X-API-Key": server.device_key}
    with server.client() as http:
        code = http.post(
            "/api/issue", json={"testType": "confirmed", "testDate": "2026-03-01"}, headers=admin
        ).json()
        assert http.post("/api/expirecode", json={"code": code["code"]}, headers=admin).json() == {
            "expired": True
        }
        assert http.post("/api/expirecode", json={"code": "00000000"}, headers=admin).json() == {
            "expired": False
        }
        refused = http.post("/api/verify", json={"code": code["longCode"]}, headers=device)
    assert (refused.status_code, refused.json()["code"]) == (400, "code_invalid")


def test_bluezones_own_replies_are_camel_case(server: RunningServer) -> None:
    """One naming convention on the wire: the statistics and facility replies, read as a dashboard would."""
    with server.client() as http:
        added = http.post("/api/facilities", json=FACILITY, headers={"X-API-Key": server.admin_key})
        figures = http.get("/api/stats", headers={"X-API-Key": server.stats_key}).json()
    assert added.status_code == 201 and added.json()["districtCode"] == "002"
    assert set(figures) == {"realm", "days", "keyAgeDays", "onsetToUploadDays"}
    assert set(figures["days"][0]) == {
        "date", "withheld", "publishRequests", "codesIssued", "codesClaimed", "certificates",
        "keysPublished", "declarations", "codesFromLabs", "codesSelfReported", "textsSent", "textsFailed",
    }  # fmt: skip
    assert figures["days"][-1]["date"] == "2026-03-02"  # the server's first day, in Viet Nam


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("DELETE", f"/api/facilities/{HUGE}", None),
        ("POST", f"/api/declarations/{HUGE}/close-contact-code", None),
        (
            "POST",
            f"/api/campaign/units/{HUGE}/reports",
            {"asOf": "2026-03-01", "staff": 1, "smartphoneHolders": 1, "installed": 1},
        ),
        ("GET", f"/api/campaign/units?parent={HUGE}", None),
        (
            "POST",
            "/api/campaign/units",
            {"name": "X", "kind": "school", "areaCode": "00004", "parentId": int(HUGE)},
        ),
        (
            "PUT",
            "/api/campaign/targets",
            {"subject": f"unit:{HUGE[:11]}", "basis": "staff", "ratePercent": 50, "by": "2027-01-01"},
        ),
        (
            "POST",
            "/api/campaign/units/1/reports",
            {"asOf": "2026-03-01", "staff": int(HUGE), "smartphoneHolders": 1, "installed": 1},
        ),
    ],
)
def test_ids_and_counts_past_any_real_one_are_refused_not_crashed(
    server: RunningServer, method: str, path: str, body: dict[str, object] | None
) -> None:
    with server.client() as http:
        response = http.request(method, path, json=body, headers={"X-API-Key": server.national_admin_key})
    assert response.status_code in (400, 404), response.text
    assert response.json()["code"] in ("bad_request", "unknown_unit", "not_found", "unknown_facility")


def test_bulk_reports_with_huge_numbers_are_refused_line_by_line(server: RunningServer) -> None:
    header = "unit_id,as_of,staff,smartphone_holders,installed\n"
    rows = f"{header}{HUGE},2026-03-01,1,1,1\n1,2026-03-01,{HUGE},1,1\n"
    with server.client() as http:
        response = http.post(
            "/api/campaign/reports", files={"file": ("r.csv", rows)}, headers={"X-API-Key": server.admin_key}
        )
    assert response.status_code == 422
    assert [line for line, _ in response.json()["errors"]] == [2, 3]


def test_a_crash_is_answered_logged_and_counted_without_its_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(load_settings(data_dir=tmp_path / "data"))

    def crash(item: str) -> None:
        raise ValueError(f"INSERT failed for code 87654321 and item {item}")

    app.router.add_api_route("/api/crash/{item}", crash, methods=["GET"])
    caplog.set_level(logging.INFO)
    with serve_in_background(app) as url, httpx.Client(base_url=url) as client:
        response = client.get("/api/crash/0912345678")
        metrics = client.get("/metrics").text
    assert (response.status_code, response.json()["code"]) == (500, "internal_error")
    request_id = response.headers["x-request-id"]
    logged = [json.loads(r.getMessage()) for r in caplog.records if r.name.startswith("bluezone")]
    failure = next(entry for entry in logged if entry.get("event") == "unhandled")
    assert failure["type"] == "ValueError" and failure["route"] == "/api/crash/{item}"
    assert failure["request_id"] == request_id and failure["where"]
    access = next(entry for entry in logged if entry.get("status") == 500)
    assert access["route"] == "/api/crash/{item}" and access["request_id"] == request_id
    server_side = [r for r in caplog.records if r.name.startswith(("bluezone", "uvicorn"))]
    text = "\n".join(record.getMessage() for record in server_side)
    assert "87654321" not in text and "0912345678" not in text and "INSERT" not in text
    assert "Exception in ASGI application" not in text  # uvicorn never sees the exception
    assert 'bluezone_requests_total{route="/api/crash/{item}",status="500"} 1.0' in metrics


def test_one_guesser_behind_the_proxy_cannot_lock_out_the_province(server: RunningServer) -> None:
    """The throttle follows the client address the trusted proxy (here loopback) reports, not the app key."""
    limit = server.services.settings.verify_failures_per_client_hour
    device = {"X-API-Key": server.device_key}
    with server.client() as http:
        for guess in range(limit):
            wrong = http.post(
                "/api/verify",
                json={"code": f"{guess:08d}"},
                headers={**device, "X-Forwarded-For": "198.51.100.7"},
            )
            assert wrong.status_code == 400
        code = http.post(
            "/api/issue",
            json={"testType": "confirmed", "testDate": "2026-03-01"},
            headers={"X-API-Key": server.admin_key},
        ).json()["code"]
        throttled = http.post(
            "/api/verify", json={"code": code}, headers={**device, "X-Forwarded-For": "198.51.100.7"}
        )
        neighbour = http.post(
            "/api/verify", json={"code": code}, headers={**device, "X-Forwarded-For": "203.0.113.9"}
        )
        metrics = http.get("/metrics").text
    assert (throttled.status_code, throttled.json()["code"]) == (429, "rate_limited")
    assert neighbour.status_code == 200 and neighbour.json()["token"]
    assert f'bluezone_wrong_codes_total{{realm="HN"}} {float(limit)}' in metrics


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/issue"),
        ("PATCH", "/api/verify"),
        ("PUT", "/v1/publish"),
        ("DELETE", "/api/campaign/ranking"),
        ("POST", "/api/stats"),
        ("POST", "/exports/index.txt"),
        ("PUT", "/console/codes"),
    ],
)
def test_undeclared_methods_answer_405(server: RunningServer, method: str, path: str) -> None:
    with server.client() as http:
        response = http.request(method, path)
    assert response.status_code == 405, response.text


def test_openapi_declares_the_table_downloads(server: RunningServer) -> None:
    spec = httpx.get(f"{server.base_url}/openapi.json").json()
    for path in ("/api/campaign/ranking", "/api/campaign/units"):
        content = spec["paths"][path]["get"]["responses"]["200"]["content"]
        assert {"application/json", "text/csv"} <= set(content) and any("spreadsheetml" in c for c in content)


def test_a_department_places_venues_and_facilities_in_its_own_province_only(server: RunningServer) -> None:
    hanoi = {"X-API-Key": server.admin_key}
    saigon_venue = {"name": "Chợ Bến Thành", "communeCode": "26740", "kind": "market"}
    saigon_facility = {**FACILITY, "districtCode": "760"}  # Quận 1, Hồ Chí Minh City
    with server.client() as http:
        venue = http.post("/api/venues", json=saigon_venue, headers=hanoi)
        facility = http.post("/api/facilities", json=saigon_facility, headers=hanoi)
        own = http.post("/api/facilities", json=FACILITY, headers=hanoi)
        unknown = http.post("/api/facilities", json={**FACILITY, "districtCode": "999"}, headers=hanoi)
    assert (venue.status_code, venue.json()["code"]) == (403, "outside_province")
    assert (facility.status_code, facility.json()["code"]) == (403, "outside_province")
    assert own.status_code == 201 and unknown.status_code == 400


def test_racing_guessers_get_no_more_tries_than_one(server: RunningServer) -> None:
    """Many requests from one client at once: the counters are locked while counted, so together they get
    exactly the limit, as one client sending them in turn would."""
    limit = server.services.settings.verify_failures_per_client_hour
    guesser = {"X-API-Key": server.device_key, "X-Forwarded-For": "198.51.100.7"}

    def guess(number: int) -> int:
        with server.client() as http:
            return http.post("/api/verify", json={"code": f"{number:08d}"}, headers=guesser).status_code

    with ThreadPoolExecutor(8) as pool:
        answers = Counter(pool.map(guess, range(limit + 20)))
    assert answers == {400: limit, 429: 20}


def test_racing_sign_ins_get_no_more_tries_than_one(server: RunningServer) -> None:
    add_console_user(server, "cw.hoa", "case_worker")

    def wrong(_: int) -> int:
        with server.client() as http:
            sent = {"username": "cw.hoa", "password": "sai-mat-khau-roi"}
            return http.post(
                "/console/login", data=sent, headers={"X-Forwarded-For": "198.51.100.7"}
            ).status_code

    with ThreadPoolExecutor(8) as pool:
        answers = Counter(pool.map(wrong, range(users.FREE_TRIES + 10)))
    assert answers == {401: users.FREE_TRIES, 429: 10}
