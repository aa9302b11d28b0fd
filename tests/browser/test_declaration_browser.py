"""The declaration forms in a real browser at phone width, as citizens fill them in: places and countries
picked by name, each mistake explained next to its field in the reader's language with everything typed kept,
a receipt QR code for the traveller, and an apology when nobody serves the chosen province."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import func, select

from bluezone.store.models import Declaration, HealthDeclaration
from tests.browser.conftest import fill
from tests.conftest import RunningServer


def test_a_resident_declares_symptoms_and_is_followed_up(server: RunningServer, phone_page: object) -> None:
    from playwright.sync_api import Page, expect

    page = phone_page
    assert isinstance(page, Page)
    page.goto(f"{server.base_url}/declare/health")
    expect(page.get_by_role("heading", name="Khai báo y tế tự nguyện")).to_be_visible()
    fill(page, {"Họ và tên": "Trần Văn Nam", "Số điện thoại": "090123", "Địa chỉ": "5 Hàng Bạc"})
    page.get_by_label("Sốt").check()
    page.get_by_label("Tiếp xúc trong 14 ngày qua").select_option("f1")
    page.get_by_role("button", name="Gửi khai báo").click()

    # Two mistakes: each said next to its field, in Vietnamese, with what to do; nothing typed is lost.
    expect(page.get_by_role("alert")).to_contain_text("hãy sửa các mục được đánh dấu")
    expect(page.locator(".field-problem")).to_have_count(2)
    expect(page.locator("#phone-problem")).to_have_text(
        "Hãy nhập số điện thoại di động gồm 10 chữ số, bắt đầu bằng 0, ví dụ 0912345678."
    )
    expect(page.locator("#commune_code-problem")).to_contain_text("Hãy chọn tỉnh, thành phố")
    expect(page.get_by_label("Họ và tên")).to_have_value("Trần Văn Nam")
    expect(page.get_by_label("Sốt")).to_be_checked()
    expect(page.get_by_text("pattern")).to_have_count(0)  # no regular expression shown to anyone

    page.get_by_label("Số điện thoại").fill("0901234567")
    page.get_by_label("Tỉnh, thành phố", exact=True).select_option(label="Thành phố Hà Nội")
    search = page.get_by_label("Tìm theo tên Xã, phường")
    expect(search).to_be_visible()  # the commune list filled from the province, with a search box
    search.fill("hoan kiem")  # typed without accents, as on a phone
    expect(page.get_by_label("Xã, phường", exact=True)).to_have_value("00070")
    page.get_by_role("button", name="Gửi khai báo").click()
    expect(page.get_by_role("status")).to_contain_text("Sở Y tế sẽ liên hệ")
    with server.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Declaration)) == 1  # in the follow-up queue


def test_a_traveller_gets_a_receipt(server: RunningServer, phone_page: object, tmp_path: Path) -> None:
    from playwright.sync_api import Page, expect

    page = phone_page
    assert isinstance(page, Page)
    page.goto(f"{server.base_url}/declare/entry?lang=en")
    expect(page.get_by_role("heading", name="Entry health declaration")).to_be_visible()
    page.get_by_label("Identity document").select_option(label="Passport")
    fill(
        page,
        {
            "Full name": "Sato Yuki",
            "Phone": "0987000111",
            "Address": "Hotel on Hàng Bạc",
            "Document number": "TZ1234567",
            "Departure date": "2026-03-02",
            "Arrival date": "2026-03-02",
        },
    )
    page.get_by_label("Nationality", exact=True).select_option(label="Japan")
    page.get_by_label("Province or city", exact=True).select_option(label="Thành phố Hà Nội")
    page.get_by_label("Commune or ward", exact=True).select_option(label="Phường Hoàn Kiếm")
    page.get_by_label("Border gate", exact=True).select_option(label="Sân bay quốc tế Nội Bài")
    page.get_by_role("button", name="Send declaration").click()

    expect(page.locator("#countries_visited-problem")).to_contain_text("Choose at least one country")
    expect(page.get_by_label("Nationality", exact=True)).to_have_value("JP")  # kept
    page.get_by_label("Search by name Countries").fill("korea")  # the list narrows as one types
    expect(page.locator("#countries_visited option:not([hidden])")).to_have_count(2)  # North and South
    page.get_by_label("Search by name Countries").fill("")
    page.get_by_label("Countries visited in the last 14 days", exact=True).select_option(
        label=["Japan", "South Korea"]
    )
    page.get_by_role("button", name="Send declaration").click()
    expect(page.locator("#flight-problem")).to_have_text(  # the whole form's checks come next
        "Arriving at an airport, enter your flight number, for example VN417."
    )
    page.get_by_label("Flight number").fill("JL751")
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


def test_a_province_nobody_serves_gets_an_apology_not_a_blame(
    server: RunningServer, phone_page: object
) -> None:
    from playwright.sync_api import Page, expect

    page = phone_page
    assert isinstance(page, Page)
    page.goto(f"{server.base_url}/declare/health")
    fill(page, {"Họ và tên": "Lê Thị Hoa", "Số điện thoại": "0901234567", "Địa chỉ": "12 Trần Phú"})
    page.get_by_label("Tỉnh, thành phố", exact=True).select_option(
        label="Tỉnh Khánh Hòa"
    )  # no realm serves it
    page.get_by_label("Xã, phường", exact=True).select_option(index=1)
    page.get_by_role("button", name="Gửi khai báo").click()
    expect(page.get_by_role("alert")).to_contain_text("Chúng tôi xin lỗi")
    expect(page.get_by_role("alert")).to_contain_text("1900 9095")
    expect(page.get_by_label("Họ và tên")).to_have_value("Lê Thị Hoa")
    with server.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(HealthDeclaration)) == 0
