"""A day of gatherings: pairs, settings, isolation and quarantine."""

from __future__ import annotations

import numpy as np
import pytest

from bluezone.sim.contacts import (
    DISTANCE,
    STEPS_PER_DAY,
    Draw,
    Encounters,
    Setting,
    Wanted,
    day_encounters,
    expand,
)
from bluezone.sim.population import build_population
from bluezone.sim.scenario import PopulationSettings

TOWN = build_population(PopulationSettings(people=4000), np.random.default_rng(5))
NOBODY = np.zeros(len(TOWN), bool)


def test_encounters_are_pairs_of_people_gathered_together() -> None:
    day = day_encounters(TOWN, weekday=1, away=NOBODY, home_only=NOBODY, seed=1, day=0)
    assert np.all(day.a < day.b)
    assert np.all((day.start >= 0) & (day.end <= STEPS_PER_DAY) & (day.start < day.end))
    home = np.isin(day.setting, [Setting.HOME, Setting.HOME_NIGHT])
    assert np.all(TOWN.household[day.a[home]] == TOWN.household[day.b[home]])
    school = day.setting == Setting.SCHOOL
    assert np.all(TOWN.school_class[day.a[school]] == TOWN.school_class[day.b[school]])
    assert set(np.unique(day.setting)) == set(Setting)


def test_sunday_has_no_school_and_no_work() -> None:
    day = day_encounters(TOWN, weekday=6, away=NOBODY, home_only=NOBODY, seed=2, day=0)
    assert not np.isin(day.setting, [Setting.SCHOOL, Setting.WORK]).any()


def test_isolated_people_meet_nobody_and_quarantined_people_only_their_household() -> None:
    rng = np.random.default_rng(3)
    away = rng.random(len(TOWN)) < 0.1
    home_only = ~away & (rng.random(len(TOWN)) < 0.2)
    day = day_encounters(TOWN, weekday=2, away=away, home_only=home_only, seed=3, day=0)
    assert not away[day.a].any() and not away[day.b].any()
    outside = ~np.isin(day.setting, [Setting.HOME, Setting.HOME_NIGHT])
    assert not home_only[day.a[outside]].any() and not home_only[day.b[outside]].any()


def test_expanded_steps_cover_each_encounter_at_plausible_distances() -> None:
    day = day_encounters(TOWN, weekday=3, away=NOBODY, home_only=NOBODY, seed=4, day=0)
    steps = expand(day, Draw(4, 0))
    assert len(steps) == int((day.end - day.start).astype(np.int64).sum())
    assert np.all(np.bincount(steps.encounter, minlength=len(day)) == day.end - day.start)
    assert np.all((steps.distance_m >= 0.3) & (steps.distance_m <= 15))
    for setting in Setting:
        mine = day.setting[steps.encounter] == setting
        assert np.median(steps.distance_m[mine]) == pytest.approx(DISTANCE[setting][0], rel=0.2), setting.name


def test_staying_home_changes_only_the_encounters_of_who_stays_home() -> None:
    """Two runs of the town share every encounter their behaviour does not change (common random numbers)."""
    quarantined = np.zeros(len(TOWN), bool)
    quarantined[::25] = True
    everyone = day_encounters(TOWN, weekday=2, away=NOBODY, home_only=NOBODY, seed=9, day=3)
    some_home = day_encounters(TOWN, weekday=2, away=NOBODY, home_only=quarantined, seed=9, day=3)

    def untouched(e: Encounters) -> set[tuple[int, ...]]:
        kept = e.take(~quarantined[e.a] & ~quarantined[e.b])
        columns = (kept.a, kept.b, kept.setting, kept.start, (kept.distance_m * 1000).astype(int))
        return set(zip(*(c.tolist() for c in columns), strict=True))

    assert untouched(everyone) == untouched(some_home)
    steps = expand(everyone, Draw(9, 3))
    again = expand(everyone, Draw(9, 3))
    assert np.array_equal(steps.distance_m, again.distance_m)


def test_a_run_gets_exactly_the_encounters_it_wants() -> None:
    """Only encounters with an infected person, or between two app users, are written out: the same
    rows, distances included, as filtering the whole day afterwards."""
    rng = np.random.default_rng(8)
    infected, app = rng.random(len(TOWN)) < 0.05, rng.random(len(TOWN)) < 0.4
    day = {"weekday": 4, "away": rng.random(len(TOWN)) < 0.02, "home_only": NOBODY, "seed": 6, "day": 2}
    whole = day_encounters(TOWN, **day)
    wanted = day_encounters(TOWN, **day, wanted=Wanted(any_of=infected, both_of=app))

    def rows(e: Encounters) -> list[tuple[int, ...]]:
        columns = (e.a, e.b, e.setting, e.start, e.end, e.distance_m.view(np.int32))
        return sorted(zip(*(c.tolist() for c in columns), strict=True))

    keep = infected[whole.a] | infected[whole.b] | (app[whole.a] & app[whole.b])
    assert 0 < len(wanted) < len(whole)
    assert rows(wanted) == rows(whole.take(keep))
