"""The epidemic's readouts, checked against the transmission tree they are read from, and the seeds that
scale with the town."""

from __future__ import annotations

import numpy as np
import pytest

from bluezone.sim.engine import Run
from bluezone.sim.readouts import readout
from bluezone.sim.scenario import Scenario

TOWN = Scenario().with_overrides(**{"population.people": 6000, "run.days": 20})


@pytest.fixture(scope="module")
def outcome():  # type: ignore[no-untyped-def]
    return Run(TOWN, with_app=False, workdir=None).run()


def test_the_readouts_are_what_the_tree_says(outcome) -> None:  # type: ignore[no-untyped-def]
    found = readout(outcome)
    infections = outcome.infections
    child = np.flatnonzero(infections.infected_by >= 0)
    parent = infections.infected_by[child]
    assert len(child) > 50  # the epidemic took hold
    expected_gap = float(np.mean(infections.infected_at[child] - infections.infected_at[parent])) / 86_400
    assert found.generation_interval_days == pytest.approx(expected_gap)
    gaps = infections.infected_at[child] - infections.infected_at[parent]
    assert gaps.min() >= 86_400  # nobody infects anyone on the day they were infected (the latent period)
    assert found.asymptomatic_source_share == pytest.approx(np.mean(~infections.symptomatic[parent]))
    before = infections.symptomatic[parent] & (infections.infected_at[child] < infections.onset_at[parent])
    assert found.presymptomatic_share == pytest.approx(np.mean(before))
    assert found.R0 is not None and 0.5 < found.R0 < 6
    assert found.doubling_days is not None and found.doubling_days > 1
    assert found.household_attack_rate is not None and 0 < found.household_attack_rate < 1
    assert found.close_contacts_per_person_day is not None and 1 < found.close_contacts_per_person_day < 40
    assert set(found.as_json()) == {
        "R0",
        "doubling_days",
        "generation_interval_days",
        "presymptomatic_share",
        "asymptomatic_source_share",
        "household_attack_rate",
        "close_contacts_per_person_day",
    }


def test_a_short_run_gives_no_r0_rather_than_a_cut_short_one() -> None:
    short = Run(TOWN.with_overrides(**{"run.days": 8}), with_app=False, workdir=None).run()
    assert readout(short).R0 is None


@pytest.mark.parametrize(("people", "seeds"), [(3000, 3), (20_000, 20), (1_000_000, 1000), (150, 1)])
def test_seed_infections_scale_with_the_town(people: int, seeds: int) -> None:
    assert Scenario().with_overrides(**{"population.people": people}).population.seeds == seeds
    fixed = Scenario().with_overrides(**{"population.people": people, "population.seed_infections": 2})
    assert fixed.population.seeds == 2


def test_several_runs_read_as_medians_and_90_percent_intervals() -> None:
    from bluezone.sim.study import spread

    runs = [
        {"n": v, "e": {"r": r}, "path": "x"} for v, r in zip(range(1, 22), [None] + [2.0] * 20, strict=True)
    ]
    found = spread(runs)
    assert found == {
        "n": {"median": 11, "low": 2.0, "high": 20.0},
        "e": {"r": {"median": 2.0, "low": 2.0, "high": 2.0, "runs": 20}},
        "path": "x",
    }
