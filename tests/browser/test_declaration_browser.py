"""The declaration forms in a real browser: a resident with symptoms and an exposure, a traveller who gets a
receipt QR code, and a mistake shown with what was typed kept."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import func, select

from bluezone.store.models import Declaration
from tests.browser.conftest import fill
from tests.conftest import RunningServer


def test_a_resident_declares_symptoms_and_is_followed_up(server: RunningServer, browser_page: object) -> None:
    from playwright.sync_api import Page, expect

    page = browser_page
    assert isinstance(page, Page)
    page.goto(f"{server.base_url}/declare/health")
    expect(page.get_by_role("heading", name="Khai báo y tế tự nguyện")).to_be_visible()
    fill(
        page,
        {
            "Họ và tên": "Trần Văn Nam",
            "Số điện thoại": "0901234567",
            "Mã xã, phường nơi ở (GSO)": "99999",  # a commune that does not exist
            "Địa chỉ": "5 Hàng Bạc",
        },
    )
    page.get_by_label("Sốt").check()
    page.get_by_label("Tiếp xúc trong 14 ngày qua").select_option("f1")
    page.get_by_role("button", name="Gửi khai báo").click()
    expect(page.get_by_role("alert")).to_contain_text("commune_code")
    expect(page.get_by_label("Họ và tên")).to_have_value("Trần Văn Nam")  # nothing typed is lost
    page.get_by_label("Mã xã, phường nơi ở (GSO)").fill("00037")
    page.get_by_role("button", name="Gửi khai báo").click()
    expect(page.get_by_role("status")).to_contain_text("Sở Y tế sẽ liên hệ")
    with server.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Declaration)) == 1  # in the follow-up queue


def test_a_traveller_gets_a_receipt(server: RunningServer, browser_page: object, tmp_path: Path) -> None:
    from playwright.sync_api import Page, expect

    page = browser_page
    assert isinstance(page, Page)
    page.goto(f"{server.base_url}/declare/entry?lang=en")
    expect(page.get_by_role("heading", name="Entry health declaration")).to_be_visible()
    page.get_by_label("Identity document").select_option("passport")
    traveller = {"Full name": "Sato Yuki", "Phone": "0987000111", "Address": "Hotel on Hàng Bạc"}
    trip = {
        "Departure date": "2026-03-02",
        "Arrival date": "2026-03-02",
        "Nationality (ISO code, e.g. VN)": "JP",
    }
    fill(
        page,
        {**traveller, **trip, "Document number": "TZ1234567", "Commune where you stay (GSO code)": "00037"},
    )
    page.get_by_label("Border gate").select_option("HAN")
    page.get_by_label("Flight number").fill("JL751")
    page.get_by_label("Countries visited in the last 14 days (ISO codes)").fill("JP, KR")
    page.get_by_role("button", name="Send declaration").click()
    expect(page.locator("#receipt")).to_contain_text("BZ-ENTRY:1:")
    expect(page.locator("#receipt-qr")).to_be_visible()
    shots = Path(os.environ.get("BZ_SCREENSHOTS", str(tmp_path)))
    page.screenshot(path=str(shots / "entry-receipt.png"), full_page=True)
    receipt = page.locator("#receipt").inner_text()
    with server.client() as http:
        checked = http.get(
            f"/api/entry-declarations/receipts/{receipt}", headers={"X-API-Key": server.admin_key}
        )
    assert checked.status_code == 200 and checked.json()["gate"] == "Sân bay quốc tế Nội Bài"
