"""Health declarations over HTTP: validation with the field named, the follow-up queue, receipts a border
officer checks, arrivals only for their province (audited), deletion after retention; both databases."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bluezone.services import run_maintenance
from bluezone.store.models import AuditEntry, HealthDeclaration
from tests.conftest import RunningServer

HANG_BAC, BEN_NGHE = "00037", "26740"  # a commune of Hà Nội (01) and one of Hồ Chí Minh City (79)
TODAY = date(2026, 3, 2)  # the server's clock


def resident(**changes: Any) -> dict[str, Any]:
    return {
        "full_name": "Nguyễn Thị Hoa",
        "phone": "0912345678",
        "commune_code": HANG_BAC,
        "address": "12 Hàng Bạc",
        "symptoms": [],
        "exposure": "none",
        **changes,
    }


def traveller(**changes: Any) -> dict[str, Any]:
    return {
        "full_name": "Kim Min-jun",
        "phone": "0987654321",
        "commune_code": HANG_BAC,
        "address": "Khách sạn Hàng Bạc",
        "document_type": "passport",
        "document_number": "M12345678",
        "nationality": "KR",
        "departure_date": TODAY.isoformat(),
        "arrival_date": TODAY.isoformat(),
        "flight": "VN417",
        "gate": "HAN",
        "countries_visited": ["KR"],
        **changes,
    }


def _post(http: httpx.Client, path: str, body: dict[str, Any]) -> httpx.Response:
    return http.post(path, json=body)


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/api/health-declarations", resident(symptoms=["headache"]), "symptoms: unknown symptoms"),
        ("/api/health-declarations", resident(commune_code="99999"), "commune_code: no area 99999"),
        ("/api/health-declarations", resident(phone="12345"), "phone: String should match pattern"),
        ("/api/health-declarations", resident(secret="x"), "secret: unknown field"),
        ("/api/entry-declarations", traveller(nationality="XX"), "nationality: 'XX' is not an ISO 3166"),
        ("/api/entry-declarations", traveller(gate="NOWHERE"), "gate: unknown border gate"),
        (
            "/api/entry-declarations",
            traveller(departure_date="2026-03-05", arrival_date="2026-03-03"),
            "departure_date must not be after arrival_date",
        ),
        ("/api/entry-declarations", traveller(flight=None), "a flight number is needed"),
        (
            "/api/entry-declarations",
            traveller(arrival_date="2026-04-01", departure_date="2026-04-01"),
            "arrival_date: declare within 3 days",
        ),
        ("/api/entry-declarations", traveller(full_name="x" * 5000), "full_name"),
    ],
)
def test_bad_declarations_are_refused_naming_the_field(
    server: RunningServer, path: str, body: dict[str, Any], message: str
) -> None:
    with server.client() as http:
        response = _post(http, path, body)
    assert response.status_code in (400, 413), response.text
    if response.status_code == 400:
        assert message in response.json()["error"]
    with server.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(HealthDeclaration)) == 0  # nothing stored


def test_symptoms_with_an_exposure_reach_the_follow_up_queue(server: RunningServer) -> None:
    with server.client() as http:
        quiet = _post(http, "/api/health-declarations", resident())
        worried = _post(
            http, "/api/health-declarations", resident(symptoms=["fever", "cough"], exposure="f1")
        )
        assert quiet.status_code == worried.status_code == 202
        assert len(quiet.content) == len(worried.content)  # the answer says nothing about the contents
        queue = http.get("/api/declarations", headers={"X-API-Key": server.admin_key}).json()
        other = http.get("/api/declarations", headers={"X-API-Key": server.other_admin_key}).json()
    assert [(q["name"], q["level"]) for q in queue] == [("Nguyễn Thị Hoa", "declared")]
    assert other == []  # Hồ Chí Minh City's department sees nothing of Hà Nội's
    with server.services.db.session() as session:
        stored = session.scalars(select(HealthDeclaration)).all()
        assert len(stored) == 2 and all(b"Hoa" not in row.sealed for row in stored)  # sealed


def test_receipts_and_arrivals_by_province(server: RunningServer) -> None:
    with server.client() as http:
        to_hanoi = _post(http, "/api/entry-declarations", traveller()).json()["receipt"]
        _post(
            http,
            "/api/entry-declarations",
            traveller(commune_code=BEN_NGHE, full_name="Lee Ji-eun", gate="SGN"),
        )
        admin = {"X-API-Key": server.admin_key}
        checked = http.get(f"/api/entry-declarations/receipts/{to_hanoi}", headers=admin).json()
        assert checked == {
            "arrivalDate": TODAY.isoformat(),
            "gate": "Sân bay quốc tế Nội Bài",
            "province": "Sở Y tế Hà Nội",
        }
        assert (
            http.get(
                "/api/entry-declarations/receipts/BZ-ENTRY:1:AAAAAAAAAAAAAAAA", headers=admin
            ).status_code
            == 404
        )
        assert http.get(f"/api/entry-declarations/receipts/{to_hanoi}").status_code == 401  # officers only
        assert (
            http.get(
                f"/api/entry-declarations/receipts/{to_hanoi}", headers={"X-API-Key": server.device_key}
            ).status_code
            == 403
        )
        window = {"first": TODAY.isoformat(), "last": (TODAY + timedelta(days=1)).isoformat()}
        hanoi = http.get("/api/entry-declarations/arrivals", params=window, headers=admin).json()
        saigon = http.get(
            "/api/entry-declarations/arrivals", params=window, headers={"X-API-Key": server.other_admin_key}
        ).json()
        stats = http.get(
            "/api/entry-declarations/arrivals", params=window, headers={"X-API-Key": server.stats_key}
        )
    assert [a["declaration"]["fullName"] for a in hanoi] == ["Kim Min-jun"]
    assert [a["declaration"]["fullName"] for a in saigon] == ["Lee Ji-eun"]
    assert stats.status_code == 403
    with server.services.db.session() as session:
        reads = session.scalars(select(AuditEntry).where(AuditEntry.action == "read_arrival")).all()
        assert len(reads) == 2 and {r.actor[:4] for r in reads} == {"key:"}


def test_declarations_are_deleted_after_the_retention_period(server: RunningServer) -> None:
    with server.client() as http:
        _post(http, "/api/health-declarations", resident())
    server.clock.advance((server.services.settings.declaration_retention_days + 1) * 86_400)
    run_maintenance(server.services)
    with server.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(HealthDeclaration)) == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [("case_worker", 200), ("realm_admin", 200), ("viewer", 403), ("campaign_officer", 403)],
)
def test_who_sees_arrivals_in_the_console(server: RunningServer, role: str, status: int) -> None:
    from tests.conftest import add_console_user
    from tests.web.test_console import _sign_in

    with server.client() as http:
        _post(http, "/api/entry-declarations", traveller())
    add_console_user(server, f"user.{role}", role)
    with server.client() as http:
        assert http.get("/console/arrivals").status_code in (303, 307)  # signed out: to the login page
        _sign_in(server, http, f"user.{role}")
        page = http.get("/console/arrivals")
    assert page.status_code == status
    assert ("Kim Min-jun" in page.text) == (status == 200)
    with server.services.db.session() as session:
        reads = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "read_arrival")
        )
    assert reads == (1 if status == 200 else 0)


def test_an_oversized_declaration_is_refused_before_it_is_read(server: RunningServer) -> None:
    with server.client() as http:
        huge = http.post("/api/health-declarations", json=resident(address="x" * 100_000))
    assert huge.status_code == 413


def test_log_lines_carry_no_receipt_name_or_address(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="bluezone")
    with server.client() as http:
        receipt = _post(http, "/api/entry-declarations", traveller()).json()["receipt"]
        http.get(f"/api/entry-declarations/receipts/{receipt}", headers={"X-API-Key": server.admin_key})
        _post(http, "/api/health-declarations", resident(symptoms=["fever"], exposure="f0"))
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "/api/entry-declarations/receipts/{receipt}" in text  # the route, not the code
    for secret in (receipt.split(":")[-1], "Kim Min-jun", "Nguyễn", "0912345678", "M12345678", "127.0.0.1"):
        assert secret not in text


def test_a_province_nobody_serves_is_the_operators_error_not_the_residents(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    nha_trang = "22366"  # a ward of Khánh Hòa (56), which no realm serves here
    with server.client() as http:
        answer = http.post("/api/health-declarations", json=resident(commune_code=nha_trang))
    assert answer.status_code == 503 and answer.json()["code"] == "province_unserved"
    logged = [r for r in caplog.records if r.name == "bluezone.declarations"]
    assert logged and logged[0].levelname == "ERROR" and "province 56" in logged[0].getMessage()
    assert "0912" not in logged[0].getMessage()  # the operator learns the province, nothing of the person


def test_the_form_without_javascript_lists_the_communes_of_the_chosen_province(server: RunningServer) -> None:
    typed = {"full_name": "Nguyễn An", "phone": "09", "commune_code.province": "01", "action": "pick"}
    with server.client() as http:
        page = http.post("/declare/health", data=typed)
        communes = http.get("/areas/2025/01").json()
        missing = http.get("/areas/2025/99999")
    assert page.status_code == 200 and 'value="00070" >Phường Hoàn Kiếm' in page.text  # the next list
    assert 'value="Nguyễn An"' in page.text and 'class="field-problem"' not in page.text  # kept, not judged
    assert {"code": "00070", "name": "Phường Hoàn Kiếm", "level": "commune"} in communes
    names = [c["name"] for c in communes]
    assert names.index("Phường Ba Đình") < names.index("Phường Hoàn Kiếm")  # by name, not code
    assert missing.status_code == 404


def test_every_problem_is_said_in_the_readers_language(server: RunningServer) -> None:
    wrong = {"full_name": "A", "phone": "12", "commune_code": "00070", "address": "x"}
    with server.client() as http:
        vietnamese = http.post("/declare/health", data=wrong)
        english = http.post("/declare/health?lang=en", data=wrong)
    assert vietnamese.status_code == english.status_code == 400
    for answer, expected in (
        (vietnamese, ["Hãy nhập họ và tên", "Hãy nhập số điện thoại", "Hãy nhập số nhà"]),
        (english, ["Enter your full name", "Enter a 10-digit mobile number", "Enter your house number"]),
    ):
        assert all(text in answer.text for text in expected)
        assert "pattern" not in answer.text and "String should" not in answer.text
