"""Phones' own counts, units and their reports, targets, tables in and out: over HTTP, on both databases."""

from __future__ import annotations

import base64
import csv
import io
import secrets
from datetime import date

import httpx
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bluezone.campaign import activity, tables
from bluezone.clock import ManualClock, local_day
from bluezone.errors import InvalidInput
from bluezone.phone.client import ServerClient
from bluezone.phone.phone import Phone
from bluezone.phone.storage import MemoryStore
from bluezone.services import run_maintenance
from bluezone.store.models import ActivityCount, ActivityReceipt, CampaignCount
from tests.conftest import Authority, RunningServer, add_console_user

BA_DINH, NGOC_HA, HANOI = "00004", "00008", "01"  # 2025 structure (the server's clock is in March 2026)


def _token() -> str:
    return base64.b64encode(secrets.token_bytes(16)).decode()


def _ping(http: httpx.Client, key: str, kind: str, commune: str, token: str) -> httpx.Response:
    body = {"kind": kind, "communeCode": commune, "token": token}
    return http.post("/api/campaign/activity", json=body, headers={"X-API-Key": key})


def test_phones_are_counted_once_a_day_and_nothing_identifies_them(server: RunningServer) -> None:
    phone = Phone(server.clock, store=MemoryStore(), commune_code=BA_DINH)
    with server.client() as http:
        client = ServerClient(server.base_url, server.device_key, [object()], http=http)  # type: ignore[list-item]
        client.report_activity("install", BA_DINH, phone.activity_token("install"))
        client.report_activity("active", BA_DINH, phone.activity_token("active"))
        client.report_activity("active", BA_DINH, phone.activity_token("active"))  # a retry: same token
        repeat = _ping(
            http,
            server.device_key,
            "active",
            BA_DINH,
            base64.b64encode(phone.activity_token("active")).decode(),
        )
        other = _ping(http, server.device_key, "active", NGOC_HA, _token())
        assert repeat.status_code == other.status_code == 202
        assert len(repeat.content) == len(other.content)  # a counted and an uncounted report look alike
        assert _ping(http, server.device_key, "active", "99999", _token()).json()["code"] == "unknown_area"
        assert _ping(http, server.device_key, "active", BA_DINH, "c2hvcnQ=").json()["code"] == "bad_token"
        assert _ping(http, server.stats_key, "active", BA_DINH, _token()).status_code in (401, 403)
    with server.services.db.session() as session:
        # One row a counted report, with its commune; counted when the day closes.
        receipts = sorted((r.kind, r.commune_code) for r in session.scalars(select(ActivityReceipt)))
        assert receipts == [("active", BA_DINH), ("active", NGOC_HA), ("install", BA_DINH)]
        assert session.scalar(select(func.count()).select_from(ActivityCount)) == 0

    first_day = local_day(server.services.now())
    server.clock.advance(86_400)
    tomorrow_token = phone.activity_token("active")
    run_maintenance(server.services)
    with server.services.db.session() as session:
        assert (
            session.scalar(select(func.count()).select_from(ActivityReceipt)) == 0
        )  # hashes gone with the day
        counts = {(c.kind, c.commune_code): c.phones for c in session.scalars(select(ActivityCount))}
        assert counts == {("install", BA_DINH): 1, ("active", BA_DINH): 1, ("active", NGOC_HA): 1}
        snapshot = {
            c.area_code: (c.installs, c.active)
            for c in session.scalars(
                select(CampaignCount).where(CampaignCount.as_of == activity.day_end(first_day))
            )
        }
    assert snapshot == {BA_DINH: (1, 1), NGOC_HA: (1, 1)}
    assert tomorrow_token != base64.b64decode(_token())  # a new day, a new token
    with server.client() as http:
        ranked = http.get("/api/campaign/ranking", params={"level": "commune", "parent": HANOI}).json()
    assert {row["areaCode"] for row in ranked} == {BA_DINH, NGOC_HA}


def _admin(server: RunningServer) -> dict[str, str]:
    return {"X-API-Key": server.admin_key}


def _ministry(server: RunningServer) -> dict[str, str]:
    return {"X-API-Key": server.national_admin_key}


