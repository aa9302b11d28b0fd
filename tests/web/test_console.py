"""The console over HTTP: sign-in, issuing a code, forms protected by CSRF, roles, language."""

from __future__ import annotations

import re

import httpx
import pyotp

from tests.conftest import CONSOLE_PASSWORD, RunningServer, add_console_user


def _sign_in(server: RunningServer, http: httpx.Client, username: str) -> list[str]:
    """Sign in; an admin also enrols an authenticator (a code computed for the server's clock). The
    recovery codes an enrolment shows, or none."""
    response = http.post("/console/login", data={"username": username, "password": CONSOLE_PASSWORD})
    assert response.status_code == 303 and "bz_session" in response.cookies
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    if http.get("/console").headers["location"] != "/console/second-factor":
        return []
    enrolment = http.get("/console/second-factor").text
    secret = _between(enrolment, 'id="totp-secret">', "<").replace(" ", "")
    sealed = _between(enrolment, 'name="enrolment" value="', '"')
    code = pyotp.TOTP(secret).at(server.services.now())
    done = http.post(
        "/console/second-factor", data={"csrf": _csrf(enrolment), "enrolment": sealed, "code": code}
    )
    assert done.status_code == 200, done.text
    return re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", done.text)


def _between(text: str, start: str, end: str) -> str:
    begun = text.index(start) + len(start)
    return text[begun : text.index(end, begun)]


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_wrong_password_shows_the_login_again(server: RunningServer) -> None:
    add_console_user(server, "cw.hoa", "case_worker")
    with server.client() as http:
        response = http.post("/console/login", data={"username": "cw.hoa", "password": "sai-mat-khau-roi"})
        redirected = http.get("/console/codes")
    assert response.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in response.text
    assert (redirected.status_code, redirected.headers["location"]) == (303, "/console/login")


def test_a_case_worker_issues_a_code_with_the_text_to_read(server: RunningServer) -> None:
    add_console_user(server, "cw.hoa", "case_worker")
    with server.client() as http:
        _sign_in(server, http, "cw.hoa")
        form = http.get("/console/codes")
        assert form.status_code == 200 and "Cấp mã xác nhận" in form.text
        code_for = {"test_type": "confirmed", "symptom_date": "2026-03-01", "phone": "0912345678"}
        issued = http.post("/console/codes", data={"csrf": _csrf(form.text), **code_for})
        code = re.search(r'id="short-code">(\d{8})<', issued.text)
        assert issued.status_code == 200 and code is not None
        assert f"Mã xác nhận của anh/chị là {code.group(1)}" in issued.text
        assert "ma xac nhan cua ban la" in issued.text  # the text message, GSM-7 friendly
        forged = http.post(
            "/console/codes", data={"csrf": "forged", "test_type": "confirmed", "symptom_date": "2026-03-01"}
        )
        assert forged.status_code == 403 and "Biểu mẫu đã hết hạn" in forged.text
        missing = http.post("/console/codes", data={"csrf": _csrf(form.text), "test_type": "confirmed"})
        assert missing.status_code == 400 and "Cần ngày khởi phát" in missing.text


def test_roles_limit_the_pages(server: RunningServer) -> None:
    add_console_user(server, "viewer.lan", "viewer")
    with server.client() as http:
        _sign_in(server, http, "viewer.lan")
        assert http.get("/console/codes").status_code == 403
        stats = http.get("/console/stats")
    assert stats.status_code == 200 and "<svg" in stats.text and "Thống kê 14 ngày qua" in stats.text


def test_english_on_request(server: RunningServer) -> None:
    add_console_user(server, "admin.an", "realm_admin")
    with server.client() as http:
        _sign_in(server, http, "admin.an")
        english = http.get("/console/facilities?lang=en")
        again = http.get("/console/facilities")
    assert "Facilities shown in alerts" in english.text and "bz_lang=en" in english.headers["set-cookie"]
    assert "Facilities shown in alerts" in again.text  # the choice is remembered


