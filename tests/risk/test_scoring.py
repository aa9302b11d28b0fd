"""Exposure windows and daily risk on hand-computed cases."""

from __future__ import annotations

import numpy as np

from bluezone.protocol.exposure_key import ExposureKey, ReportType
from bluezone.protocol.matching import DiagnosisKeys
from bluezone.risk.presets import PRESETS, preset
from bluezone.risk.scoring import Level, daily_risk
from bluezone.risk.windows import exposure_windows

T0 = 20_000 * 86_400 + 3600.0  # 01:00 UTC on day 20000


def _keys(*report_types: ReportType | None, onset: int | None = 0) -> DiagnosisKeys:
    return DiagnosisKeys.from_keys(
        [
            ExposureKey(bytes([i]) * 16, 2_880_000, report_type=rt, days_since_onset_of_symptoms=onset)
            for i, rt in enumerate(report_types)
        ]
    )


Scans = tuple[list[int], list[int], list[float], list[float]]  # phone, key, time, attenuation per packet


def _scans(times: list[float], att: float, packets: int = 6, key: int = 0, phone: int = 0) -> Scans:
    """Scans at the given times, each catching `packets` packets of one key at one attenuation."""
    stamps = [t + 0.5 * p for t in times for p in range(packets)]
    n = len(stamps)
    return [phone] * n, [key] * n, stamps, [float(att)] * n


def _join(a: Scans, b: Scans) -> Scans:
    return a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]


def test_scan_instances_and_window_seconds() -> None:
    config = preset("bluezone")
    phone, key, time, att = _scans([T0, T0 + 300, T0 + 600], att=55)
    windows = exposure_windows(phone, key, time, att, config)
    assert len(windows) == 1
    assert windows.scans.tolist() == [3]
    # closeness = 55 − 2·ln 6 = 51.4 dB: immediate bucket; 240 s for the first scan, then 300 + 300
    assert windows.seconds_in_bucket.tolist() == [[840.0, 0.0, 0.0, 0.0]]
    assert round(float(windows.min_closeness_db[0]), 2) == round(55 - 2 * np.log(6), 2)


def test_fifteen_minutes_make_an_f1_and_eleven_do_not() -> None:
    config = preset("bluezone")
    keys = _keys(ReportType.CONFIRMED_TEST)
    for times, level in (
        ([T0, T0 + 300, T0 + 600], Level.LOW),
        ([T0, T0 + 300, T0 + 600, T0 + 900], Level.F1),
    ):
        risk = daily_risk(exposure_windows(*_scans(times, att=58), config), keys, config)
        assert risk.level.tolist() == [level]


def test_far_contact_never_counts() -> None:
    config = preset("bluezone")
    times = [T0 + 300 * i for i in range(12)]  # an hour, but at about 8 m
    risk = daily_risk(exposure_windows(*_scans(times, att=70, packets=2), config), _keys(None), config)
    assert len(risk) == 0 or risk.level.tolist() == [Level.NONE]


def test_a_single_sighting_is_not_a_contact() -> None:
    config = preset("bluezone")
    risk = daily_risk(exposure_windows(*_scans([T0], att=40, packets=1), config), _keys(None), config)
    assert risk.level.tolist() == [Level.NONE]


def test_windows_span_at_most_thirty_minutes() -> None:
    config = preset("bluezone")
    windows = exposure_windows(*_scans([T0 + 300 * i for i in range(9)], att=50), config)
    assert windows.scans.tolist() == [6, 3]
    assert windows.seconds_in_bucket.sum() == 240 + 8 * 300


def test_recursive_keys_give_f2_and_f1_wins_the_day() -> None:
    config = preset("bluezone")
    keys = _keys(ReportType.CONFIRMED_TEST, ReportType.RECURSIVE)
    times = [T0 + 300 * i for i in range(5)]
    f2_only = _scans(times, att=50, key=1)
    assert daily_risk(exposure_windows(*f2_only, config), keys, config).level.tolist() == [Level.F2]
    both = _join(f2_only, _scans(times, att=50, key=0))
    risk = daily_risk(exposure_windows(*both, config), keys, config)
    assert risk.level.tolist() == [Level.F1]
    assert risk.score_f1.tolist() == risk.score_f2.tolist() == [1440.0]


def test_revoked_and_non_infectious_keys_are_dropped() -> None:
    config = preset("bluezone")
    times = [T0 + 300 * i for i in range(6)]
    assert (
        len(daily_risk(exposure_windows(*_scans(times, 50), config), _keys(ReportType.REVOKED), config)) == 0
    )
    early = _keys(ReportType.CONFIRMED_TEST, onset=-5)  # 5 days before onset: not infectious yet
    assert len(daily_risk(exposure_windows(*_scans(times, 50), config), early, config)) == 0


def test_old_exposures_are_forgotten() -> None:
    config = preset("bluezone")
    windows = exposure_windows(*_scans([T0 + 300 * i for i in range(6)], 50), config)
    keys = _keys(ReportType.CONFIRMED_TEST)
    assert len(daily_risk(windows, keys, config, today=20_013)) == 1
    assert len(daily_risk(windows, keys, config, today=20_014)) == 0


def test_phones_are_scored_separately() -> None:
    config = preset("bluezone")
    times = [T0 + 300 * i for i in range(5)]
    cols = _join(_scans(times, 50, phone=4), _scans(times[:2], 50, phone=9))
    risk = daily_risk(exposure_windows(*cols, config), _keys(ReportType.CONFIRMED_TEST), config)
    assert dict(zip(risk.phone.tolist(), risk.level.tolist(), strict=True)) == {4: Level.F1, 9: Level.LOW}


def test_cwa_needs_ten_minutes_per_window_below_73_db() -> None:
    config = PRESETS["cwa"]
    keys = _keys(ReportType.CONFIRMED_TEST)
    short = exposure_windows(*_scans([T0, T0 + 300], att=50), config)  # 540 s
    assert len(daily_risk(short, keys, config)) == 0
    long = exposure_windows(*_scans([T0 + 300 * i for i in range(5)], att=50), config)  # 1440 s at weight 1.0
    assert daily_risk(long, keys, config).level.tolist() == [Level.F1]


def test_enx_weights_immediate_time_by_one_and_a_half() -> None:
    config = PRESETS["enx"]
    keys = _keys(ReportType.CONFIRMED_TEST)
    risk = daily_risk(exposure_windows(*_scans([T0, T0 + 300], att=25), config), keys, config)
    assert risk.score_f1.tolist() == [1.5 * 540]  # onset day 0 is HIGH infectiousness, weight 1.0


def test_a_self_reported_key_needs_about_nineteen_minutes() -> None:
    """A self-report weighs 0.8: 19 minutes (240 s, then 300 s a scan, 1140 s) make an F1 from it, and 16
    minutes (960 s) make an F1 from a confirmed test but not from a self-report."""
    config = preset("bluezone")
    four = [T0, T0 + 300, T0 + 600, T0 + 900]
    cases = (
        (four, ReportType.CONFIRMED_TEST, Level.F1),
        (four, ReportType.SELF_REPORT, Level.F1),
        ([T0, T0 + 300, T0 + 600, T0 + 720], ReportType.CONFIRMED_TEST, Level.F1),
        ([T0, T0 + 300, T0 + 600, T0 + 720], ReportType.SELF_REPORT, Level.LOW),
    )
    for times, report_type, level in cases:
        risk = daily_risk(exposure_windows(*_scans(times, att=58), config), _keys(report_type), config)
        assert risk.level.tolist() == [level], (len(times), report_type)
