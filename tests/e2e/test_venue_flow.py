"""Venue check-in end to end over HTTP: a venue is registered and gets its poster, phones check in (some at
the same time as a later F0, some not), the F0 shares stays with their keys, the hourly package is signed and
downloaded, and only the phones that overlapped get a venue alert; a forged code is refused; a case worker
can mark a stay by hand."""

from __future__ import annotations

from datetime import datetime

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from bluezone.clock import VIETNAM
from bluezone.errors import SignatureError
from bluezone.phone.checkins import CheckInBook
from bluezone.phone.client import DownloadState, ServerClient
from bluezone.phone.phone import Phone
from bluezone.phone.storage import MemoryStore
from bluezone.services import run_maintenance
from bluezone.store.models import CheckInReport, Venue
from bluezone.venues import qr
from tests.conftest import REALM, RunningServer
from tests.e2e.test_tracing_flow import _issue


def _register(server: RunningServer, name: str) -> dict[str, str]:
    body = {
        "name": name,
        "address": "Hàng Bạc, Hoàn Kiếm",
        "communeCode": "00037",
        "kind": "restaurant",
        "visitMinutes": 60,
    }
    with server.client() as http:
        made = http.post("/api/venues", json=body, headers={"X-API-Key": server.admin_key})
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_only_phones_that_overlapped_get_venue_alerts(server: RunningServer) -> None:
    clock = server.clock
    t0 = clock.now()
    pho, cafe = _register(server, "Phở Hàng Bạc"), _register(server, "Cà phê Giảng")
    with server.client() as http:
        pem = http.get("/exports/venue-key.pem").content
        poster = http.get(f"/api/venues/{pho['venueId']}/poster.pdf")
        png = http.get(pho["posterPng"])
        export_pem = http.get("/exports/public-key.pem").content
    assert poster.content.startswith(b"%PDF-") and png.content.startswith(b"\x89PNG")
    venue_key = load_pem_public_key(pem)
    keys = {"1": venue_key}
    books = {name: CheckInBook(clock, keys) for name in ("f0", "overlap", "later", "other")}  # type: ignore[arg-type]
    with pytest.raises(SignatureError):
        forged = qr.PREFIX + pho["payload"][len(qr.PREFIX) :].replace(".", ".e", 1)
        books["f0"].scan(forged)

    books["f0"].scan(pho["payload"])
    books["overlap"].scan(pho["payload"])
    books["other"].scan(cafe["payload"])
    clock.advance(40 * 60)
    books["f0"].check_out()
    books["overlap"].check_out()
    books["other"].check_out()
    clock.advance(30 * 60)
    books["later"].scan(pho["payload"])  # arrives after the F0 has gone
    clock.advance(30 * 60)
    books["later"].check_out()

    # Two days later the F0 tests positive and shares keys and stays of the infectious window.
    clock.advance(2 * 86_400)
    phone = Phone(clock, store=MemoryStore())
    today = datetime.fromtimestamp(clock.now(), VIETNAM).date()
    code = _issue(server, "confirmed", testDate=today.isoformat())
    stays = [r.SerializeToString() for r in books["f0"].reports_since(t0 - 2 * 86_400)]
    bundle = phone.prepare_upload(today, check_ins=stays)
    export_key = load_pem_public_key(export_pem)
    with server.client() as http:
        client = ServerClient(server.base_url, server.device_key, [export_key], http=http)  # type: ignore[list-item]
        assert client.upload(code, bundle, REALM) >= 1
    with server.services.db.session() as session:
        stored = session.query(CheckInReport).all()
        assert len(stored) == 1 and qr.location_id(pho["payload"]) not in stored[0].report  # unreadable

    clock.advance(2 * 3600)
    run_maintenance(server.services)
    with server.client() as http:
        client = ServerClient(server.base_url, server.device_key, [export_key], http=http)  # type: ignore[list-item]
        published = client.new_venue_reports(DownloadState())
    assert len(published) == 1
    alerts = {name: book.match(published) for name, book in books.items() if name != "f0"}
    assert [len(alerts[name]) for name in ("overlap", "later", "other")] == [1, 0, 0]
    assert alerts["overlap"][0].venue.name == "Phở Hàng Bạc"


def test_a_case_worker_marks_a_stay_by_hand(server: RunningServer) -> None:
    clock = server.clock
    cafe = _register(server, "Cà phê Giảng")
    with server.client() as http:
        venue_key = load_pem_public_key(http.get("/exports/venue-key.pem").content)
        export_key = load_pem_public_key(http.get("/exports/public-key.pem").content)
    book = CheckInBook(clock, {"1": venue_key})  # type: ignore[dict-item]
    start = clock.now()
    book.scan(cafe["payload"])
    clock.advance(45 * 60)
    book.check_out()
    clock.advance(3600)
    window = {
        "start": datetime.fromtimestamp(start + 600, VIETNAM).isoformat(),
        "end": datetime.fromtimestamp(start + 3000, VIETNAM).isoformat(),
    }
    reversed_window = {"start": window["end"], "end": window["start"]}
    with server.client() as http:
        refused = http.post(
            f"/api/venues/{cafe['venueId']}/risk",
            json=reversed_window,
            headers={"X-API-Key": server.admin_key},
        )
        assert (refused.status_code, refused.json()["code"]) == (400, "reversed_times")
        no_key = http.post(f"/api/venues/{cafe['venueId']}/risk", json=window)
        assert no_key.status_code == 401
        marked = http.post(
            f"/api/venues/{cafe['venueId']}/risk", json=window, headers={"X-API-Key": server.admin_key}
        )
        assert marked.status_code == 201
    clock.advance(2 * 3600)
    run_maintenance(server.services)
    with server.client() as http:
        client = ServerClient(server.base_url, server.device_key, [export_key], http=http)  # type: ignore[list-item]
        alerts = book.match(client.new_venue_reports(DownloadState()))
    assert len(alerts) == 1 and alerts[0].overlap_seconds >= 35 * 60


def test_a_province_registers_its_list_of_venues_all_or_nothing(server: RunningServer) -> None:
    venue = {"address": "Hoàn Kiếm", "communeCode": "00037", "kind": "market", "visitMinutes": 45}
    listed = [{**venue, "name": f"Chợ số {i}"} for i in range(1, 4)]
    headers = {"X-API-Key": server.admin_key}
    with server.client() as http:
        made = http.post("/api/venues/batch", json={"venues": listed}, headers=headers)
        assert made.status_code == 201, made.text
        codes = [v["payload"] for v in made.json()["venues"]]
        assert len(set(codes)) == 3
        venue_key = {"1": load_pem_public_key(http.get("/exports/venue-key.pem").content)}
        read = [qr.read_payload(c, venue_key) for c in codes]  # type: ignore[arg-type]
        assert [v.name for v in read] == ["Chợ số 1", "Chợ số 2", "Chợ số 3"]

        wrong = [*listed, {**venue, "name": "Chợ ma", "communeCode": "99999"}]
        refused = http.post("/api/venues/batch", json={"venues": wrong}, headers=headers)
        assert refused.status_code == 400 and refused.json()["error"].startswith("venue 4:")
        too_many = http.post("/api/venues/batch", json={"venues": [listed[0]] * 201}, headers=headers)
        assert too_many.status_code == 400
    with server.services.db.session() as session:
        assert session.query(Venue).count() == 3  # the refused list left nothing behind