def test_signing_out_ends_the_session(server: RunningServer) -> None:
    add_console_user(server, "cw.hoa", "case_worker")
    with server.client() as http:
        _sign_in(server, http, "cw.hoa")
        page = http.get("/console/codes")
        session_cookie = http.cookies["bz_session"]
        forged = http.post("/console/logout", data={"csrf": "another-site"})
        assert forged.status_code == 403 and http.get("/console/codes").status_code == 200  # still signed in
        assert http.post("/console/logout", data={"csrf": _csrf(page.text)}).status_code == 303
    with server.client() as other:
        other.cookies.set("bz_session", session_cookie)
        assert other.get("/console/codes").headers["location"] == "/console/login"


def test_a_realm_admin_manages_people_and_keys(server: RunningServer) -> None:
    add_console_user(server, "admin.an", "realm_admin")
    add_console_user(server, "cw.hoa", "case_worker")
    with server.client() as http:
        _sign_in(server, http, "admin.an")
        page = http.get("/console/people")
        assert page.status_code == 200 and "cw.hoa" in page.text
        person = {"csrf": _csrf(page.text), "password": "mot-mat-khau-dai"}
        added = http.post(
            "/console/people/users", data={**person, "username": "new.viewer", "role": "viewer"}
        )
        assert added.status_code == 303
        grab = http.post(
            "/console/people/users", data={**person, "username": "sneaky", "role": "system_admin"}
        )
        assert grab.status_code == 400
        created = http.post("/console/people/keys", data={"csrf": _csrf(page.text), "kind": "admin"})
        new_key = re.search(r'<p class="long">(bz_[^<]+)</p>', created.text)
        assert new_key is not None
        issued = http.post(
            "/api/issue",
            json={"testType": "confirmed", "testDate": "2026-03-01"},
            headers={"X-API-Key": new_key.group(1)},
        )
        assert issued.status_code == 200
        key_id = re.findall(r"/console/people/keys/(\d+)/revoke", created.text)[-1]
        revoke = f"/console/people/keys/{key_id}/revoke"
        asked = http.post(revoke, data={"csrf": _csrf(page.text)})  # first asked, nothing revoked yet
        assert (
            asked.status_code == 200 and "Thu hồi khóa API?" in asked.text and "ngừng hoạt động" in asked.text
        )
        still = http.post(
            "/api/issue",
            json={"testType": "confirmed", "testDate": "2026-03-01"},
            headers={"X-API-Key": new_key.group(1)},
        )
        assert still.status_code == 200
        confirmed = http.post(revoke, data={"csrf": _csrf(page.text), "confirmed": "yes"})
        assert confirmed.status_code == 303
        listed = http.get("/console/people").text
        assert "Đăng nhập lần cuối" in listed and "Chưa đăng nhập" in listed  # cw.hoa never has
        assert re.search(
            r"<td>admin\.an</td><td>[^<]+</td>\s*<td>[^<]+</td>\s*<td>\d\d:\d\d \d\d/\d\d/\d{4}</td>", listed
        )
        refused = http.post(
            "/api/issue",
            json={"testType": "confirmed", "testDate": "2026-03-01"},
            headers={"X-API-Key": new_key.group(1)},
        )
        assert refused.status_code == 401
    with server.client() as http:
        _sign_in(server, http, "cw.hoa")
        assert http.get("/console/people").status_code == 403


def test_a_case_worker_issues_codes_for_a_list(server: RunningServer) -> None:
    """A hospital's list as CSV: a list with a bad line issues nothing and names the line; a good one issues
    a code a line (no SMS centre here: the page says none was texted)."""
    add_console_user(server, "cw.hoa", "case_worker")
    good = (
        "phone,test_type,symptom_date,test_date\n0912345678,,2026-03-01,\n0987 654 321,likely,,2026-03-01\n"
    )
    bad = "phone,test_type,symptom_date\n0912345678,confirmed,2026-03-01\n12345,confirmed,\n"
    with server.client() as http:
        _sign_in(server, http, "cw.hoa")
        csrf = _csrf(http.get("/console/codes").text)
        refused = http.post(
            "/console/codes/bulk", data={"csrf": csrf}, files={"file": ("ds.csv", bad.encode())}
        )
        issued = http.post(
            "/console/codes/bulk", data={"csrf": csrf}, files={"file": ("ds.csv", good.encode())}
        )
    assert refused.status_code == 422 and 'id="problems"' in refused.text
    assert "<td>3</td>" in refused.text and "0912345678" not in refused.text
    assert issued.status_code == 200 and "Đã cấp 2 mã" in issued.text and "…678" in issued.text
    assert len(re.findall(r'<td class="long">\d{8}</td>', issued.text)) == 2
    with server.services.db.session() as session:
        from sqlalchemy import func, select

        from bluezone.store.models import VerificationCode

        assert session.scalar(select(func.count()).select_from(VerificationCode)) == 2


