"""The response on a timeline: Viet Nam's directives close what they closed, masks cut transmission, people
isolate at onset, tests miss early infections, and case workers trace F1s and F2s within their capacity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bluezone.errors import InvalidInput
from bluezone.sim.calibration import scenario_toml
from bluezone.sim.contacts import Setting, day_encounters
from bluezone.sim.engine import Run
from bluezone.sim.epidemic import DAY, Infections, transmissibility_by_setting
from bluezone.sim.population import build_population
from bluezone.sim.scenario import (
    DIRECTIVES,
    Directive,
    EpidemicSettings,
    Intervention,
    ManualTracing,
    PopulationSettings,
    Restrictions,
    Scenario,
    load_scenario,
)
from bluezone.sim.study import infections_during

TOWN = build_population(PopulationSettings(people=4000), np.random.default_rng(5))
NOBODY = np.zeros(len(TOWN), bool)
SMALL = Scenario().with_overrides(
    **{"population.people": 5000, "run.days": 16, "epidemic.transmissibility": 0.05}
)


def _with(scenario: Scenario, *interventions: Intervention) -> Scenario:
    return scenario.model_copy(update={"interventions": list(interventions)})


def test_a_scenario_file_carries_its_interventions(tmp_path: Path) -> None:
    path = tmp_path / "lockdown.toml"
    path.write_text(
        "[run]\n[population]\n[epidemic]\n[response]\n"
        '[[interventions]]\nstart_day = 5\nend_day = 19\ndirective = "16"\n'
        "[[interventions]]\nstart_day = 20\nschools_open = 0.5\nmasks = 0.9\n",
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert scenario.restrictions_on(3) == Restrictions()  # day 4 of the run
    assert scenario.restrictions_on(4) == DIRECTIVES[Directive.D16]
    assert scenario.restrictions_on(19) == Restrictions(schools_open=0.5, masks=0.9)
    # Written back as `bluezone sim calibrate` writes scenarios, it reads the same.
    again = tmp_path / "again.toml"
    again.write_text(scenario_toml(scenario, "again"), encoding="utf-8")
    assert load_scenario(again) == scenario


def test_overlapping_interventions_take_the_stricter_of_each() -> None:
    both = _with(
        Scenario(),
        Intervention(start_day=1, directive=Directive.D19),
        Intervention(start_day=1, end_day=3, work_open=0.5, masks=0.2),
    )
    today = both.restrictions_on(0)
    assert today.work_open == 0.5 and today.masks == DIRECTIVES[Directive.D19].masks
    assert both.restrictions_on(3) == DIRECTIVES[Directive.D19]


def test_an_intervention_ending_before_it_starts_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        "[run]\n[population]\n[epidemic]\n[response]\n[[interventions]]\nstart_day = 9\nend_day = 3\n"
    )
    with pytest.raises(InvalidInput, match="end_day comes before start_day"):
        load_scenario(path)


def test_closures_close_classes_and_workplaces_and_thin_outings() -> None:
    def day(restrictions: Restrictions) -> np.ndarray:
        found = day_encounters(
            TOWN, weekday=1, away=NOBODY, home_only=NOBODY, seed=1, day=0, restrictions=restrictions
        )
        return np.bincount(found.setting, minlength=len(Setting))

    open_day, closed = day(Restrictions()), day(DIRECTIVES[Directive.D16])
    assert open_day[Setting.SCHOOL] > 0 and closed[Setting.SCHOOL] == 0
    assert closed[Setting.WORK] < 0.5 * open_day[Setting.WORK]
    assert closed[Setting.MARKET] < 0.5 * open_day[Setting.MARKET]
    assert closed[Setting.HOME_NIGHT] == open_day[Setting.HOME_NIGHT]  # households still sleep at home
    half = day(Restrictions(schools_open=0.5))
    assert 0.3 < half[Setting.SCHOOL] / open_day[Setting.SCHOOL] < 0.7


def test_masks_cut_transmission_outside_the_home_only() -> None:
    settings = EpidemicSettings()
    bare, masked = transmissibility_by_setting(settings), transmissibility_by_setting(settings, masks=1.0)
    assert masked[Setting.MARKET] < 0.6 * bare[Setting.MARKET]
    assert masked[Setting.HOME] == bare[Setting.HOME] == settings.household_transmissibility


def test_directive_16_slows_the_epidemic() -> None:
    free = Run(SMALL, with_app=False, workdir=None).run()
    locked = Run(
        _with(SMALL, Intervention(start_day=4, directive=Directive.D16)), with_app=False, workdir=None
    )
    assert infections_during(locked.run()) < 0.7 * infections_during(free)


def test_a_test_finds_infections_as_kucirka_measured() -> None:
    infections = Infections.draw(np.full(4, 40, np.int16), EpidemicSettings(), np.random.default_rng(0))
    infections.infect(np.arange(3), at=np.zeros(3), by=np.full(3, -1, np.int32), setting=np.zeros(3, np.int8))
    draws = np.random.default_rng(1).random(20_000)
    found = {
        days: infections.test_positive(
            np.zeros(len(draws), np.intp), np.full(len(draws), days * DAY), 0.999, draws
        ).mean()
        for days in (0.5, 4, 8, 21)
    }
    assert found[0.5] == 0 and found[4] == pytest.approx(0.33, abs=0.02)
    assert found[8] == pytest.approx(0.80, abs=0.02) and found[21] == pytest.approx(0.34, abs=0.02)
    uninfected = infections.test_positive(np.full(len(draws), 3), np.zeros(len(draws)), 0.99, draws)
    assert uninfected.mean() == pytest.approx(0.01, abs=0.003)


def test_case_workers_trace_f1s_and_f2s_within_their_capacity() -> None:
    traced = Run(SMALL, with_app=False, workdir=None).run()
    days = traced.days
    capacity = round(SMALL.response.tracing_capacity * SMALL.population.people / 100_000)
    assert sum(d.traced for d in days) > 0 and all(d.traced <= capacity for d in days)
    assert sum(d.traced_f1 for d in days) > 0 and sum(d.traced_f2 for d in days) > 0
    households_only = SMALL.with_overrides(**{"response.manual_tracing": ManualTracing.HOUSEHOLD})
    fewer = Run(households_only, with_app=False, workdir=None).run()
    assert sum(d.traced_f1 for d in fewer.days) == 0
    assert infections_during(fewer) > infections_during(traced)


def test_staying_home_at_onset_keeps_people_from_others() -> None:
    nobody = SMALL.with_overrides(**{"response.isolate_at_onset": 0.0})
    everyone = SMALL.with_overrides(**{"response.isolate_at_onset": 1.0})
    stay = Run(everyone, with_app=False, workdir=None).run()
    go = Run(nobody, with_app=False, workdir=None).run()
    assert infections_during(stay) < infections_during(go)