def test_admin_keys_change_only_their_provinces_part_of_the_campaign(server: RunningServer) -> None:
    """The campaign's access rule on the API: Hà Nội's key, Hồ Chí Minh City's key, the ministry's key."""
    hanoi, saigon, ministry = _admin(server), {"X-API-Key": server.other_admin_key}, _ministry(server)
    counts = "as_of,area_code,installs,smartphones\n2026-03-01,01,60,90\n"
    target = {"subject": "area:01", "basis": "smartphones", "ratePercent": 60, "by": "2026-04-30"}
    unit = {"name": "Trường Ba Đình", "kind": "school", "areaCode": BA_DINH}
    report = {"asOf": "2026-03-01", "staff": 10, "smartphoneHolders": 9, "installed": 8}
    with server.client() as http:
        existing = http.post("/api/campaign/units", json=unit, headers=ministry).json()["unitId"]
        bulk = f"unit_id,as_of,staff,smartphone_holders,installed\n{existing},2026-03-01,9,8,7\n"

        def tried(headers: dict[str, str]) -> tuple[int, ...]:
            return (
                http.post(
                    "/api/campaign/counts", files={"file": ("c.csv", counts)}, headers=headers
                ).status_code,
                http.post("/api/campaign/units", json=unit, headers=headers).status_code,
                http.post(
                    f"/api/campaign/units/{existing}/reports", json=report, headers=headers
                ).status_code,
                http.post(
                    "/api/campaign/reports", files={"file": ("r.csv", bulk)}, headers=headers
                ).status_code,
                http.put("/api/campaign/targets", json=target, headers=headers).status_code,
            )

        assert tried(saigon) == (403, 403, 403, 403, 403)  # every write for Hà Nội's areas refused
        assert tried(hanoi) == (200, 201, 201, 200, 200)
        assert tried(ministry) == (200, 201, 201, 200, 200)
        refused = http.post(f"/api/campaign/units/{existing}/reports", json=report, headers=saigon)
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")


def test_units_report_and_the_area_above_sees_who_is_late(server: RunningServer) -> None:
    with server.client() as http:
        made = http.post(
            "/api/campaign/units",
            json={"name": "Bưu điện Ba Đình", "kind": "post_office", "areaCode": BA_DINH},
            headers=_admin(server),
        )
        assert made.status_code == 201, made.text
        parent = made.json()["unitId"]
        child = http.post(
            "/api/campaign/units",
            json={"name": "Bưu cục Ngọc Hà", "kind": "post_office", "areaCode": NGOC_HA, "parentId": parent},
            headers=_admin(server),
        ).json()["unitId"]
        bad = http.post(
            "/api/campaign/units",
            json={"name": "X", "kind": "castle", "areaCode": BA_DINH},
            headers=_admin(server),
        )
        assert (bad.status_code, bad.json()["code"]) == (400, "bad_unit")
        today = date.fromtimestamp(server.services.now())
        good = {"asOf": today.isoformat(), "staff": 40, "smartphoneHolders": 36, "installed": 30}
        assert (
            http.post(f"/api/campaign/units/{parent}/reports", json=good, headers=_admin(server)).status_code
            == 201
        )
        wrong = {**good, "installed": 37}
        refused = http.post(f"/api/campaign/units/{child}/reports", json=wrong, headers=_admin(server))
        assert (refused.status_code, refused.json()["code"]) == (400, "bad_report")

        listed = http.get("/api/campaign/units", params={"area": HANOI}).json()
        assert [(u["name"], u["status"], u["rateOfStaff"]) for u in listed] == [
            ("Bưu điện Ba Đình", "ok", 75.0),
            ("Bưu cục Ngọc Hà", "ok", None),
        ]
        assert [u["unitId"] for u in http.get("/api/campaign/units", params={"parent": parent}).json()] == [
            child
        ]

        server.clock.advance(8 * 86_400)  # a week and a day later, nobody has reported again
        statuses = {
            u["name"]: u["status"] for u in http.get("/api/campaign/units", params={"area": HANOI}).json()
        }
        assert statuses == {"Bưu điện Ba Đình": "missing", "Bưu cục Ngọc Hà": "missing"}
        later = {**good, "asOf": date.fromtimestamp(server.services.now()).isoformat()}
        http.post(f"/api/campaign/units/{parent}/reports", json=later, headers=_admin(server))
        statuses = {
            u["name"]: u["status"] for u in http.get("/api/campaign/units", params={"area": HANOI}).json()
        }
        assert statuses["Bưu điện Ba Đình"] == "late"  # 8 days after the last one, 7 were allowed

        sheet = http.get("/api/campaign/units", params={"area": HANOI, "format": "xlsx"})
        rows = list(load_workbook(io.BytesIO(sheet.content)).worksheets[0].iter_rows(values_only=True))
        assert rows[0][:2] == ("unit_id", "name") and rows[1][1] == "Bưu điện Ba Đình"
        text = http.get("/api/campaign/units", params={"area": HANOI, "format": "csv"}).content.decode(
            "utf-8-sig"
        )
        assert text.splitlines()[0].startswith("unit_id,name,kind")