def test_each_role_lands_on_its_own_work_and_sees_only_its_menu(server: RunningServer) -> None:
    roles = {
        "case_worker": ("/console/codes", {"/console/codes", "/console/queue", "/console/arrivals"}),
        "viewer": ("/console/stats", {"/console/stats"}),
        "campaign_officer": ("/campaign/manage", {"/campaign/manage", "/campaign/import"}),
    }
    for role, (landing, menu) in roles.items():
        username = role.replace("_", ".")
        add_console_user(server, username, role)
        with server.client() as http:
            _sign_in(server, http, username)
            home = http.get("/console")
            assert (home.status_code, home.headers["location"]) == (303, landing), role
            page = http.get(landing)
        header = page.text[page.text.index("<header>") : page.text.index("</header>")]
        assert page.status_code == 200 and set(re.findall(r'<a href="(/[^"?]+)"', header)) == menu, role


def test_the_daily_quota_and_guessing_are_shown_to_the_department(server: RunningServer) -> None:
    server.services.settings.codes_per_realm_per_day = 1
    add_console_user(server, "admin.an", "realm_admin")
    with server.client() as http:
        _sign_in(server, http, "admin.an")
        form = http.get("/console/codes")
        assert "Hôm nay đơn vị đã cấp 0 trên tối đa 1 mã" in form.text
        sent = {"csrf": _csrf(form.text), "test_type": "confirmed", "symptom_date": "2026-03-01"}
        assert http.post("/console/codes", data=sent).status_code == 200
        refused = http.post("/console/codes", data=sent)
        assert refused.status_code == 400 and "số mã tối đa của hôm nay" in refused.text
        assert "đã cấp 1 trên tối đa 1 mã" in refused.text
        http.post("/api/verify", json={"code": "00000000"}, headers={"X-API-Key": server.device_key})
        stats = http.get("/console/stats?lang=en")
    assert "Wrong codes entered in the app this hour: 1" in stats.text


def test_a_realm_admin_disables_and_resets_an_account_from_the_people_page(server: RunningServer) -> None:
    add_console_user(server, "admin.an", "realm_admin")
    add_console_user(server, "cw.hoa", "case_worker")
    with server.client() as worker:
        _sign_in(server, worker, "cw.hoa")
        with server.client() as http:
            _sign_in(server, http, "admin.an")
            csrf = _csrf(http.get("/console/people").text)
            assert http.post("/console/people/users/cw.hoa/disable", data={"csrf": csrf}).status_code == 303
            listed = http.get("/console/people").text
            assert "Đã khóa" in listed and "/console/people/users/admin.an/" not in listed  # not their own
            assert worker.get("/console/codes").status_code == 303  # the worker's session ended
            assert http.post("/console/people/users/cw.hoa/enable", data={"csrf": csrf}).status_code == 303
            short = http.post("/console/people/users/cw.hoa/password", data={"csrf": csrf, "password": "x"})
            assert short.status_code == 400
            sent = {"csrf": csrf, "password": "mot-mat-khau-moi-456"}
            assert http.post("/console/people/users/cw.hoa/password", data=sent).status_code == 303
        refused = worker.post("/console/login", data={"username": "cw.hoa", "password": CONSOLE_PASSWORD})
        assert refused.status_code == 401
        again = worker.post("/console/login", data={"username": "cw.hoa", "password": "mot-mat-khau-moi-456"})
        assert again.status_code == 303


