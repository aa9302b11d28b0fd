"""Daily roll-ups: a closed day's files merged into one signed file with exactly their keys (fakes
included), listed in index-daily.txt; a phone days behind fetches them instead of the hourly files; phones
spread their checks over the hour."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bluezone.errors import FormatError
from bluezone.keyserver import exporter
from bluezone.keyserver.rollups import DAY, write_rollups
from bluezone.phone.client import POLL_SECONDS, DownloadState, ServerClient, next_poll
from bluezone.protocol import export as ex
from bluezone.protocol.publication import DAILY_INDEX, window_of
from bluezone.web.app import create_app
from tests.conftest import Authority, exposures

HOUR = 3600


def _two_days_of_keys(a: Authority) -> tuple[int, int]:
    """Keys in 3 hours of one day and 2 of the next; the moment both days have closed and been exported."""
    day = a.now() // DAY * DAY
    with a.services.db.session() as session:
        for n, hour in enumerate((8, 9, 20, DAY // HOUR + 1, DAY // HOUR + 5)):
            keys = [bytes([n, i]) * 8 for i in range(3)]
            session.add_all(exposures(keys, day + hour * HOUR + 60))
    return day, day + 2 * DAY + HOUR


def _export(a: Authority, at: int) -> None:
    svc = a.services
    exporter.run_exports(svc.db, svc.settings, svc.secrets, svc.exports, at)
    write_rollups(svc.db, svc.settings, svc.secrets, svc.exports, at)


def _keys(a: Authority, name: str) -> set[bytes]:
    public = ex.load_public_key(a.services.exports.get(exporter.PUBLIC_KEY))
    batch = ex.read_verified_archive(a.services.exports.get(name), [public]).batch
    return {k.key_data for k in batch.keys}


def test_a_closed_day_is_rolled_up_with_exactly_its_files_keys(authority: Authority) -> None:
    day, later = _two_days_of_keys(authority)
    _export(authority, later)
    store = authority.services.exports
    daily = store.get(DAILY_INDEX).decode().split()
    assert [window_of(name) for name in daily] == [(day, day + DAY), (day + DAY, day + 2 * DAY)]
    hourly = store.get(exporter.INDEX).decode().split()
    assert len(hourly) == 5
    for name in daily:
        start, end = window_of(name)
        of_day = [h for h in hourly if start <= window_of(h)[0] < end]
        # The fakes too: the roll-up says nothing the hourly files did not.
        assert _keys(authority, name) == set().union(*(_keys(authority, h) for h in of_day))
    _export(authority, later + HOUR)  # nothing new to roll up: nothing rewritten
    assert store.get(DAILY_INDEX).decode().split() == daily


def test_an_open_day_is_not_rolled_up(authority: Authority) -> None:
    day, _ = _two_days_of_keys(authority)
    _export(authority, day + DAY + 3 * HOUR)  # the second day still runs
    assert [window_of(n) for n in authority.services.exports.get(DAILY_INDEX).decode().split()] == [
        (day, day + DAY)
    ]


def test_a_phone_days_behind_fetches_the_roll_ups(authority: Authority) -> None:
    _, later = _two_days_of_keys(authority)
    _export(authority, later)
    fetched: list[str] = []
    with TestClient(create_app(authority.services.settings, clock=authority.clock)) as http:
        http.event_hooks = {"request": [lambda request: fetched.append(request.url.path)]}
        public = ex.load_public_key(authority.services.exports.get(exporter.PUBLIC_KEY))
        phone = ServerClient(str(http.base_url), authority.keys["device"], [public], http=http)
        caught_up = DownloadState()
        # Only 5 hourly files: fewer than a day's worth, so the phone takes them as they are.
        assert len(phone.new_exports(caught_up, later)) == 5
        assert not any("daily" in path for path in fetched)
        # A phone two days behind with a day's worth of files to fetch takes the roll-ups.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("bluezone.phone.client.ROLLUP_WORTH_FILES", 3)
            fetched.clear()
            behind = DownloadState()
            batches = phone.new_exports(behind, later)
    assert sorted(p for p in fetched if p.endswith(".zip")) == sorted(
        f"/exports/{n}" for n in authority.services.exports.get(DAILY_INDEX).decode().split()
    )
    assert {k.key_data for batch in batches for k in batch} >= {bytes([0, 0]) * 8, bytes([4, 2]) * 8}
    assert phone.new_exports(behind, later) == []  # the hourly files the roll-ups covered count as seen


def test_phones_spread_their_checks_over_the_hour() -> None:
    offsets = [DownloadState().poll_offset for _ in range(200)]
    assert all(0 <= o < POLL_SECONDS for o in offsets) and len(set(offsets)) > 100
    assert next_poll(10_000.0, 4 * HOUR, 1_234.0) == 4 * HOUR + 1_234.0
    assert next_poll(4 * HOUR + 1_234.0, 4 * HOUR, 1_234.0) == 8 * HOUR + 1_234.0


def test_unsafe_paths_in_the_daily_index_are_refused(authority: Authority) -> None:
    with TestClient(create_app(authority.services.settings, clock=authority.clock)) as http:
        # Written after the app's start (which lists what the database has): a tampered store.
        store = authority.services.exports
        store.put(DAILY_INDEX, b"../secrets/hmac.key\n")
        store.put(exporter.INDEX, "".join(f"452/{i}-{i + 1}-00001.zip\n" for i in range(30)).encode())
        phone = ServerClient(str(http.base_url), authority.keys["device"], [object()], http=http)  # type: ignore[list-item]
        with pytest.raises(FormatError, match=r"index-daily\.txt lists an unsafe path"):
            phone.new_exports(DownloadState(), authority.now())
