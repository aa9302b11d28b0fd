"""Alert quality against hand-counted ground truth."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from bluezone.sim.epidemic import DAY, NEVER, Infections
from bluezone.sim.metrics import alert_quality, true_contacts
from bluezone.sim.population import build_population
from bluezone.sim.scenario import EpidemicSettings, PopulationSettings
from bluezone.sim.state import Outcome

T0 = 1_772_000_000.0


def _outcome() -> Outcome:
    town = build_population(PopulationSettings(people=100, adoption=0.0), np.random.default_rng(0))
    n = len(town)
    has_app = np.zeros(n, bool)
    has_app[[0, 1, 2, 3, 5]] = True
    town = dataclasses.replace(town, has_app=has_app)
    confirmed = np.full(n, NEVER)
    first_key_day = np.full(n, NEVER)
    confirmed[0] = T0 + 5 * DAY + 3600  # case 0: tracing window days 2..5
    first_key_day[0] = T0 + 2 * DAY + 7200
    uploaded = np.zeros(n, bool)
    uploaded[0] = True
    alerted = np.full(n, NEVER)
    alerted[[1, 2, 9]] = T0 + 5 * DAY + 3 * 3600  # 1, 2 are true contacts; 9 is not (no app even)
    by = np.full(n, -1, np.int32)
    by[[1, 2, 9]] = 0  # each alert caused by case 0's key
    # (a, b, day): 0 met 1 on day 3, 2 on day 5 (the day of confirmation: inside), 3 on day 1 (too early),
    # 4 on day 4 (true, no app); 7 met 8 (no confirmed case).
    close = np.array([[0, 1, 3], [2, 0, 5], [0, 3, 1], [4, 0, 4], [7, 8, 4]], dtype=np.int64)
    return Outcome(
        population=town,
        infections=Infections.draw(town.age, EpidemicSettings(), np.random.default_rng(1)),
        confirmed_at=confirmed,
        first_key_day=first_key_day,
        uploaded=uploaded,
        alerted_f1_at=alerted,
        alerted_by=by,
        alerted_f2_at=np.full(n, NEVER),
        venue_alerted_at=np.full(n, NEVER),
        close_pairs=close,
        days=[],
        day_starts=T0 + np.arange(7, dtype=np.float64) * DAY,
    )


def test_true_contacts_are_within_the_cases_tracing_window() -> None:
    rows = true_contacts(_outcome())
    assert sorted(map(tuple, rows.tolist())) == [(0, 1, 3), (0, 2, 5), (0, 4, 4)]


def test_precision_recall_and_timing_by_hand() -> None:
    quality = alert_quality(_outcome())
    assert quality.true_close_contacts == 3  # 1, 2 and 4
    assert quality.alerted_f1 == 3
    assert quality.recall == pytest.approx(2 / 3)
    assert quality.precision == pytest.approx(2 / 3)
    assert quality.f1 == pytest.approx(2 / 3)
    assert quality.recall_app_pairs == 1.0  # 1 and 2 run the app and were alerted; 4 has no app
    assert quality.recall_uploaded_pairs == 1.0
    assert quality.median_hours_to_alert == pytest.approx(2.0)
    assert quality.alerts_per_uploading_case == 3.0
    assert quality.alerted_later_positive == 0.0


def test_an_alert_counts_only_for_the_case_whose_key_caused_it() -> None:
    outcome = _outcome()
    outcome.alerted_by[2] = 5  # 2 was alerted by someone else's key, not the case they were close to
    quality = alert_quality(outcome)
    assert quality.precision == pytest.approx(1 / 3)  # only 1's alert is right
    assert quality.recall == pytest.approx(1 / 3)  # of the pairs (0,1), (0,2), (0,4), only (0,1) found


def test_a_contact_of_two_cases_is_two_pairs() -> None:
    outcome = _outcome()
    outcome.confirmed_at[3] = T0 + 5 * DAY  # 3 is confirmed too, with a window from day 0
    outcome.first_key_day[3] = T0
    rows = sorted(map(tuple, true_contacts(outcome).tolist()))
    assert (0, 3, 1) not in rows and (3, 0, 1) in rows  # 0 met 3 on day 1: inside 3's window only
    quality = alert_quality(outcome)
    assert quality.true_close_contacts == 4  # (0,1), (0,2), (0,4), (3,0)
    assert quality.recall == pytest.approx(2 / 4)  # 0 itself was never alerted
