"""The phone: daily keys, rotating IDs, retention, matching into alerts, and what it prepares for upload."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bluezone.clock import ManualClock
from bluezone.errors import FormatError, InvalidInput
from bluezone.phone.facilities import Facility, FacilityDirectory
from bluezone.phone.phone import Phone
from bluezone.phone.storage import MemoryStore, PhoneStore, SqliteStore
from bluezone.protocol import tekmac
from bluezone.protocol.ble import parse_advertisement
from bluezone.protocol.exposure_key import ExposureKey, ReportType
from bluezone.protocol.intervals import interval_number

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> PhoneStore:
    return SqliteStore(tmp_path / "phone.db") if request.param == "sqlite" else MemoryStore()


def _meet(listener: Phone, speaker: Phone, clock: ManualClock, minutes: int, rssi: int) -> None:
    """A scan every 5 minutes, 6 packets each."""
    for _ in range(minutes // 5 + 1):
        rpi, aem = parse_advertisement(speaker.advertisement())
        now = clock.now()
        listener.hear_scan([rpi] * 6, [aem] * 6, [now + 0.5 * i for i in range(6)], [rssi] * 6)
        clock.advance(300)


def _published(phone: Phone, report_type: ReportType = ReportType.CONFIRMED_TEST) -> list[ExposureKey]:
    return [
        ExposureKey(
            k.key_data,
            k.rolling_start_interval_number,
            report_type=report_type,
            days_since_onset_of_symptoms=0,
        )
        for k in phone.prepare_upload(date(2026, 3, 2)).keys
    ]


def test_one_independent_key_per_utc_day(store: PhoneStore) -> None:
    clock = ManualClock(START.timestamp())
    phone = Phone(clock, store=store)
    first = phone.current_key()
    clock.advance(3600)
    assert phone.current_key() == first
    clock.set(datetime(2026, 3, 3, 0, 0, 1, tzinfo=UTC).timestamp())
    second = phone.current_key()
    assert second.key_data != first.key_data
    assert second.rolling_start_interval_number == first.rolling_start_interval_number + 144
    # Nothing but the daily keys is kept: no root secret from which other days could be derived.
    assert [len(k) for _, k, _ in store.teks()] == [16, 16]


def test_ids_rotate_every_ten_minutes(store: PhoneStore) -> None:
    clock = ManualClock(START.timestamp())
    phone = Phone(clock, store=store, model="SM-A515F")
    ids = []
    for _ in range(4):
        ids.append(phone.advertisement())
        clock.advance(200)
    assert ids[0] == ids[1] == ids[2] != ids[3]  # 08:00, 08:03:20, 08:06:40 | 08:10
    assert len(ids[0]) == 31


def test_data_older_than_fourteen_days_is_deleted(store: PhoneStore) -> None:
    clock = ManualClock(START.timestamp())
    phone, other = Phone(clock, store=store), Phone(clock)
    phone.current_key()
    _meet(phone, other, clock, 20, -70)  # 5 scans of 6 packets
    clock.set((START + timedelta(days=14, hours=-1)).timestamp())
    assert phone.housekeeping() == 0
    clock.set((START + timedelta(days=15)).timestamp())
    assert phone.housekeeping() == 1 + 30  # the first day's key and 30 sightings
    assert len(store.sightings("")) == 0 and store.teks() == []


def test_sqlite_store_survives_a_restart(tmp_path: Path) -> None:
    clock = ManualClock(START.timestamp())
    path = tmp_path / "phone.db"
    phone = Phone(clock, store=SqliteStore(path))
    key = phone.current_key()
    assert Phone(clock, store=SqliteStore(path)).current_key() == key
    tables = {
        row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    assert tables == {"teks", "sightings", "alerted"}


def test_close_long_contact_raises_one_f1_alert_with_facilities(store: PhoneStore) -> None:
    clock = ManualClock(START.timestamp())
    facility = Facility("Trạm Y tế phường A", "1 Phố B", "024 0000 0000", "001", "00001")
    listener = Phone(
        clock,
        store=store,
        model="SM-G973F",
        district_code="001",
        facilities=FacilityDirectory([facility, Facility("Elsewhere", "", "", "999")]),
    )
    f0 = Phone(clock, model="SM-A515F")
    _meet(listener, f0, clock, minutes=20, rssi=-75)
    clock.advance(86_400)
    check = listener.check(_published(f0))
    assert [a.level.name for a in check.new_alerts] == ["F1"]
    alert = check.new_alerts[0]
    assert alert.exposure_date == date(2026, 3, 2)
    assert alert.close_minutes >= 15
    assert alert.facilities == [facility]
    assert "F1" in alert.render("vi") and "Trạm Y tế phường A" in alert.render("vi")
    assert "close contact" in alert.render("en")
    assert listener.check(_published(f0)).new_alerts == []  # shown once


def test_recursive_keys_raise_f2(store: PhoneStore) -> None:
    clock = ManualClock(START.timestamp())
    listener, f1 = Phone(clock, store=store), Phone(clock)
    _meet(listener, f1, clock, minutes=30, rssi=-72)
    check = listener.check(_published(f1, ReportType.RECURSIVE))
    assert [a.level.name for a in check.new_alerts] == ["F2"]
    assert "F2" in check.summary("vi")


def test_short_or_far_contact_raises_nothing(store: PhoneStore) -> None:
    clock = ManualClock(START.timestamp())
    listener, f0 = Phone(clock, store=store), Phone(clock)
    _meet(listener, f0, clock, minutes=5, rssi=-75)
    _meet(listener, f0, clock, minutes=60, rssi=-97)
    check = listener.check(_published(f0))
    assert check.new_alerts == [] and check.matched_sightings > 0
    assert "Không phát hiện tiếp xúc gần" in check.summary("vi")
    assert "No close contact" in check.summary("en")


def test_upload_covers_two_days_before_onset_until_today() -> None:
    clock = ManualClock(START.timestamp())
    phone = Phone(clock)
    for _ in range(6):
        phone.current_key()
        clock.advance(86_400)
    bundle = phone.prepare_upload(date(2026, 3, 6))  # today is 8 March
    days = [
        datetime.fromtimestamp(k.rolling_start_interval_number * 600, tz=UTC).date().day for k in bundle.keys
    ]
    assert days == [4, 5, 6, 7, 8]
    assert tekmac.verify(bundle.hmac_key, bundle.keys, bundle.tekmac)
    assert len(bundle.hmac_key) == 32
    with pytest.raises(InvalidInput):
        phone.prepare_upload(date(2026, 3, 9))


def test_malformed_advertisement_is_refused_and_nothing_logged(store: PhoneStore) -> None:
    phone = Phone(ManualClock(START.timestamp()), store=store)
    with pytest.raises(FormatError):
        phone.hear(b"\x02\x01\x1a", -60)
    assert len(store.sightings("")) == 0


def test_advertised_tx_power_comes_from_the_calibration() -> None:
    phone = Phone(ManualClock(START.timestamp()), model="Pixel 4")
    assert phone.calibration.tx_power == -28
    assert interval_number(START.timestamp()) % 144 == 48


def test_an_alert_gives_the_contacts_date_in_viet_nam(store: PhoneStore) -> None:
    """GAEN scores by UTC day; a contact at 06:30 in Hà Nội (23:30 UTC the day before) is shown on its
    Vietnamese date, and is alerted once."""
    clock = ManualClock(datetime(2026, 3, 1, 23, 30, tzinfo=UTC).timestamp())
    listener, f0 = Phone(clock, store=store), Phone(clock)
    _meet(listener, f0, clock, minutes=20, rssi=-72)
    clock.advance(86_400)
    alert = listener.check(_published(f0)).new_alerts[0]
    assert (alert.exposure_date, alert.utc_day) == (
        date(2026, 3, 2),
        (date(2026, 3, 1) - date(1970, 1, 1)).days,
    )
    assert "02/03/2026" in alert.body("vi")
    assert listener.check(_published(f0)).new_alerts == []
