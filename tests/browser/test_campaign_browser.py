"""The campaign's screens in a real browser: map and leaderboard, drilling down, a unit's report form."""

from __future__ import annotations

import os
from pathlib import Path

from bluezone.campaign import imports, units
from tests.conftest import CONSOLE_PASSWORD, RunningServer, add_console_user

COUNTS = (
    "as_of,area_code,installs,smartphones\n"
    "2020-08-10,01,2000000,6000000\n2020-08-10,79,2100000,8000000\n2020-08-10,48,450000,900000\n"
    "2020-08-20,001,120000,200000\n2020-08-20,002,90000,160000\n"
    "2020-08-20,79,2500000,8000000\n2020-08-20,48,480000,900000\n"
)


def _seed(server: RunningServer) -> int:
    with server.services.db.session() as session:
        imports.store_counts(session, imports.parse_counts(COUNTS).rows)
        unit = units.create_unit(
            session,
            name="Bưu điện Trung tâm Sài Gòn",
            kind="post_office",
            area_code="26740",
            now=server.services.now(),
        )
        return unit.id


def test_map_leaderboard_and_drill_down(server: RunningServer, browser_page: object, tmp_path: Path) -> None:
    from playwright.sync_api import Page, expect

    page = browser_page
    assert isinstance(page, Page)
    _seed(server)
    page.goto(f"{server.base_url}/campaign")
    expect(page.get_by_role("heading", name="Bảng xếp hạng")).to_be_visible()
    assert page.locator("svg.map path").count() >= 63
    rows = page.locator("#leaderboard tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Đà Nẵng")
    expect(rows.nth(1).locator(".move")).to_have_text("▲1")  # Hồ Chí Minh moved up past Hà Nội
    expect(rows.nth(2).locator(".move")).to_have_text("▼1")
    shots = Path(os.environ.get("BZ_SCREENSHOTS", str(tmp_path)))
    page.screenshot(path=str(shots / "campaign-map.png"), full_page=True)

    page.locator('svg.map a[data-code="01"]').first.click()  # Hà Nội on the map
    expect(page.get_by_role("heading", name="Thành phố Hà Nội")).to_be_visible()
    expect(page.locator("#headline")).to_contain_text("hạng 3/3")  # its own standing first
    expect(page.locator("#headline")).to_contain_text("giảm 1 bậc")
    expect(page.locator("#below tbody tr")).to_have_count(2)  # its districts with counts
    expect(page.locator("#trend svg")).to_be_visible()
    page.locator("#below a", has_text="Quận Ba Đình").click()
    expect(page.get_by_role("heading", name="Quận Ba Đình")).to_be_visible()
    page.locator("#lang").click()
    expect(page.get_by_role("heading", name="Units")).to_be_visible()


def test_a_unit_reports_through_the_form(server: RunningServer, browser_page: object) -> None:
    from playwright.sync_api import Page, expect

    page = browser_page
    assert isinstance(page, Page)
    unit_id = _seed(server)
    add_console_user(server, "bd.lan", "campaign_officer")
    page.goto(f"{server.base_url}/console/login")
    page.get_by_label("Tên đăng nhập").fill("bd.lan")
    page.get_by_label("Mật khẩu").fill(CONSOLE_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.goto(f"{server.base_url}/campaign/units/{unit_id}/report")
    expect(page.get_by_role("heading", name="Bưu điện Trung tâm Sài Gòn")).to_be_visible()
    page.get_by_label("Cán bộ, nhân viên").fill("120")
    page.get_by_label("Có ĐTTM").fill("100")
    page.get_by_label("Đã cài đặt").fill("130")  # more than have a smartphone: refused
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("alert")).to_contain_text("đã cài đặt ≤ có ĐTTM ≤ tổng số cán bộ")
    page.get_by_label("Đã cài đặt").fill("90")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("status")).to_have_text("Đã ghi nhận báo cáo.")

    page.goto(f"{server.base_url}/campaign/area/79")
    unit_row = page.locator(f'#units tr[data-unit="{unit_id}"]')
    expect(unit_row).to_contain_text("75,0\u00a0%")  # as Vietnamese writes it
    expect(unit_row.locator(".status-ok")).to_have_text("Đúng hạn")