def test_bulk_reports_and_counts_are_checked_whole(server: RunningServer) -> None:
    with server.client() as http:
        school = {"name": "Trường THPT Phan Đình Phùng", "kind": "school", "areaCode": BA_DINH}
        unit = http.post("/api/campaign/units", json=school, headers=_admin(server)).json()["unitId"]
        today = date.fromtimestamp(server.services.now()).isoformat()
        bad = (
            f"unit_id,as_of,staff,smartphone_holders,installed\n{unit},{today},90,80,70\n"
            f"{unit},someday,1,1,1\n9999,{today},3,2,1\n"
        )
        refused = http.post("/api/campaign/reports", files={"file": ("r.csv", bad)}, headers=_admin(server))
        assert refused.status_code == 422
        assert refused.json()["errors"] == [[3, "as_of must be a date, YYYY-MM-DD"]]
        assert http.get("/api/campaign/units").json()[0]["staff"] is None  # nothing stored

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in (
            ("as_of", "area_code", "installs", "smartphones"),
            (date(2026, 3, 1), "01", 100, 90),
            (date(2026, 3, 1), "79", 5, 10),
        ):
            sheet.append(row)
        data = io.BytesIO()
        book.save(data)
        xlsx = http.post(
            "/api/campaign/counts",
            files={"file": ("counts.xlsx", data.getvalue())},
            headers=_ministry(server),
        )
        assert xlsx.status_code == 422 and xlsx.json()["errors"] == [
            [2, "installs exceed smartphone subscribers"]
        ]
        good = "as_of,area_code,installs,smartphones\n2026-03-01,01,60,90\n2026-03-01,79,5,10\n"
        done = http.post(
            "/api/campaign/counts", files={"file": ("counts.csv", good)}, headers=_ministry(server)
        )
        assert done.json() == {"imported": 2, "replaced": 0, "errors": []}
        no_key = http.post("/api/campaign/counts", files={"file": ("counts.csv", good)})
        assert no_key.status_code == 401
        ranked = http.get("/api/campaign/ranking", params={"by": "smartphones", "format": "xlsx"})
        rows = list(load_workbook(io.BytesIO(ranked.content)).worksheets[0].iter_rows(values_only=True))
        assert rows[1][:5] == (1, None, "01", rows[1][3], 60)


def test_targets_show_what_is_still_needed(server: RunningServer) -> None:
    with server.client() as http:
        counts = "as_of,area_code,installs,smartphones\n2026-03-01,01,50,100\n"
        http.post("/api/campaign/counts", files={"file": ("c.csv", counts)}, headers=_admin(server))
        body = {"subject": "area:01", "basis": "smartphones", "ratePercent": 60, "by": "2026-03-11"}
        set_ = http.put("/api/campaign/targets", json=body, headers=_admin(server))
        assert set_.status_code == 200, set_.text
        progress = set_.json()
        assert progress["ratePercent"] == 50.0 and progress["stillNeeded"] == 10
        assert progress["onTrack"] is True  # the day it was set, it is where it started
        server.clock.advance(5 * 86_400)  # half way, no progress: behind
        late = http.get("/api/campaign/targets").json()[0]
        assert late["onTrack"] is False and late["neededPerDay"] == 10 / 4
        wrong = http.put("/api/campaign/targets", json={**body, "basis": "staff"}, headers=_admin(server))
        assert (wrong.status_code, wrong.json()["code"]) == (400, "bad_target")
        past = http.put("/api/campaign/targets", json={**body, "by": "2020-01-01"}, headers=_admin(server))
        assert past.json()["code"] == "bad_target"
    assert isinstance(server.clock, ManualClock)


