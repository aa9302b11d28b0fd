"""Every page, as each of its users sees it, at desktop and phone width: a citizen and the public, then an
official of each role signing in and going through their menu. Each page must show what that person came for,
and pass axe-core's accessibility check with no serious or critical violation.

With BZ_SCREENSHOTS set, each page is also saved as a picture there: `make screens` refreshes docs/screens/.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest

from bluezone import texts
from bluezone.authority import facilities
from bluezone.authority.realms import realm_by_code
from bluezone.campaign import imports, targets, units
from bluezone.clock import local_date
from bluezone.venues import registry as venues
from tests.browser.conftest import DESKTOP, PHONE, open_page
from tests.conftest import CONSOLE_PASSWORD, RunningServer, add_console_user

AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
COUNTS = (
    "as_of,area_code,installs,smartphones\n"
    "2020-08-10,01,2000000,6000000\n2020-08-10,79,2100000,8000000\n2020-08-10,48,450000,900000\n"
    "2020-08-20,001,120000,200000\n2020-08-20,002,90000,160000\n"
    "2020-08-20,79,2500000,8000000\n2020-08-20,48,480000,900000\n"
)


@dataclass(frozen=True)
class Visit:
    path: str
    shows: str  # what the person must see there
    name: str  # the picture's name


PUBLIC = [
    Visit("/declare/health", "Khai báo y tế tự nguyện", "declare-health"),
    Visit("/declare/entry", "Khai báo y tế nhập cảnh", "declare-entry"),
    Visit("/campaign", "Bảng xếp hạng", "campaign-national"),
    Visit("/campaign/area/01", "hạng 3/3", "campaign-province"),
    Visit("/console/login", "Đăng nhập", "console-login"),
]
OFFICIALS = {
    "case_worker": [
        Visit("/console/codes", "Cấp mã xác nhận", "codes"),
        Visit("/console/queue", "F1 — tiếp xúc gần với ca bệnh", "queue"),
        Visit("/console/arrivals", "Kim Min-jun", "arrivals"),
    ],
    "viewer": [Visit("/console/stats", "Không công bố", "stats")],
    "realm_admin": [
        Visit("/console/codes", "Hôm nay đơn vị đã cấp", "codes"),
        Visit("/console/facilities", "Trạm Y tế phường Hàng Bạc", "facilities"),
        Visit("/console/venues", "Quán cà phê", "venues"),
        Visit("/console/people", "Phòng xét nghiệm và điểm lấy mẫu", "people"),
        Visit("/console/levels", "Cấp độ dịch hiển thị trên điện thoại", "levels"),
    ],
    "system_admin": [
        Visit("/console/realm", "Chọn đơn vị làm việc", "choose-realm"),
        Visit("/console/codes", "Hôm nay đơn vị đã cấp", "codes"),
        Visit("/console/people", "Khóa API cho phần mềm", "people"),
        Visit("/campaign/import", "Nhập số liệu", "campaign-import"),
        Visit("/console/app-config", "Cấu hình cho điện thoại", "app-config"),
    ],
    "lab_staff": [
        Visit("/console/results", "Kết quả xét nghiệm – Khoa Xét nghiệm, CDC Hà Nội", "lab-results")
    ],
    "campaign_officer": [
        Visit("/campaign/manage", "Bưu điện Hà Nội", "campaign-manage"),
        Visit("/campaign/import", "Nhập số liệu", "campaign-import"),
        Visit("/campaign/units/{unit}/report", "Bưu điện Hà Nội", "campaign-unit-report"),
    ],
}
VIEWPORTS: dict[str, dict[str, Any]] = {"desktop": DESKTOP, "phone": PHONE}
# A text's key on the page ("queue.status.") means a text the catalogue lacks.
UNTRANSLATED = re.compile(
    r"\b(?:" + "|".join({key.split(".")[0] for key in texts.message_ids()}) + r")\.[\w.]*"
)


def _seed(server: RunningServer) -> int:
    """A province with figures, a unit and a target, a facility and a venue, an F1 and a traveller."""
    svc, now = server.services, server.services.now()
    with svc.db.session() as session:
        imports.store_counts(session, imports.parse_counts(COUNTS).rows)
        unit = units.create_unit(
            session, name="Bưu điện Hà Nội", kind="post_office", area_code="00070", now=now
        )
        targets.set_target(
            session,
            subject="area:01",
            basis="population",
            rate_percent=50,
            by=_day(server) + timedelta(days=60),
            now=now,
        )
        realm = realm_by_code(session, "HN")
        facilities.add_facility(
            session,
            realm,
            name="Trạm Y tế phường Hàng Bạc",
            address="4 Hàng Bạc",
            phone="024 3828 9393",
            district_code="00070",
            now=now,
        )
        venues.register_venue(
            session,
            svc.secrets,
            realm,
            name="Cà phê Giảng",
            address="39 Nguyễn Hữu Huân",
            commune_code="00070",
            kind="cafe",
            visit_minutes=45,
            now=now,
        )
        unit_id = unit.id
    device, admin = {"X-API-Key": server.device_key}, {"X-API-Key": server.admin_key}
    contact = {
        "realm": "HN",
        "phone": "0912345678",
        "name": "Phạm Thu Trang",
        "address": "8 Hàng Bạc",
        "communeCode": "00070",
        "alertDate": "2026-02-28",
        "level": "F1",
    }
    traveller = {
        "fullName": "Kim Min-jun",
        "phone": "0987654321",
        "communeCode": "00070",
        "address": "Khách sạn",
        "documentType": "passport",
        "documentNumber": "M12345678",
        "nationality": "KR",
        "departureDate": _day(server).isoformat(),
        "arrivalDate": _day(server).isoformat(),
        "flight": "VN417",
        "gate": "HAN",
        "countriesVisited": ["KR"],
    }
    with server.client() as http:
        assert http.post("/api/declarations", json=contact, headers=device).status_code == 202
        assert http.post("/api/entry-declarations", json=traveller).status_code == 201
        assert http.get("/api/declarations", headers=admin).status_code == 200
    return unit_id


def _day(server: RunningServer) -> date:
    return local_date(server.services.now())


def _sign_in(page: object, server: RunningServer, username: str) -> None:
    """As a person does: name and password, then, for an admin, enrolling an authenticator."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.goto(f"{server.base_url}/console/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(CONSOLE_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if "/second-factor" in page.url:
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        page.get_by_label("Mã 6 số").fill(pyotp.TOTP(secret).at(server.services.now()))
        page.get_by_role("button", name="Xác nhận").click()
        page.get_by_role("link", name="Tiếp tục").click()


def _check(page: object, visit: Visit, shots: Path | None, who: str, viewport: str) -> None:
    """The page shows what it is for, fits the screen, and has no serious accessibility problem."""
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    expect(page.locator("main")).to_contain_text(visit.shows)
    shown = page.locator("body").inner_text()
    untranslated = UNTRANSLATED.findall(shown)
    assert not untranslated, f"{visit.path} shows catalogue keys instead of texts: {untranslated}"
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll("main *")]
             .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
             .filter(e => !e.closest(".scroll"))
             .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.getAttribute("class")}`).slice(0, 5)"""
    )
    assert not too_wide, f"{visit.path} is wider than the {viewport} screen: {too_wide}"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v => ({
             id: v.id, impact: v.impact, help: v.help,
             where: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
           }))"""
    )
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, f"{visit.path} ({viewport}): " + json.dumps(blocking, ensure_ascii=False, indent=1)
    if shots is not None:
        page.screenshot(path=str(shots / f"{who}-{visit.name}-{viewport}.png"), full_page=True, scale="css")


@pytest.fixture
def database_url() -> str:
    """SQLite alone: what people see is the same on either database, whose differences are tested elsewhere
    on both (this walk-through is the longest of the browser tests)."""
    return ""


@pytest.fixture
def shots() -> Path | None:
    chosen = os.environ.get("BZ_SCREENSHOTS")
    if chosen is None:
        return None
    Path(chosen).mkdir(parents=True, exist_ok=True)
    return Path(chosen)


@pytest.fixture(autouse=True)
def _axe_present() -> None:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must check accessibility: npm ci installs axe-core")
        pytest.skip("no axe-core here (npm ci)")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_citizens_and_the_public_see_every_open_page(
    server: RunningServer, viewport: str, shots: Path | None
) -> None:
    _seed(server)
    for page in open_page(**VIEWPORTS[viewport]):
        for visit in PUBLIC:
            page.goto(f"{server.base_url}{visit.path}")  # type: ignore[attr-defined]
            _check(page, visit, shots, "public", viewport)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("role", list(OFFICIALS))
def test_each_official_goes_through_their_menu(
    server: RunningServer, role: str, viewport: str, shots: Path | None
) -> None:
    from playwright.sync_api import Page, expect

    unit = _seed(server)
    username = f"nv.{role.replace('_', '')}"  # not like a text's key, which the page is checked for
    add_console_user(server, username, role, realm=None if role == "system_admin" else "HN")
    for page in open_page(**VIEWPORTS[viewport]):
        assert isinstance(page, Page)
        _sign_in(page, server, username)
        visits = OFFICIALS[role]
        expect(page).to_have_url(
            re.compile(re.escape(visits[0].path.format(unit=unit)) + "$")
        )  # lands on its work
        menu = [a.get_attribute("href") for a in page.locator("header a").all()]
        for visit in visits:
            if not visit.path.startswith("/campaign/units"):  # a unit's form is reached from its list
                assert visit.path in menu, f"{role} has no {visit.path} in the menu {menu}"
            page.goto(f"{server.base_url}{visit.path.format(unit=unit)}")
            _check(page, visit, shots, role.replace("_", "-"), viewport)
            if visit.path == "/console/realm":  # a system admin picks the department to work in
                page.get_by_label("Đơn vị", exact=True).select_option(
                    label="Sở Y tế Hà Nội — Thành phố Hà Nội"
                )
                page.get_by_role("button", name="Làm việc với đơn vị này").click()
                expect(page.locator("header")).to_contain_text("Sở Y tế Hà Nội")