def test_admins_sign_in_with_a_second_factor(server: RunningServer) -> None:
    add_console_user(server, "admin.an", "realm_admin")
    with server.client() as http:
        recovery = _sign_in(server, http, "admin.an")  # enrols the authenticator on the first sign-in
        assert len(recovery) == 10 and http.get("/console/people").status_code == 200
        secret = _stored_secret(server, "admin.an")
        http.post("/console/logout", data={"csrf": _csrf(http.get("/console/people").text)})
    with server.client() as http:
        http.post("/console/login", data={"username": "admin.an", "password": CONSOLE_PASSWORD})
        assert (
            http.get("/console/people").headers["location"] == "/console/second-factor"
        )  # password alone: no
        form = http.get("/console/second-factor").text
        assert "totp-secret" not in form  # enrolled: a code is asked for, the key is not shown again
        for _ in range(5):
            wrong = http.post("/console/second-factor", data={"csrf": _csrf(form), "code": "000000"})
            assert wrong.status_code == 400 and "Mã chưa đúng" in wrong.text
        waiting = http.post("/console/second-factor", data={"csrf": _csrf(form), "code": "000000"})
        assert waiting.status_code == 429
        server.clock.advance(60)
        code = pyotp.TOTP(secret).at(server.services.now())
        assert (
            http.post("/console/second-factor", data={"csrf": _csrf(form), "code": code}).status_code == 303
        )
        assert http.get("/console/people").status_code == 200
    with server.client() as http:  # a lost phone: a recovery code works, once
        for attempt in (303, 400):
            http.post("/console/login", data={"username": "admin.an", "password": CONSOLE_PASSWORD})
            form = http.get("/console/second-factor").text
            sent = http.post(
                "/console/second-factor", data={"csrf": _csrf(form), "code": recovery[0].upper()}
            )
            assert sent.status_code == attempt
    add_console_user(server, "cw.hoa", "case_worker")
    with server.client() as http:
        assert _sign_in(server, http, "cw.hoa") == [] and http.get("/console/codes").status_code == 200


def _stored_secret(server: RunningServer, username: str) -> str:
    from sqlalchemy import select

    from bluezone.store.models import User

    with server.services.db.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None and user.totp_secret is not None
        return server.services.secrets.decrypt(user.totp_secret, f"totp:{user.id}".encode()).decode()


def test_the_ministry_is_told_which_provinces_nobody_serves(server: RunningServer) -> None:
    add_console_user(server, "byt.viewer", "viewer", realm="BYT")
    add_console_user(server, "hn.viewer", "viewer")
    with server.client() as http:
        _sign_in(server, http, "byt.viewer")
        ministry = http.get("/console/stats").text
    with server.client() as http:
        _sign_in(server, http, "hn.viewer")
        province = http.get("/console/stats").text
    notice = _between(ministry, '<p class="notice" id="unserved">', "</p>")
    assert notice.startswith("32 tỉnh, thành phố chưa có Sở Y tế")  # 34 less Hà Nội and Hồ Chí Minh City
    assert "Tỉnh Khánh Hòa" in notice and "Thành phố Hà Nội" not in notice and "serve-province" in notice
    assert 'id="unserved"' not in province  # a province's department is not the one to fix it


def test_the_api_reference_works_offline(server: RunningServer) -> None:
    with server.client() as http:
        docs = http.get("/docs")
        script = http.get("/docs/assets/swagger-ui-bundle.js")
        style = http.get("/docs/assets/swagger-ui.css")
    assert docs.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in docs.text
    assert not re.search(r'(src|href)="https?://', docs.text)  # nothing from the internet
    assert script.status_code == style.status_code == 200 and len(script.content) > 100_000


def test_only_a_system_admin_chooses_the_department_to_work_in(server: RunningServer) -> None:
    add_console_user(server, "admin.an", "realm_admin")
    with server.client() as http:
        _sign_in(server, http, "admin.an")
        assert http.get("/console/realm").status_code == 403
        form = http.get("/console/codes").text
        refused = http.post("/console/realm", data={"csrf": _csrf(form), "realm": "HCM"})
        assert refused.status_code == 403 and "bz_realm" not in refused.headers.get("set-cookie", "")