def test_officials_report_only_for_their_own_area_or_unit(server: RunningServer) -> None:
    from bluezone.campaign import units as unit_domain
    from tests.web.test_console import _csrf, _sign_in

    with server.services.db.session() as session:
        now = server.services.now()
        hospital = unit_domain.create_unit(
            session, name="Bệnh viện E", kind="hospital", area_code=BA_DINH, now=now
        )
        ward = unit_domain.create_unit(
            session, name="Khoa Nội", kind="hospital", area_code=BA_DINH, parent_id=hospital.id, now=now
        )
        elsewhere = unit_domain.create_unit(
            session, name="Trường Sài Gòn", kind="school", area_code="26740", now=now
        )
        ids = hospital.id, ward.id, elsewhere.id
    add_console_user(server, "hn.official", "campaign_officer", scope="area:01")
    add_console_user(server, "bve.reporter", "campaign_officer", scope=f"unit:{ids[0]}")
    with pytest.raises(InvalidInput):
        add_console_user(server, "case.scope", "case_worker", scope="area:01")
    today = date.fromtimestamp(server.services.now()).isoformat()
    report = {"as_of": today, "staff": "10", "smartphone_holders": "9", "installed": "8"}
    for username, allowed in (("hn.official", ids[:2]), ("bve.reporter", ids[:2])):
        with server.client() as http:
            _sign_in(server, http, username)
            for unit_id in ids:
                form = http.get(f"/campaign/units/{unit_id}/report")
                assert form.status_code == (200 if unit_id in allowed else 403), (username, unit_id)
                token = _csrf(form.text)
                sent = http.post(f"/campaign/units/{unit_id}/report", data={**report, "csrf": token})
                assert sent.status_code == (303 if unit_id in allowed else 403), (username, unit_id)


def test_officers_import_counts_of_their_own_areas_on_the_web_page(server: RunningServer) -> None:
    from tests.web.test_console import _csrf, _sign_in

    add_console_user(server, "vn.officer", "campaign_officer")
    add_console_user(server, "hn.officer", "campaign_officer", scope="area:01")
    good = "as_of,area_code,installs,smartphones\n2026-03-01,01,60,90\n"
    bad = good + "2026-03-01,01,5,10\n2026-03-01,999,1,1\n"
    with server.client() as http:
        _sign_in(server, http, "vn.officer")
        token = _csrf(http.get("/campaign/import").text)
        refused = http.post("/campaign/import", data={"csrf": token}, files={"file": ("c.csv", bad)})
        assert refused.status_code == 422
        assert "Trùng địa bàn và thời điểm với dòng 2" in refused.text  # said in the reader's language
        assert "Không có địa bàn mã 999" in refused.text
        done = http.post("/campaign/import", data={"csrf": token}, files={"file": ("c.csv", good)})
        assert done.status_code == 200 and "Đã nhập 1 dòng" in done.text
        forged = http.post("/campaign/import", data={"csrf": "forged"}, files={"file": ("c.csv", good)})
        assert forged.status_code == 403
    saigon = "as_of,area_code,installs,smartphones\n2026-03-01,79,60,90\n"
    with server.client() as http:
        _sign_in(server, http, "hn.officer")
        token = _csrf(http.get("/campaign/import").text)
        outside = http.post("/campaign/import", data={"csrf": token}, files={"file": ("c.csv", saigon)})
        assert outside.status_code == 403  # one area's officer: not another province's figures
        own = http.post("/campaign/import", data={"csrf": token}, files={"file": ("c.csv", good)})
        assert own.status_code == 200


def test_check_ins_per_area_and_day_reach_the_dashboard(server: RunningServer) -> None:
    with server.client() as http:
        for commune in (BA_DINH, BA_DINH, NGOC_HA):
            assert _ping(http, server.device_key, "checkin", commune, _token()).status_code == 202
        page = http.get(f"/campaign/area/{HANOI}").text
        ward = http.get(f"/campaign/area/{NGOC_HA}").text
    table = page[page.index('id="check-ins"') :]
    assert "<td>3</td>" in table[: table.index("</table>")]
    assert "<td>1</td>" in ward[ward.index('id="check-ins"') :]


