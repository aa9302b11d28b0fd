"""The console in a real browser (headless Chromium, Playwright): sign in, issue a code, add a facility."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyotp

from tests.browser.conftest import fill
from tests.conftest import CONSOLE_PASSWORD, RunningServer, add_console_user


def test_sign_in_and_issue_a_code(server: RunningServer, browser_page: object, tmp_path: Path) -> None:
    from playwright.sync_api import Page, expect

    page = browser_page
    assert isinstance(page, Page)
    add_console_user(server, "cw.hoa", "realm_admin")
    page.goto(f"{server.base_url}/console")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill("cw.hoa")
    page.get_by_label("Mật khẩu").fill(CONSOLE_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    # An admin's first sign-in enrols an authenticator: the key as text (and QR), a code from it, then the
    # recovery codes once.
    expect(page.get_by_role("heading", name="Bật xác thực hai lớp")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    shots = Path(os.environ.get("BZ_SCREENSHOTS", str(tmp_path)))
    page.screenshot(path=str(shots / "console-second-factor.png"), full_page=True)
    page.get_by_label("Mã 6 số").fill(pyotp.TOTP(secret).at(server.services.now()))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Tiếp tục").click()

    expect(
        page.get_by_role("heading", name="Cấp mã xác nhận cho người dương tính (F0) hoặc F1")
    ).to_be_visible()
    page.get_by_label("Loại").select_option("confirmed")
    page.get_by_label("Ngày khởi phát triệu chứng").fill("2026-03-01")
    page.get_by_role("button", name="Cấp mã", exact=True).click()
    code = page.locator("#short-code")
    expect(code).to_have_text(re.compile(r"^\d{8}$"))
    expect(page.locator("blockquote").first).to_contain_text(code.inner_text())
    page.screenshot(path=str(shots / "console-code.png"), full_page=True)

    page.get_by_role("link", name="Cơ sở y tế").click()
    facility = {"Tên": "Trạm Y tế phường Hàng Bạc", "Địa chỉ": "4 Hàng Bạc", "Điện thoại": "024 3828 9393"}
    fill(page, facility)
    expect(page.get_by_label("Tỉnh, thành phố", exact=True)).to_have_value("01")  # the department's own
    page.get_by_label("Xã, phường", exact=True).select_option(label="Phường Hoàn Kiếm")
    page.get_by_role("button", name="Thêm").click()
    expect(page.locator("#facilities")).to_contain_text("Trạm Y tế phường Hàng Bạc")
    expect(page.locator("#facilities")).to_contain_text("Phường Hoàn Kiếm")  # by name, not code

    page.locator("#lang").click()
    expect(page.get_by_role("heading", name="Facilities shown in alerts")).to_be_visible()
    page.screenshot(path=str(shots / "console-facilities.png"), full_page=True)


def test_lab_staff_send_a_result_and_a_table(
    server: RunningServer, browser_page: object, tmp_path: Path
) -> None:
    """A lab's staff type one sample (a typo is caught and what they typed is kept), then send a table."""
    from playwright.sync_api import Page, expect

    from bluezone.protocol.samples import new_sample_id

    page = browser_page
    assert isinstance(page, Page)
    add_console_user(server, "xn.lan", "lab_staff")
    page.goto(f"{server.base_url}/console/login")
    page.get_by_label("Tên đăng nhập").fill("xn.lan")
    page.get_by_label("Mật khẩu").fill(CONSOLE_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(
        page.get_by_role("heading", name=re.compile("Kết quả xét nghiệm – Khoa Xét nghiệm"))
    ).to_be_visible()

    sample = new_sample_id()
    typo = ("1" if sample[0] != "1" else "2") + sample[1:]
    day = server.services.now() // 86_400 * 86_400 - 86_400
    from datetime import UTC, datetime

    sample_day = datetime.fromtimestamp(day, UTC).date().isoformat()
    page.get_by_label("Mã mẫu (in trên phiếu lấy mẫu)").fill(typo)
    page.get_by_label("Kết quả", exact=True).select_option("positive")
    page.get_by_label("Ngày lấy mẫu").fill(sample_day)
    page.get_by_role("button", name="Gửi kết quả").click()
    expect(page.locator("#problems")).to_contain_text("gõ nhầm")
    expect(page.get_by_label("Mã mẫu (in trên phiếu lấy mẫu)")).to_have_value(typo)
    expect(page.get_by_label("Kết quả", exact=True)).to_have_value("positive")
    page.get_by_label("Mã mẫu (in trên phiếu lấy mẫu)").fill(sample.lower())
    page.get_by_role("button", name="Gửi kết quả").click()
    expect(page.locator("#stored")).to_contain_text("Đã lưu 1 kết quả")

    table = tmp_path / "ket-qua.csv"
    rows = [f"{new_sample_id()},âm tính,{sample_day}" for _ in range(3)]
    table.write_text("sample_id,result,sample_date\n" + "\n".join(rows) + "\n", encoding="utf-8")
    page.locator("#file").set_input_files(str(table))
    page.get_by_role("button", name="Gửi bảng").click()
    expect(page.locator("#stored")).to_contain_text("Đã lưu 3 kết quả")
    expect(page.locator("#quota")).to_contain_text("đã gửi 4 trên tối đa 20.000")
    shots = Path(os.environ.get("BZ_SCREENSHOTS", str(tmp_path)))
    page.screenshot(path=str(shots / "console-lab-results.png"), full_page=True)


def test_two_ministry_admins_change_the_app_configuration(
    server: RunningServer, browser_page: object, tmp_path: Path
) -> None:
    """One proposes home isolation for 7 days and cannot approve it; the other approves, and it is signed
    and published for phones."""
    from playwright.sync_api import Page, expect

    from bluezone.protocol.app_config import CONFIG_FILE, read_config
    from bluezone.protocol.sms import key_id
    from tests.browser.test_every_page import _sign_in

    page = browser_page
    assert isinstance(page, Page)
    shots = Path(os.environ.get("BZ_SCREENSHOTS", str(tmp_path)))
    for name in ("bt.lan", "bt.minh"):
        add_console_user(server, name, "system_admin", realm=None)
    _sign_in(page, server, "bt.lan")
    page.goto(f"{server.base_url}/console/app-config")
    page.get_by_label("Số ngày cách ly của F1, tính từ ngày tiếp xúc").fill("7")
    page.get_by_label("F1 cách ly tại nhà (không chọn: tại cơ sở cách ly tập trung)").check()
    page.get_by_label("Ngày xét nghiệm của F1 (tính từ ngày tiếp xúc)").fill("1, 7")
    page.get_by_label("Lý do thay đổi (ví dụ: văn bản quy định mới)").fill("Quyết định 4800/QĐ-BYT")
    page.get_by_role("button", name="Gửi đề xuất").click()
    expect(page.locator("#done")).to_contain_text("Một người khác cần phê duyệt")
    expect(page.locator("#proposal-2")).to_contain_text("Đây là đề xuất của bạn")
    expect(page.locator("#proposal-2").get_by_role("button", name="Phê duyệt và phát hành")).to_have_count(0)
    page.get_by_role("button", name="Đăng xuất").click()

    _sign_in(page, server, "bt.minh")
    page.goto(f"{server.base_url}/console/app-config")
    proposal = page.locator("#proposal-2")
    expect(proposal).to_contain_text("Quyết định 4800/QĐ-BYT")
    expect(proposal).to_contain_text("Số ngày cách ly của F1")
    page.screenshot(path=str(shots / "console-app-config-proposal.png"), full_page=True)
    proposal.get_by_role("button", name="Phê duyệt và phát hành").click()
    expect(page.locator("#done")).to_contain_text("Đã phê duyệt")
    expect(page.locator("#trail")).to_contain_text("user:bt.minh")
    public = server.services.secrets.config_key.public_key()
    published = read_config(server.services.exports.get(CONFIG_FILE), {key_id(public): public})
    assert (published.version, published.isolation.f1_days, published.isolation.f1_at_home) == (2, 7, True)
