"""The exporter: windows, padding, splitting, leases, a crash midway, two exporters at once, retention."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from bluezone.keyserver import exporter
from bluezone.protocol import export as ex
from bluezone.protocol.exposure_key import ReportType
from bluezone.store.files import write_atomically
from bluezone.store.models import ExportWindow, Exposure
from tests.conftest import Authority, exposures

HOUR = 3600


def _add_keys(a: Authority, count: int, created_at: int, first: int = 0) -> list[bytes]:
    keys = [(first + i).to_bytes(16, "big") for i in range(count)]
    with a.services.db.session() as session:
        session.add_all(exposures(keys, created_at))
    return keys


def _run(a: Authority, at: int) -> exporter.ExportReport:
    return exporter.run_exports(
        a.services.db, a.services.settings, a.services.secrets, a.services.exports, at
    )


def _listed_keys(a: Authority) -> list[bytes]:
    root = a.services.settings.exports_dir
    public = ex.load_public_key((root / exporter.PUBLIC_KEY).read_bytes())
    keys = []
    for line in (root / exporter.INDEX).read_text().split():
        keys += [
            k.key_data for k in ex.read_verified_archive((root / line).read_bytes(), [public]).batch.keys
        ]
    return keys


def _three_files(a: Authority) -> tuple[list[bytes], int]:
    """90 keys in one window, written in files of 40; and a moment after the window closed."""
    a.services.settings.export_max_records = 40
    return _add_keys(a, 90, _hour(a)), _hour(a) + HOUR + 300


def _two_at_once(a: Authority, at: int) -> list[exporter.ExportReport]:
    """Two exporters' runs at the same moment, each in a thread of its own."""
    reports: list[exporter.ExportReport] = []
    threads = [threading.Thread(target=lambda: reports.append(_run(a, at))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return reports


def _hour(a: Authority) -> int:
    return a.now() - a.now() % HOUR


def test_a_closed_window_becomes_a_padded_signed_file(authority: Authority) -> None:
    real = set(_add_keys(authority, 3, _hour(authority)))
    assert _run(authority, _hour(authority) + HOUR).files == []  # not closed long enough
    report = _run(authority, _hour(authority) + HOUR + 300)
    assert len(report.files) == 1 and report.keys == 3 and report.padding == 97
    listed = _listed_keys(authority)
    assert len(listed) == 100 and real <= set(listed) and listed == sorted(listed)
    assert _run(authority, _hour(authority) + 2 * HOUR + 300).files == []  # nothing twice


def test_windows_without_keys_are_completed_together_and_write_nothing(authority: Authority) -> None:
    hour = _hour(authority)
    _add_keys(authority, 2, hour + 3 * HOUR + 10)
    with authority.services.db.session() as session:  # another exporter holds an empty window's lease
        session.add(
            ExportWindow(start_ts=hour, end_ts=hour + HOUR, status="open", lease_until=hour + 9 * HOUR)
        )
    report = _run(authority, hour + 6 * HOUR + 300)
    assert len(report.files) == 1 and report.keys == 2
    with authority.services.db.session() as session:
        batches = {b.start_ts: (b.status, b.key_count) for b in session.scalars(select(ExportWindow))}
    assert batches[hour] == ("open", 0)  # left to the exporter holding it
    assert batches[hour + 3 * HOUR] == ("complete", 2)
    assert {batches[hour + k * HOUR] for k in (1, 2, 4, 5)} == {("complete", 0)}
    assert len(_listed_keys(authority)) == 100  # the one file, padded
    assert _run(authority, hour + 7 * HOUR + 300).batches == 1  # only the hour that closed since


def test_large_windows_are_split(authority: Authority) -> None:
    _, when = _three_files(authority)
    files = _run(authority, when).files
    root = authority.services.settings.exports_dir
    batches = [ex.read_archive((root / f).read_bytes()).batch for f in files]
    assert [(b.batch_num, b.batch_size, len(b.keys)) for b in batches] == [(1, 3, 40), (2, 3, 40), (3, 3, 20)]
    assert len(set(_listed_keys(authority))) == 100


def test_a_crash_midway_lists_nothing_and_the_next_run_finishes(
    authority: Authority, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, when = _three_files(authority)
    written: list[int] = []
    original = ex.write_archive

    def dies_after_one(batch: ex.ExportBatch, signers: list[ex.Signer]) -> bytes:
        if written:
            raise KeyboardInterrupt  # the process is killed while writing the second file
        written.append(batch.batch_num)
        return original(batch, signers)

    monkeypatch.setattr(ex, "write_archive", dies_after_one)
    with pytest.raises(KeyboardInterrupt):
        _run(authority, when)
    monkeypatch.setattr(ex, "write_archive", original)
    assert (authority.services.settings.exports_dir / exporter.INDEX).read_text() == ""
    assert _run(authority, when + 30).files == []  # the dead run's lease still holds the window
    report = _run(authority, when + exporter.LEASE_SECONDS + 1)
    assert len(report.files) == 3
    listed = _listed_keys(authority)
    assert sorted(k for k in listed if k in set(real)) == sorted(real)  # every key exactly once


def _slow_clock(monkeypatch: pytest.MonkeyPatch, seconds_per_file: float) -> None:
    """The exporter's sense of time moves on by `seconds_per_file` with each file it writes."""
    elapsed = [0.0]
    original = ex.write_archive

    def slow(batch: ex.ExportBatch, signers: list[ex.Signer]) -> bytes:
        elapsed[0] += seconds_per_file
        return original(batch, signers)

    monkeypatch.setattr(ex, "write_archive", slow)
    monkeypatch.setattr("bluezone.keyserver.exporter.time.monotonic", lambda: elapsed[0])


def test_a_slow_exporter_keeps_its_window_by_renewing_the_lease(
    authority: Authority, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, when = _three_files(authority)
    _slow_clock(monkeypatch, exporter.LEASE_SECONDS * 0.8)  # three files take longer than one lease
    assert len(_run(authority, when).files) == 3


def test_an_exporter_that_outlives_its_lease_leaves_the_window_to_another(
    authority: Authority, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, when = _three_files(authority)
    _slow_clock(monkeypatch, exporter.LEASE_SECONDS + 1)  # stalled past its lease while writing
    assert _run(authority, when).files == []  # it notices, and completes nothing
    monkeypatch.undo()
    report = _run(authority, when + exporter.LEASE_SECONDS + 1)
    assert len(report.files) == 3
    assert sorted(k for k in _listed_keys(authority) if k in set(real)) == sorted(real)


def test_each_window_is_listed_as_soon_as_it_is_complete(
    authority: Authority, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _add_keys(authority, 5, _hour(authority))
    _add_keys(authority, 5, _hour(authority) + HOUR, first=100)
    original = ex.write_archive
    seen: list[int] = []

    def dies_in_the_second_window(batch: ex.ExportBatch, signers: list[ex.Signer]) -> bytes:
        if seen:
            raise KeyboardInterrupt  # killed while building the second window
        seen.append(batch.start_timestamp)
        return original(batch, signers)

    monkeypatch.setattr(ex, "write_archive", dies_in_the_second_window)
    with pytest.raises(KeyboardInterrupt):
        _run(authority, _hour(authority) + 2 * HOUR + 300)
    assert sorted(k for k in _listed_keys(authority) if k in set(first)) == sorted(first)


def test_two_exporters_at_once_export_every_key_once(authority: Authority) -> None:
    start = _hour(authority)
    keys = []
    for hour in range(6):
        keys += _add_keys(authority, 5, start + hour * HOUR, first=100 * hour)
    reports = _two_at_once(authority, start + 7 * HOUR)
    assert sum(len(r.files) for r in reports) == 6
    listed = [k for k in _listed_keys(authority) if k in set(keys)]
    assert sorted(listed) == sorted(keys)


def test_retention_deletes_old_keys_and_files(authority: Authority) -> None:
    hour = _hour(authority)
    _add_keys(authority, 2, hour)
    files = _run(authority, hour + HOUR + 300).files
    root: Path = authority.services.settings.exports_dir
    assert (root / files[0]).exists()
    later = hour + 15 * 86_400
    deleted = exporter.cleanup(
        authority.services.db, authority.services.settings, authority.services.exports, later
    )
    assert deleted >= 2 + 1
    assert not (root / files[0]).exists() and (root / exporter.INDEX).read_text() == ""
    with authority.services.db.session() as session:
        assert session.scalar(select(Exposure)) is None
        assert session.scalar(select(ExportWindow).where(ExportWindow.end_ts < later - 14 * 86_400)) is None


def test_revised_keys_are_exported_as_revisions(authority: Authority) -> None:
    hour = _hour(authority)
    keys = _add_keys(authority, 3, hour)
    _run(authority, hour + HOUR + 300)
    with authority.services.db.session() as session:
        for row in session.scalars(select(Exposure)):
            row.revised_report_type, row.revised_at = int(ReportType.REVOKED), hour + HOUR
    report = _run(authority, hour + 2 * HOUR + 300)
    assert (report.keys, report.revised) == (0, 3)
    root = authority.services.settings.exports_dir
    batch = ex.read_archive((root / report.files[0]).read_bytes()).batch
    assert sorted(k.key_data for k in batch.revised_keys) == sorted(keys)
    assert {k.report_type for k in batch.revised_keys} == {ReportType.REVOKED}
    assert len(batch.keys) + len(batch.revised_keys) == 100  # fake keys keep the size from telling


def test_a_file_already_holding_the_data_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "exports" / exporter.INDEX
    write_atomically(path, b"a.zip\n")
    first = path.stat().st_ino
    write_atomically(path, b"a.zip\n")
    assert path.stat().st_ino == first
    write_atomically(path, b"a.zip\nb.zip\n")
    assert path.read_bytes() == b"a.zip\nb.zip\n" and path.stat().st_ino != first
    assert [p.name for p in path.parent.iterdir()] == [exporter.INDEX]  # no temporary left behind


def _files_with_real(a: Authority, keys: list[bytes]) -> list[int]:
    """How many of `keys` each listed file holds, in index order."""
    root = a.services.settings.exports_dir
    public = ex.load_public_key((root / exporter.PUBLIC_KEY).read_bytes())
    wanted, counts = set(keys), []
    for line in (root / exporter.INDEX).read_text().split():
        batch = ex.read_verified_archive((root / line).read_bytes(), [public]).batch
        counts.append(sum(k.key_data in wanted for k in batch.keys))
    return counts


def test_small_windows_are_held_back_until_enough_keys_gather(authority: Authority) -> None:
    """CWA's rule with a minimum of 10: 4 keys, then 4 more, are held; the third hour's 3 make 11, published
    in one file; each key exactly once, and no file for the small hours."""
    settings = authority.services.settings
    settings.export_min_keys, settings.export_min_records = 10, 10
    start = _hour(authority)
    keys = _add_keys(authority, 4, start) + _add_keys(authority, 4, start + HOUR, first=100)
    assert _run(authority, start + 2 * HOUR + 300).files == []  # two closed windows, 8 keys: held
    keys += _add_keys(authority, 3, start + 2 * HOUR, first=200)
    report = _run(authority, start + 3 * HOUR + 300)
    assert len(report.files) == 1 and report.keys == 11 and report.padding <= settings.export_padding_jitter
    assert _files_with_real(authority, keys) == [11]
    assert sorted(k for k in _listed_keys(authority) if k in set(keys)) == sorted(keys)


def test_held_keys_go_out_after_the_longest_hold_however_few(authority: Authority) -> None:
    settings = authority.services.settings
    settings.export_min_keys, settings.export_min_records, settings.export_hold_max_hours = 140, 140, 3
    start = _hour(authority)
    keys = _add_keys(authority, 2, start)
    for hour in range(1, 3):
        assert _run(authority, start + hour * HOUR + 300).files == []
    report = _run(authority, start + 3 * HOUR + 300)  # held three hours: out, padded as a small file is
    assert len(report.files) == 1 and report.keys == 2 and report.padding >= 138
    assert _files_with_real(authority, keys) == [2]
    with authority.services.db.session() as session:
        held = session.scalars(select(Exposure.held_since)).all()
    assert held == [start, start]  # when they were first due


def test_two_exporters_at_once_hold_and_export_every_key_once(authority: Authority) -> None:
    """Racing exporters carry small windows past windows the other has claimed; whatever is still held when
    they finish goes out in a later run, at the latest when the longest hold is over: each key once."""
    settings = authority.services.settings
    settings.export_min_keys, settings.export_min_records, settings.export_hold_max_hours = 12, 12, 12
    start = _hour(authority)
    keys = []
    for hour in range(9):
        keys += _add_keys(authority, 5, start + hour * HOUR, first=100 * hour)
    when = start + 10 * HOUR
    _two_at_once(authority, when)
    _run(authority, start + 24 * HOUR)  # past the longest hold of anything still carried
    listed = [k for k in _listed_keys(authority) if k in set(keys)]
    assert sorted(listed) == sorted(keys)  # every key, once
    assert len(_files_with_real(authority, keys)) < 9  # small windows were pooled