def test_officers_manage_units_and_targets_within_their_part(server: RunningServer) -> None:
    from bluezone.campaign import units as unit_domain
    from tests.web.test_console import _csrf, _sign_in

    with server.services.db.session() as session:
        office = unit_domain.create_unit(
            session, name="UBND phường", kind="agency", area_code=BA_DINH, now=server.services.now()
        )
        office_id = office.id
    add_console_user(server, "vn.boss", "campaign_officer")
    add_console_user(server, "hn.boss", "campaign_officer", scope="area:01")
    add_console_user(server, "office.boss", "campaign_officer", scope=f"unit:{office_id}")
    add_console_user(server, "case.worker", "case_worker")

    def attempt(username: str, path: str, form: dict[str, str]) -> int:
        with server.client() as http:
            _sign_in(server, http, username)
            page = http.get("/campaign/manage")
            if page.status_code != 200:
                return page.status_code
            return http.post(path, data={**form, "csrf": _csrf(page.text)}).status_code

    saigon_unit = {"name": "Trường Sài Gòn", "kind": "school", "area_code": "26740"}
    hanoi_unit = {"name": "Trường Ba Đình", "kind": "school", "area_code": BA_DINH}
    sub_unit = {"name": "Phòng một cửa", "kind": "agency", "area_code": BA_DINH, "parent_id": str(office_id)}
    assert attempt("vn.boss", "/campaign/manage/units", saigon_unit) == 303
    assert attempt("hn.boss", "/campaign/manage/units", hanoi_unit) == 303
    assert attempt("hn.boss", "/campaign/manage/units", saigon_unit) == 403  # outside Hà Nội
    assert attempt("office.boss", "/campaign/manage/units", hanoi_unit) == 403  # not inside their unit
    assert attempt("office.boss", "/campaign/manage/units", sub_unit) == 303
    assert attempt("case.worker", "/campaign/manage/units", hanoi_unit) == 403
    target = {"basis": "staff", "rate_percent": "80", "by": "2026-04-30"}
    assert (
        attempt("office.boss", "/campaign/manage/targets", {**target, "target_unit": str(office_id)}) == 303
    )
    area_target = {"basis": "smartphones", "rate_percent": "60", "by": "2026-04-30"}
    assert (
        attempt("hn.boss", "/campaign/manage/targets", {**area_target, "target_area.province": "01"}) == 303
    )
    assert (
        attempt("hn.boss", "/campaign/manage/targets", {**area_target, "target_area.province": "79"}) == 403
    )
    with server.client() as http:
        names = {u["name"] for u in http.get("/api/campaign/units").json()}
        subjects = {t["subject"] for t in http.get("/api/campaign/targets").json()}
    assert names == {"UBND phường", "Trường Sài Gòn", "Trường Ba Đình", "Phòng một cửa"}
    assert subjects == {f"unit:{office_id}", "area:01"}


def test_downloads_never_carry_a_live_formula(server: RunningServer) -> None:
    """A unit's name is typed by anyone with a key: CSV and XLSX downloads neutralise formula-like cells."""
    hostile = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"]
    with server.client() as http:
        for name in hostile:
            unit = {"name": name, "kind": "school", "areaCode": BA_DINH}
            assert http.post("/api/campaign/units", json=unit, headers=_admin(server)).status_code == 201
        text = http.get("/api/campaign/units", params={"format": "csv"}).content.decode("utf-8-sig")
        sheet = http.get("/api/campaign/units", params={"format": "xlsx"}).content
    names = [row["name"] for row in csv.DictReader(io.StringIO(text))]
    rows = load_workbook(io.BytesIO(sheet)).worksheets[0].iter_rows(min_row=2, values_only=True)
    assert names == [f"'{name}" for name in hostile]
    assert [row[1] for row in rows] == names  # a text cell in the workbook too, never a formula
    written = tables.to_csv(["a", "n"], [["\tTab", -5], ["\rCR", 1.5]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(written, newline="")))[1:] == [["'\tTab", "-5"], ["'\rCR", "1.5"]]


def test_check_ins_count_on_the_open_day_and_once_after_it_closes(authority: Authority) -> None:
    svc = authority.services
    today = local_day(svc.now())
    with svc.db.session() as session:
        for _ in range(3):
            activity.record(
                session, svc.secrets, kind="checkin", commune_code=BA_DINH, token=_token(), now=svc.now()
            )
        assert activity.check_in_days(session, [BA_DINH], first_day=today, last_day=today) == {today: 3}
    authority.clock.advance(86_400)
    run_maintenance(svc)
    with svc.db.session() as session:
        assert activity.check_in_days(session, [BA_DINH, NGOC_HA], first_day=today, last_day=today) == {
            today: 3
        }
