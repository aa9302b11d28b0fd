"""Signed venue codes and the phone's check-ins: forged codes refused, automatic check-out, 14-day retention,
reports only of the window shared, alerts only for stays that overlapped."""

from __future__ import annotations

import base64
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from bluezone.clock import ManualClock
from bluezone.errors import FormatError, SignatureError
from bluezone.phone.checkins import CheckInBook, VenueAlert
from bluezone.venues import qr

AUTHORITY = ec.generate_private_key(ec.SECP256R1())
KEYS = {"2026-1": AUTHORITY.public_key()}
T0 = 1_772_445_600.0  # 2026-03-02 10:00 in Viet Nam
PHO = qr.Venue("PHO24HANGBAC", "Phở Hàng Bạc", "24 Hàng Bạc, Hoàn Kiếm", "00037", "restaurant", 45)
MARKET = qr.Venue("CHODONGXUAN2", "Chợ Đồng Xuân", "Đồng Xuân, Hoàn Kiếm", "00037", "market", 60)


# A poster is printed once: its code (ECDSA signatures differ each time) is the venue's identity.
POSTERS = {venue: qr.make_payload(venue, AUTHORITY, "2026-1") for venue in (PHO, MARKET)}


def _poster(venue: qr.Venue = PHO) -> str:
    return POSTERS[venue]


def test_a_signed_code_reads_back_and_names_its_location() -> None:
    payload = _poster()
    assert payload.startswith("BLUEZONE-VENUE:1:") and len(payload) < 500
    assert qr.read_payload(payload, KEYS) == PHO
    assert qr.location_id(payload) != qr.location_id(_poster(MARKET))
    assert qr.location_id(payload) != qr.location_id(qr.make_payload(PHO, AUTHORITY, "2026-1"))  # a reprint
    assert len(qr.location_id(payload)) == 32


def _tampered(payload: str) -> str:
    header, claims, signature = payload[len(qr.PREFIX) :].split(".")
    data = json.loads(base64.urlsafe_b64decode(claims + "=="))
    data["n"] = "Quán giả"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return qr.PREFIX + ".".join((header, forged, signature))


def test_forged_altered_and_foreign_codes_are_refused() -> None:
    payload = _poster()
    with pytest.raises(SignatureError, match="forged or altered"):
        qr.read_payload(_tampered(payload), KEYS)
    stranger = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(SignatureError, match="forged or altered"):
        qr.read_payload(qr.make_payload(PHO, stranger, "2026-1"), KEYS)
    with pytest.raises(SignatureError, match="unknown key"):
        qr.read_payload(qr.make_payload(PHO, AUTHORITY, "2019-9"), KEYS)
    unsigned = qr.PREFIX + jwt.encode(PHO.claims(), "", algorithm="none", headers={"kid": "2026-1"})
    with pytest.raises((SignatureError, FormatError)):
        qr.read_payload(unsigned, KEYS)
    for junk in ("https://e.coronawarn.app?v=1#CAESEwgB", qr.PREFIX + "not.a.jwt", qr.PREFIX + "x" * 2000):
        with pytest.raises(FormatError):
            qr.read_payload(junk, KEYS)
    with pytest.raises(FormatError, match="5 to 720"):
        qr.make_payload(qr.Venue("PHO24HANGBAC", "Phở", "", "00037", "restaurant", 0), AUTHORITY, "2026-1")


def test_check_ins_close_themselves_and_are_deleted_after_14_days() -> None:
    clock = ManualClock(T0)
    book = CheckInBook(clock, KEYS)
    first = book.scan(_poster())
    assert (first.arrival, first.departure) == (T0, T0 + 45 * 60)  # the venue's usual visit
    clock.advance(20 * 60)
    second = book.scan(_poster(MARKET))  # walking into the market ends the stay at the phở shop
    clock.advance(10 * 60)
    book.check_out()
    stays = book.stays()
    assert [(s.venue.name, s.departure - s.arrival) for s in stays] == [
        ("Phở Hàng Bạc", 1200),
        ("Chợ Đồng Xuân", 600),
    ]
    assert second.location_id == stays[1].location_id
    with pytest.raises(SignatureError):
        book.scan(_tampered(_poster()))
    assert len(book.stays()) == 2  # nothing kept of a refused code
    clock.advance(15 * 86_400)
    assert book.stays() == []


def test_only_overlapping_stays_get_venue_alerts() -> None:
    clock = ManualClock(T0)
    case = CheckInBook(clock, KEYS)  # the F0's phone
    case.scan(_poster())
    clock.advance(30 * 60)
    case.check_out()
    clock.set(T0 + 3 * 3600)
    case.scan(_poster(MARKET))
    clock.advance(20 * 60)
    shared = case.reports_since(T0 + 2 * 3600)  # the F0 agreed to share the window from noon
    assert len(shared) == 1 and all(len(r.location_id_hash) == 32 for r in shared)
    everything = case.reports_since(T0 - 3600)

    def visitor(arrive: float, leave: float, venue: qr.Venue = PHO) -> list[VenueAlert]:
        own_clock = ManualClock(arrive)
        phone = CheckInBook(own_clock, KEYS)
        phone.scan(_poster(venue))
        own_clock.set(leave)
        phone.check_out()
        return phone.match(everything)

    alerts = visitor(T0 + 600, T0 + 1800)
    assert len(alerts) == 1 and alerts[0].overlap_seconds >= 20 * 60
    assert "Phở Hàng Bạc" in alerts[0].render("vi") and "confirmed case" in alerts[0].render("en")
    assert visitor(T0 + 3600, T0 + 4000) == []  # came after the case left
    assert visitor(T0 + 1500, T0 + 2400) == []  # only 5 minutes together
    assert visitor(T0, T0 + 1800, MARKET) == []  # another venue at the same time


def test_check_ins_survive_a_restart_of_the_app(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    clock = ManualClock(T0)
    CheckInBook(clock, KEYS, tmp_path / "checkins.db").scan(_poster())
    clock.advance(600)
    reopened = CheckInBook(clock, KEYS, tmp_path / "checkins.db")
    assert [s.venue.name for s in reopened.stays()] == ["Phở Hàng Bạc"]
    reopened.check_out()
    assert CheckInBook(clock, KEYS, tmp_path / "checkins.db").stays()[0].departure == T0 + 600


def test_a_province_registers_venues_in_the_console(server: object) -> None:
    from tests.conftest import RunningServer, add_console_user
    from tests.web.test_console import _csrf, _sign_in

    assert isinstance(server, RunningServer)
    add_console_user(server, "hn.admin", "realm_admin")
    add_console_user(server, "hn.case", "case_worker")
    with server.client() as http:
        _sign_in(server, http, "hn.admin")
        token = _csrf(http.get("/console/venues").text)
        venue = {
            "name": "Nhà văn hóa phường",
            "address": "Hàng Bạc",
            "commune_code": "00037",
            "kind": "event",
            "visit_minutes": "90",
        }
        assert http.post("/console/venues", data={**venue, "csrf": token}).status_code == 303
        page = http.get("/console/venues").text
        assert "Nhà văn hóa phường" in page and "poster.pdf" in page
        bad = http.post("/console/venues", data={**venue, "commune_code": "99999", "csrf": token})
        assert bad.status_code == 400
    with server.client() as http:
        _sign_in(server, http, "hn.case")
        assert http.get("/console/venues").status_code == 403
